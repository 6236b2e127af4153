/**
 * Background thread: copies committed pages from the WAL into the database file at a steady
 * pace, so that no request pays for it. With SQLite's automatic checkpoint, the commit that
 * crossed 1,000 WAL pages did that copy (and its fsyncs) on the event loop: about 0.2 ms per
 * answer on average (ADR 010). A PASSIVE checkpoint never waits for readers or writers.
 */
import Database from 'better-sqlite3';
import { onStopRequest, threadData } from '../lib/threads.ts';

const { file, intervalMs } = threadData<{ file: string; intervalMs: number }>();
const sqlite = new Database(file);
sqlite.pragma('busy_timeout = 5000');
const timer = setInterval(() => sqlite.pragma('wal_checkpoint(PASSIVE)'), intervalMs);

onStopRequest(() => {
  clearInterval(timer);
  sqlite.close();
});
