import { desc } from 'drizzle-orm';
import request from 'supertest';
import type { Express } from 'express';
import type { Db } from '../../src/db/client.ts';
import { outbox, type Role, type User } from '../../src/db/schema.ts';
import { createUser } from '../../src/features/accounts/accounts.service.ts';
import { hashPassword } from '../../src/features/auth/passwords.ts';
import { createSession } from '../../src/features/auth/sessions.service.ts';
import { composeMail } from './mail.ts';

let sequence = 0;
export const TEST_PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | undefined;

/** A staff account with the given roles; its password is TEST_PASSWORD. */
export async function buildUser(db: Db, overrides: { email?: string; name?: string; roles?: Role[]; locale?: string; withPassword?: boolean } = {}): Promise<User> {
  sequence += 1;
  cachedHash ??= hashPassword(TEST_PASSWORD);
  return createUser(
    db,
    {
      email: overrides.email ?? `user${sequence}@test.example`,
      name: overrides.name ?? `Test User ${sequence}`,
      roles: overrides.roles ?? ['organiser'],
      locale: overrides.locale ?? 'nl',
      passwordHash: overrides.withPassword === false ? null : await cachedHash,
    },
    new Date('2030-01-01T00:00:00Z'),
  );
}

/** A session cookie header for a user, as if they had signed in. */
export function sessionCookie(db: Db, userId: number, now = new Date('2030-01-10T12:00:00Z')): string {
  return `sid=${createSession(db, userId, now)}`;
}

/**
 * An agent that keeps cookies, with the CSRF token of the last page it fetched,
 * so tests post forms the way a browser does.
 */
export function browserAgent(app: Express) {
  const agent = request.agent(app);
  let csrf = '';
  return {
    agent,
    async get(path: string) {
      const res = await agent.get(path);
      const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
      if (match?.[1]) csrf = match[1];
      return res;
    },
    async post(path: string, form: Record<string, string | string[]> = {}) {
      if (!csrf) await this.get('/');
      return agent.post(path).type('form').send({ _csrf: csrf, ...form });
    },
    async signIn(user: { email: string }, password = TEST_PASSWORD) {
      await this.get('/login');
      const res = await this.post('/login', { email: user.email, password });
      await this.get('/');
      return res;
    },
  };
}

export function lastMail(db: Db) {
  return composeMail(db).select().from(outbox).orderBy(desc(outbox.id)).get();
}

/** The first link in a text that starts with the given path on the test base URL. */
export function linkIn(text: string, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s"<]+${pathPrefix.replace(/\//g, '\\/')}[^\\s"<]*`).exec(text);
  if (!match) throw new Error(`No link to ${pathPrefix} in:\n${text}`);
  return new URL(match[0]).pathname;
}
