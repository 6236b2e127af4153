import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import fs from 'node:fs';
import path from 'node:path';
import { paths } from '../paths.ts';
import { withStatementCache } from './statement-cache.ts';

/** Opens (and creates) the database, sets the pragmas every connection needs, and applies migrations. */
export function openDatabase(file: string) {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('foreign_keys = ON'); // SQLite leaves this off unless asked, per connection
  sqlite.pragma('busy_timeout = 5000');
  if (file !== ':memory:') {
    sqlite.pragma('journal_mode = WAL');
    // NORMAL in WAL mode loses no acknowledged commit on a process crash (test plan B1).
    sqlite.pragma('synchronous = NORMAL');
  }
  // Deleted and overwritten rows are zeroed, not left in free pages: erased residents, purged
  // sensitive data and the link tokens cut from delivered mails must not survive in the file.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('cache_size = -65536');
  const db = drizzle({ client: withStatementCache(sqlite), casing: 'snake_case' });
  // Code that uses the connection itself gets the plain one, with statements of its own.
  Object.defineProperty(db, '$client', { value: sqlite });
  migrate(db, { migrationsFolder: paths.migrations });
  return db;
}

export type Db = ReturnType<typeof openDatabase>;
/** A transaction handle; services accept either a Db or a transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/**
 * Runs fn in an IMMEDIATE transaction: the write lock is taken before the first read,
 * so a rule's read (seats left, duplicates) cannot be outdated by another process's write.
 */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(
    (tx) => {
      transactionOwners.set(tx, db);
      return fn(tx);
    },
    { behavior: 'immediate' },
  );
}

const transactionOwners = new WeakMap<Tx, Db>();

/**
 * A query built and prepared once per database instead of on every call, for the paths that run
 * on every resident answer (bench/rsvp: building the SQL cost more than running it). Values go
 * in as sql.placeholder()s; a placeholder in a where clause takes the stored form (ms for instants).
 * Inside a writeTransaction the prepared query runs on the same connection, so in the transaction;
 * in any other transaction it is built for that call only.
 */
export function preparedQuery<Q>(build: (db: DbOrTx) => Q): (handle: DbOrTx) => Q {
  const perDatabase = new WeakMap<Db, Q>();
  return (handle) => {
    const db = '$client' in handle ? handle : transactionOwners.get(handle);
    if (!db) return build(handle);
    let query = perDatabase.get(db);
    if (!query) {
      query = build(db);
      perDatabase.set(db, query);
    }
    return query;
  };
}

type QueuedWork = { work: (tx: Tx) => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit for small writes that arrive together (residents' answers under load): work handed
 * to run() while the event loop is busy is done in one IMMEDIATE transaction, each piece in a
 * savepoint of its own, and committed once. A piece that throws is rolled back alone and its
 * promise rejects; every promise settles only after the commit, so nothing is acknowledged that
 * could still be lost. A commit costs about as much as the rest of an answer's writes, and pieces
 * of one batch share their pages in the WAL (bench/rsvp, ADR 010).
 */
export function createGroupCommit(db: Db, maxBatch = 64) {
  const queue: QueuedWork[] = [];

  function flush(): void {
    const batch = queue.splice(0, maxBatch);
    if (queue.length > 0) setImmediate(flush);
    const outcomes: Outcome[] = [];
    try {
      writeTransaction(db, (tx) => {
        for (const { work } of batch) {
          let pieceError: unknown;
          try {
            const value = tx.transaction((piece) => {
              transactionOwners.set(piece, db);
              try {
                return work(piece);
              } catch (error) {
                pieceError = error;
                throw error;
              }
            });
            outcomes.push({ ok: true, value });
          } catch (error) {
            // SQLite ends the whole transaction by itself after some errors (a full disk, I/O), and
            // the savepoint's rollback then fails too: nothing may run outside the transaction,
            // where each statement would commit on its own, and every piece fails with the error
            // that ended it (the error page tells a full disk apart).
            if (!db.$client.inTransaction) throw pieceError ?? error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    batch.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }

  return {
    run<T>(work: (tx: Tx) => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (queue.length === 1) setImmediate(flush);
      });
    },
  };
}
export type GroupCommit = ReturnType<typeof createGroupCommit>;
