import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { createMailer } from '../../src/features/mail/outbox.service.ts';
import { paths } from '../../src/paths.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';

// Test plan B5: SIGTERM while requests are in flight and the outbox worker is sending. The real
// server (src/server.ts) in its own process, on a database file, delivering to a real SMTP server.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

type Outcome = { status?: number; error?: string };

function get(port: number, urlPath: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

let smtp: TestSmtpServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await smtp?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('graceful shutdown (SIGTERM)', () => {
  it('finishes requests in flight, records the mail being sent, checkpoints the WAL and exits 0 within 10 s', { timeout: 90_000 }, async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-shutdown-'));
    const databasePath = path.join(dir, 'app.sqlite');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    smtp = await startSmtpServer();
    // A slow mail server, so a delivery is under way when the signal comes.
    smtp.onMessage(() => new Promise((resolve) => setTimeout(resolve, 150)));
    const db = openDatabase(databasePath);
    const mailer = createMailer(baseUrl);
    for (let i = 0; i < 20; i++) {
      mailer.enqueue(db, { to: `r${i}@test.example`, locale: 'nl', template: 'invitation', locals: { name: `R${i}`, inviter: 'A', link: `${baseUrl}/x` } }, new Date());
    }
    db.$client.close();

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(paths.root, 'src', 'server.ts')], {
      cwd: paths.root,
      env: {
        PATH: process.env.PATH,
        TZ: process.env.TZ ?? 'UTC',
        NODE_ENV: 'production',
        SESSION_SECRET: 'shutdown-test-secret-shutdown-test-secret-0123',
        DATABASE_PATH: databasePath,
        PORT: String(port),
        BASE_URL: baseUrl,
        SMTP_URL: `smtp://${smtp.host}:${smtp.port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
    const deadline = Date.now() + 45_000;
    while ((await get(port, '/healthz')).status !== 200) {
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    while (smtp.received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    const inFlight = Array.from({ length: 100 }, (_, i) => get(port, i % 2 ? '/login' : '/healthz'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const outcomes = await Promise.all(inFlight);
    const { code, at } = await exited;

    const answered = outcomes.filter((o) => o.status !== undefined);
    console.info(`B5: ${answered.length}/100 requests answered, ${100 - answered.length} refused before reaching a handler; exit after ${at - signalledAt} ms; ${smtp.received.length} mails delivered`);
    // A request refused or reset before it was read never reached a handler; nothing else may happen.
    const unexpected = outcomes.filter((o) => (o.status !== undefined && o.status >= 400) || (o.error && !/ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/.test(o.error)));
    expect(unexpected, output).toEqual([]);
    expect(answered.length).toBeGreaterThan(0);
    expect(smtp.received.length, 'the delivery thread sent mail before the signal').toBeGreaterThan(0);
    expect(code, output).toBe(0);
    expect(at - signalledAt).toBeLessThan(10_000);
    const wal = `${databasePath}-wal`;
    expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
    const after = openDatabase(databasePath);
    const rows = after.$client.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[];
    after.$client.close();
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(byStatus.sending ?? 0).toBe(0);
    expect(byStatus.sent ?? 0).toBe(smtp.received.length);
  });
});
