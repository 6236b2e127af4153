import type Database from 'better-sqlite3';

const uncachedPrepare = new WeakMap<Database.Database, (source: string) => Database.Statement>();

/**
 * Keeps compiled statements per SQL text, so a query the app runs on every request is compiled by
 * SQLite once rather than each time drizzle asks for it (drizzle prepares on every call). On the
 * answer path this was the largest single cost (bench/rsvp). Bounded, least recently used first out:
 * queries with IN lists produce many distinct texts.
 */
export function cacheStatements(sqlite: Database.Database, size = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  uncachedPrepare.set(sqlite, prepare);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      // drizzle switches statements to array rows (raw) when it maps columns itself; start clean.
      return cached.reader ? cached.raw(false) : cached;
    }
    const statement = prepare(source);
    if (cached) return statement;
    cache.set(source, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value!);
    return statement;
  }) as typeof sqlite.prepare;
}

/**
 * A statement of its own, outside the cache, for a caller that changes how it returns rows (pluck,
 * raw): a cached statement is shared, and drizzle resets only the raw mode it uses itself.
 */
export function prepareUncached(sqlite: Database.Database, source: string): Database.Statement {
  return (uncachedPrepare.get(sqlite) ?? sqlite.prepare.bind(sqlite))(source);
}
