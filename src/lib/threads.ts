import { Worker, parentPort, workerData } from 'node:worker_threads';

// Node 20 does not pass the main thread's `--import tsx` on to worker threads: each thread
// registers tsx itself before it loads its TypeScript module.
const TYPESCRIPT_ENTRY = `
  const { workerData } = require('node:worker_threads');
  import('tsx/esm/api').then(({ register }) => { register(); return import(workerData.module); });
`;

export type BackgroundThread = { stop(): Promise<void> };

/**
 * Runs a module in a worker thread of its own, for background work that should not take turns
 * with requests on the event loop (copying the WAL, delivering mail). A thread that dies is
 * started again after a pause: the work it does is kept in the database, so nothing is lost.
 * stop() asks the module to finish (see onStopRequest) and resolves when the thread has exited.
 */
export function startBackgroundThread(
  module: URL,
  options: { name: string; workerData?: unknown; restartAfterMs?: number; log?: (message: string) => void },
): BackgroundThread {
  const log = options.log ?? ((message: string) => console.error(message));
  const restartAfterMs = options.restartAfterMs ?? 5_000;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let worker: Worker;
  let exited: Promise<void>;

  function start(): void {
    worker = new Worker(TYPESCRIPT_ENTRY, { eval: true, name: options.name, workerData: { module: module.href, data: options.workerData } });
    worker.on('error', (error) => log(`${options.name} thread failed: ${error.message}`));
    exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        resolve();
        if (stopping) return;
        log(`${options.name} thread stopped unexpectedly (exit code ${code}); starting it again in ${restartAfterMs / 1000} s`);
        restartTimer = setTimeout(start, restartAfterMs);
      });
    });
  }

  start();
  return {
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      worker.postMessage('stop');
      await exited;
    },
  };
}

/** In a background thread: the workerData given to startBackgroundThread. */
export function threadData<T>(): T {
  return (workerData as { data: T }).data;
}

/** In a background thread: runs finish() when the main thread asks the thread to stop, then lets it exit. */
export function onStopRequest(finish: () => void | Promise<void>): void {
  parentPort?.once('message', async () => {
    await finish();
    parentPort?.close();
  });
}
