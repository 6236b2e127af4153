import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

/**
 * The connection as drizzle should see it: the same database, but `prepare` keeps compiled
 * statements per SQL text, so a query the app runs on every request is compiled by SQLite once
 * rather than each time drizzle asks for it (drizzle prepares on every call; on the answer path
 * that was the largest single cost, bench/rsvp). Bounded, least recently used first out: queries
 * with IN lists produce many distinct texts. Only drizzle gets this view: its statements are
 * switched to array rows (raw) or not, which is reset on every reuse, and nothing else about them
 * changes. Code that uses the connection directly ($client) prepares its own statements.
 */
export function withStatementCache(sqlite: Database.Database, size = 500): Database.Database {
  const cache = new LRUCache<string, Database.Statement>({ max: size });
  const prepare = (source: string): Database.Statement => {
    const cached = cache.get(source);
    if (cached) return cached.reader ? cached.raw(false) : cached;
    const statement = sqlite.prepare(source);
    cache.set(source, statement);
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
