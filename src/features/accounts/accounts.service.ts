import { and, asc, eq, isNull } from 'drizzle-orm';
import { writeTransaction, type Db, type DbOrTx } from '../../db/client.ts';
import { userRoles, userTokens, users, type Role, type User } from '../../db/schema.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { issueUserToken } from '../auth/auth.service.ts';
import { destroyUserSessions } from '../auth/sessions.service.ts';
import type { Mailer } from '../mail/outbox.service.ts';

export type NewUser = { email: string; name: string; roles: Role[]; locale: string; passwordHash?: string | null };
export type UserSummary = { id: number; email: string; name: string; roles: Role[]; disabled: boolean; invited: boolean };

/** Inserts an account with its roles; a taken e-mail address is a 409 the form can show. */
export function createUser(tx: DbOrTx, input: NewUser, now: Date): User {
  const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get();
  if (existing) throw conflict('email_taken', 'accounts:errors.emailTaken');
  const user = tx
    .insert(users)
    .values({ email: input.email, name: input.name, locale: input.locale, passwordHash: input.passwordHash ?? null, createdAt: now })
    .returning()
    .get();
  for (const role of new Set(input.roles)) tx.insert(userRoles).values({ userId: user.id, role }).run();
  return user;
}

/**
 * Creates an account with a chosen password straight away (the first admin on a new install,
 * through `npm run user:create`) and records it; actorId is null when no account acted.
 */
export function createAccount(db: Db, input: NewUser, actorId: number | null, now: Date): User {
  return writeTransaction(db, (tx) => {
    const user = createUser(tx, input, now);
    recordAudit(tx, { actorUserId: actorId, action: 'accounts.created', objectType: 'user', objectId: user.id, details: { roles: input.roles } }, now);
    return user;
  });
}

/** Creates an account without a password and mails a link to choose one (valid 7 days). */
export function inviteUser(db: Db, mailer: Mailer, input: NewUser, actorId: number, baseUrl: string, now: Date): User {
  return writeTransaction(db, (tx) => {
    const user = createUser(tx, input, now);
    sendInvitation(tx, mailer, user, actorId, baseUrl, now);
    return user;
  });
}

function sendInvitation(tx: DbOrTx, mailer: Mailer, user: User, actorId: number, baseUrl: string, now: Date): void {
  const token = issueUserToken(tx, user.id, 'invitation', now);
  const inviter = tx.select({ name: users.name }).from(users).where(eq(users.id, actorId)).get();
  mailer.enqueue(
    tx,
    {
      to: user.email,
      locale: user.locale,
      template: 'invitation',
      locals: { name: user.name, inviter: inviter?.name ?? '', link: `${baseUrl}/invitation/${token}` },
    },
    now,
  );
  recordAudit(tx, { actorUserId: actorId, action: 'accounts.invited', objectType: 'user', objectId: user.id }, now);
}

/** Sends a fresh invitation to an account that has not chosen a password yet. */
export function resendInvitation(db: Db, mailer: Mailer, userId: number, actorId: number, baseUrl: string, now: Date): void {
  writeTransaction(db, (tx) => {
    const user = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!user) throw notFound();
    if (user.passwordHash) throw conflict('already_active', 'accounts:errors.alreadyActive');
    sendInvitation(tx, mailer, user, actorId, baseUrl, now);
  });
}

export function listUsers(db: Db): UserSummary[] {
  const rows = db.select().from(users).orderBy(asc(users.name)).all();
  const roles = db.select().from(userRoles).all();
  return rows.map((user) => ({
    id: user.id,
    email: user.email,
    name: user.name,
    roles: roles.filter((r) => r.userId === user.id).map((r) => r.role),
    disabled: user.disabledAt !== null,
    invited: user.passwordHash === null,
  }));
}

export function findUserSummary(db: Db, id: number): UserSummary | undefined {
  return listUsers(db).find((user) => user.id === id);
}

/**
 * Replaces an account's roles. Admins cannot take the admin role away from themselves,
 * so an installation never locks itself out.
 */
export function updateRoles(db: Db, userId: number, roles: Role[], actorId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    const user = tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
    if (!user) throw notFound();
    if (userId === actorId && !roles.includes('admin')) throw new AppError(409, 'own_admin_role', 'accounts:errors.ownAdminRole');
    const before = tx.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)).all().map((r) => r.role);
    tx.delete(userRoles).where(eq(userRoles.userId, userId)).run();
    for (const role of new Set(roles)) tx.insert(userRoles).values({ userId, role }).run();
    recordAudit(tx, { actorUserId: actorId, action: 'accounts.roles_changed', objectType: 'user', objectId: userId, details: { before, after: roles } }, now);
  });
}

/**
 * Disabling ends the account's sessions at once and spends its open invitation and reset links
 * (enabling it again must not revive them); its history stays. Nobody can disable themselves.
 */
export function setDisabled(db: Db, userId: number, disabled: boolean, actorId: number, now: Date): void {
  writeTransaction(db, (tx) => {
    const user = tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
    if (!user) throw notFound();
    if (userId === actorId) throw new AppError(409, 'disable_self', 'accounts:errors.disableSelf');
    tx.update(users).set({ disabledAt: disabled ? now : null }).where(eq(users.id, userId)).run();
    if (disabled) {
      destroyUserSessions(tx, userId);
      tx.update(userTokens).set({ usedAt: now }).where(and(eq(userTokens.userId, userId), isNull(userTokens.usedAt))).run();
    }
    recordAudit(tx, { actorUserId: actorId, action: disabled ? 'accounts.disabled' : 'accounts.enabled', objectType: 'user', objectId: userId }, now);
  });
}
