import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { paths } from '../../src/paths.ts';
import { makeTestApp } from '../support/app.ts';

// Test plan B1 (10 rounds here, 200 with SOAK=1) and B7: SIGKILL in the middle of writes loses no
// acknowledged commit and leaves no half transaction; the leftover WAL is recovered on the next open.
const ROUNDS = process.env.SOAK ? 200 : 10;
const writer = path.join(paths.root, 'test', 'support', 'crash-writer.ts');

/** Runs the writer until a random 30–330 ms after its first commit, then SIGKILLs it; returns the acknowledged ids. */
function writeThenKill(file: string, start: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, file, String(start)], { cwd: paths.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let errors = '';
    const acked: number[] = [];
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!; // a line cut by the kill was never fully acknowledged
      for (const line of lines) {
        if (line === 'ready') continue;
        acked.push(Number(line));
        timer ??= setTimeout(() => child.kill('SIGKILL'), 30 + Math.random() * 300);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer stopped on its own:\n${errors}`));
      else resolve(acked);
    });
  });
}

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 during writes', () => {
  it(`loses no acknowledged commit and leaves no half transaction in ${ROUNDS} rounds; the app then serves at once`, { timeout: 60_000 + ROUNDS * 3_000 }, async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-crash-'));
    const file = path.join(dir, 'app.sqlite');
    openDatabase(file).$client.close();
    let next = 1;
    let ackedTotal = 0;
    let unackedTotal = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const acked = await writeThenKill(file, next);
      const walLeft = fs.existsSync(`${file}-wal`) && fs.statSync(`${file}-wal`).size > 0;
      const db = openDatabase(file); // B7: recovers the WAL the killed writer left behind, migrations run again
      const client = db.$client;

      const integrity = client.pragma('integrity_check', { simple: true });
      const audited = new Set((client.prepare("SELECT CAST(object_id AS INTEGER) AS id FROM audit_events WHERE action = 'crash.write'").all() as { id: number }[]).map((r) => r.id));
      const mailed = new Set((client.prepare("SELECT CAST(substr(dedupe_key, 7) AS INTEGER) AS id FROM outbox WHERE dedupe_key LIKE 'crash-%'").all() as { id: number }[]).map((r) => r.id));
      client.close();

      const missing = acked.filter((id) => !audited.has(id) || !mailed.has(id));
      const orphans = [...audited].filter((id) => !mailed.has(id)).concat([...mailed].filter((id) => !audited.has(id)));
      expect({ round, integrity, missing, orphans }).toEqual({ round, integrity: 'ok', missing: [], orphans: [] });
      expect(acked.length, `round ${round}: the writer committed nothing before the kill`).toBeGreaterThan(0);
      if (round === 0) expect(walLeft, 'the killed writer left a WAL to recover').toBe(true);
      const highest = Math.max(0, ...audited);
      ackedTotal += acked.length;
      unackedTotal += highest - (acked.at(-1) ?? next - 1);
      next = highest + 1;
    }

    const { app, db } = makeTestApp({ db: openDatabase(file) });
    const started = Date.now();
    const health = await request(app).get('/healthz');
    const migrations = (db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    db.$client.close();

    console.info(`B1: ${ROUNDS} rounds, ${ackedTotal} acknowledged commits, 0 lost, ${unackedTotal} committed without the writer hearing back`);
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(migrations).toBe(fs.readdirSync(paths.migrations).filter((f) => f.endsWith('.sql')).length);
  });
});
