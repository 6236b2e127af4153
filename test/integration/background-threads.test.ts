import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointThread } from '../../src/db/checkpoints.ts';
import { openDatabase } from '../../src/db/client.ts';
import { startBackgroundThread } from '../../src/lib/threads.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('background threads', () => {
  it('the checkpoint thread copies committed pages into the database file while the app connection never checkpoints', { timeout: 30_000 }, async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-checkpoint-'));
    const file = path.join(dir, 'app.sqlite');
    const db = openDatabase(file);
    db.run(sql`create table filler (body text)`);
    const sizeBefore = fs.statSync(file).size;
    const checkpoints = startCheckpointThread(db, file, { intervalMs: 20 });
    const insert = db.$client.prepare('insert into filler (body) values (?)');
    // 2,000 commits of 1 kB: far beyond the 1,000 WAL pages at which SQLite would checkpoint itself.
    for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(1_000));
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await waitFor(() => fs.statSync(file).size > sizeBefore + 2_000_000);
    await checkpoints.stop();
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.$client.close();
  });

  it('a thread that dies is started again after the pause, and stop() waits until it has exited', { timeout: 30_000 }, async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-threads-'));
    const file = path.join(dir, 'starts.txt');
    const log: string[] = [];
    const thread = startBackgroundThread(new URL('../support/crashing-thread.ts', import.meta.url), {
      name: 'crashing',
      workerData: { file },
      restartAfterMs: 50,
      log: (message) => log.push(message),
    });
    await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').length > 2);
    await thread.stop();
    expect(log[0]).toBe('crashing thread stopped unexpectedly (exit code 3); starting it again in 0.05 s');
  });
});
