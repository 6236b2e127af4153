import { and, eq, gt, isNull } from 'drizzle-orm';
import { writeTransaction, type Db, type DbOrTx } from '../../db/client.ts';
import { userTokens, users, type TokenPurpose, type User } from '../../db/schema.ts';
import { gone } from '../../lib/errors.ts';
import { hashToken, looksLikeToken, newToken } from '../../lib/tokens.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { createSession, destroyUserSessions } from './sessions.service.ts';

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  password_reset: 60 * 60_000,
  invitation: 7 * 24 * 60 * 60_000,
};

/**
 * Checks e-mail and password. Unknown e-mail, wrong password and a disabled account all give
 * null after the same amount of work, so the answer reveals nothing about who has an account.
 */
export async function authenticate(db: Db, email: string, password: string): Promise<User | null> {
  const user = db.select().from(users).where(eq(users.email, email)).get();
  if (!user?.passwordHash) return verifyAgainstDummy(password).then(() => null);
  const valid = await verifyPassword(user.passwordHash, password);
  return valid && !user.disabledAt ? user : null;
}

/** Starts a fresh session (a new id on every sign-in, against session fixation) and records it. */
export function signIn(db: Db, userId: number, now: Date): string {
  return writeTransaction(db, (tx) => {
    recordAudit(tx, { actorUserId: userId, action: 'auth.sign_in', objectType: 'user', objectId: userId }, now);
    return createSession(tx, userId, now);
  });
}

export function recordFailedSignIn(db: Db, now: Date): void {
  recordAudit(db, { actorUserId: null, action: 'auth.sign_in_failed' }, now);
}

/** Creates a single-use token row and returns the raw token for the link. */
export function issueUserToken(tx: DbOrTx, userId: number, purpose: TokenPurpose, now: Date): string {
  const token = newToken();
  tx.insert(userTokens)
    .values({
      userId,
      purpose,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]),
      createdAt: now,
    })
    .run();
  return token;
}

/**
 * Queues a reset mail when an active account has this address; does nothing otherwise.
 * The caller answers the same either way.
 */
export function requestPasswordReset(db: Db, mailer: Mailer, email: string, baseUrl: string, now: Date): void {
  writeTransaction(db, (tx) => {
    const user = tx.select().from(users).where(eq(users.email, email)).get();
    if (!user || user.disabledAt) return;
    const token = issueUserToken(tx, user.id, 'password_reset', now);
    mailer.enqueue(
      tx,
      {
        to: user.email,
        locale: user.locale,
        template: 'password-reset',
        locals: { name: user.name, link: `${baseUrl}/password/reset/${token}`, minutes: TOKEN_LIFETIME_MS.password_reset / 60_000 },
      },
      now,
    );
    recordAudit(tx, { actorUserId: null, action: 'auth.password_reset_requested', objectType: 'user', objectId: user.id }, now);
  });
}

/** The account behind an unused, unexpired token of this purpose, or null. Reading never uses it up. */
export function findUserByToken(db: DbOrTx, rawToken: string, purpose: TokenPurpose, now: Date): User | null {
  if (!looksLikeToken(rawToken)) return null;
  const row = db
    .select({ user: users })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .where(
      and(
        eq(userTokens.tokenHash, hashToken(rawToken)),
        eq(userTokens.purpose, purpose),
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, now),
      ),
    )
    .get();
  if (!row || row.user.disabledAt) return null;
  return row.user;
}

/**
 * Sets a new password through a reset or invitation link: the token is used up, every other
 * token of the account too, and all existing sessions end. Throws 410 for a spent link.
 */
export function setPasswordWithToken(
  db: Db,
  rawToken: string,
  purpose: TokenPurpose,
  passwordHash: string,
  now: Date,
  name?: string,
): User {
  return writeTransaction(db, (tx) => {
    const user = findUserByToken(tx, rawToken, purpose, now);
    if (!user) throw gone();
    tx.update(users)
      .set({ passwordHash, ...(name ? { name } : {}) })
      .where(eq(users.id, user.id))
      .run();
    tx.update(userTokens).set({ usedAt: now }).where(and(eq(userTokens.userId, user.id), isNull(userTokens.usedAt))).run();
    destroyUserSessions(tx, user.id);
    recordAudit(tx, { actorUserId: user.id, action: `auth.${purpose}_completed`, objectType: 'user', objectId: user.id }, now);
    return user;
  });
}
