import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { sessions, userRoles, users, type Role } from '../../db/schema.ts';
import { hashToken, newToken } from '../../lib/tokens.ts';

export type SessionUser = { id: number; email: string; name: string; locale: string; roles: Role[] };
export type SessionLimits = { idleMs: number; absoluteMs: number };

// Writing last_seen_at on every request would turn every page view into a write; once a minute is enough.
const TOUCH_INTERVAL_MS = 60_000;

/** Starts a session for a user and returns the raw id for the cookie (only its hash is stored). */
export function createSession(db: DbOrTx, userId: number, now: Date): string {
  const id = newToken();
  db.insert(sessions).values({ idHash: hashToken(id), userId, createdAt: now, lastSeenAt: now }).run();
  return id;
}

/**
 * The signed-in user behind a session id, or null when the session is unknown, idle too long,
 * too old, or its account is disabled. Roles are read fresh on every request.
 */
export function findSessionUser(db: Db, rawId: string, now: Date, limits: SessionLimits): SessionUser | null {
  const idHash = hashToken(rawId);
  const row = db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      locale: users.locale,
      disabledAt: users.disabledAt,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash))
    .get();
  if (!row) return null;
  const nowMs = now.getTime();
  const expired =
    nowMs - row.lastSeenAt.getTime() > limits.idleMs || nowMs - row.createdAt.getTime() > limits.absoluteMs;
  if (expired || row.disabledAt) {
    db.delete(sessions).where(eq(sessions.idHash, idHash)).run();
    return null;
  }
  if (nowMs - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash)).run();
  }
  const roles = db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(eq(userRoles.userId, row.userId))
    .all()
    .map((r) => r.role);
  return { id: row.userId, email: row.email, name: row.name, locale: row.locale, roles };
}

export function destroySession(db: Db, rawId: string): void {
  db.delete(sessions).where(eq(sessions.idHash, hashToken(rawId))).run();
}

/** Ends every session of a user: after a password change, a role change or disabling the account. */
export function destroyUserSessions(db: DbOrTx, userId: number): void {
  db.delete(sessions).where(eq(sessions.userId, userId)).run();
}
