import type { Db } from './client.ts';
import { startBackgroundThread, type BackgroundThread } from '../lib/threads.ts';

/**
 * Moves WAL checkpoints off the request path: the app's connection stops checkpointing on its
 * own and a background thread (checkpoint-thread.ts) does it every intervalMs. When the thread
 * is stopped, the connection checkpoints on its own again.
 */
export function startCheckpointThread(db: Db, file: string, options: { intervalMs?: number; log?: (message: string) => void } = {}): BackgroundThread {
  const ownPages = db.$client.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.$client.pragma('wal_autocheckpoint = 0');
  const thread = startBackgroundThread(new URL('./checkpoint-thread.ts', import.meta.url), {
    name: 'checkpoint',
    workerData: { file, intervalMs: options.intervalMs ?? 250 },
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    async stop() {
      await thread.stop();
      db.$client.pragma(`wal_autocheckpoint = ${ownPages}`);
    },
  };
}
