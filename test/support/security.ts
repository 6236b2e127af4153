import type { Express } from 'express';
import request from 'supertest';
import type { Db } from '../../src/db/client.ts';
import type { Role, User } from '../../src/db/schema.ts';
import { createSession } from '../../src/features/auth/sessions.service.ts';
import { buildUser } from './builders.ts';

/** Who a cross-cutting test plays: nobody, or one staff account per role. */
export const ACTORS = ['anonymous', 'organiser', 'staff', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];
export type StaffActor = Exclude<Actor, 'anonymous'>;

/** One account per role, each with exactly that role, so a test sees what the role alone allows. */
export async function buildActors(db: Db): Promise<Record<StaffActor, User>> {
  const roles: Role[] = ['organiser', 'staff', 'admin'];
  const actors = {} as Record<StaffActor, User>;
  for (const role of roles) actors[role] = await buildUser(db, { roles: [role], name: `Matrix ${role}`, email: `matrix-${role}@test.example` });
  return actors;
}

export type Credentials = { cookie: string; csrf: string };

/**
 * A fresh session for the actor (none for anonymous) plus a valid CSRF token and cookie, the way a
 * browser holds them after loading a page. Fresh per call, so a test that signs out or disables
 * an account never spoils the next check.
 */
export async function credentialsFor(app: Express, db: Db, actor: Actor, actors: Record<StaffActor, User>, now: Date): Promise<Credentials> {
  return credentialsForUser(app, db, actor === 'anonymous' ? null : actors[actor].id, now);
}

/** A fresh session for any account (null: anonymous) with a valid CSRF token and cookie. */
export async function credentialsForUser(app: Express, db: Db, userId: number | null, now: Date): Promise<Credentials> {
  const session = userId === null ? '' : `sid=${createSession(db, userId, now)}`;
  // Signed in, the menu's sign-out form carries a token; anonymous visitors find one on the sign-in form.
  for (const page of userId === null ? ['/login', '/'] : ['/', '/login']) {
    const res = await request(app).get(page).set('Cookie', session);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
    const csrfCookie = setCookies(res).find((c) => /^(__Host-)?csrf=/.test(c))?.split(';')[0];
    if (token && csrfCookie) return { cookie: [session, csrfCookie].filter(Boolean).join('; '), csrf: token };
  }
  throw new Error(`credentialsForUser(${userId}): no page with a CSRF token found at / or /login`);
}

export function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as unknown;
  if (!header) return [];
  return Array.isArray(header) ? (header as string[]) : [String(header)];
}

/**
 * Records every INSERT, UPDATE and DELETE on the app's tables through TEMP triggers (they live
 * only on this connection and never touch the schema), so a test can name exactly which table a
 * request wrote to, not just that total_changes() moved.
 */
export function watchWrites(db: Db) {
  const client = db.$client;
  client.exec('CREATE TEMP TABLE IF NOT EXISTS write_log (tbl TEXT NOT NULL, op TEXT NOT NULL)');
  // Virtual tables (full-text indexes) take no triggers; their base tables are watched instead.
  const tables = client
    .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")
    .all() as { name: string }[];
  for (const { name } of tables) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      const trigger = `watch_${name}_${op}`.replace(/[^A-Za-z0-9_]/g, '_');
      try {
        client.exec(
          `CREATE TEMP TRIGGER IF NOT EXISTS "${trigger}" AFTER ${op} ON main."${name}" BEGIN INSERT INTO temp.write_log VALUES ('${name}', '${op}'); END`,
        );
      } catch (error) {
        // A virtual table's shadow tables refuse triggers too; what writes them is watched above.
        if (!/shadow|virtual/i.test(String(error))) throw error;
      }
    }
  }
  return {
    /** Forgets what was written so far. */
    reset(): void {
      client.exec('DELETE FROM temp.write_log');
    },
    /** 'table OP' for every write since the last reset, except to the ignored tables. */
    writes(ignore: readonly string[] = []): string[] {
      const rows = client.prepare('SELECT tbl, op FROM temp.write_log').all() as { tbl: string; op: string }[];
      return rows.filter((row) => !ignore.includes(row.tbl)).map((row) => `${row.tbl} ${row.op}`);
    },
  };
}

export function totalChanges(db: Db): number {
  return (db.$client.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
}

/** Row counts of every table: a cheap "nothing was stored" check. */
export function rowCounts(db: Db): Record<string, number> {
  const tables = db.$client
    .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[];
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = (db.$client.prepare(`SELECT count(*) AS n FROM main."${name}"`).get() as { n: number }).n;
  return counts;
}
