import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';

// Test plan D6 for the account forms: names are stored in NFC without bidi overrides or control
// characters, and e-mail addresses that differ only in case or normal form are one address.
describe('unicode in the invitation form', () => {
  it('stores a decomposed name composed (NFC) and without bidi overrides or control characters', async () => {
    const { app, db } = makeTestApp();
    const admin = await buildUser(db, { roles: ['admin'] });
    const browser = browserAgent(app);
    await browser.signIn(admin);
    await browser.get('/admin/users/new');

    const res = await browser.post('/admin/users', { name: 'Jose\u0301 \u202Egnp.exe\u202C\u0007 Di\u0301az', email: 'jose@test.example', locale: 'nl', roles: 'staff' });

    expect(res.status).toBe(303);
    const stored = db.select({ name: users.name }).from(users).where(eq(users.email, 'jose@test.example')).get()!.name;
    expect(stored).toBe('José gnp.exe Díaz');
    expect(stored).toBe(stored.normalize('NFC'));
  });

  it('treats an address in other capitals or another normal form as the same address', async () => {
    const { app, db } = makeTestApp();
    const admin = await buildUser(db, { roles: ['admin'] });
    const browser = browserAgent(app);
    await browser.signIn(admin);
    await browser.get('/admin/users/new');
    await browser.post('/admin/users', { name: 'Ana', email: 'Ana.Pereira@Test.Example', locale: 'nl', roles: 'staff' });

    const again = await browser.post('/admin/users', { name: 'Ana', email: 'ana.pereira@test.example', locale: 'nl', roles: 'staff' });

    expect(again.status).toBe(422);
    expect(again.text).toContain('Er is al een account met dit e-mailadres.');
    expect(db.select().from(users).where(eq(users.name, 'Ana')).all()).toHaveLength(1);
  });
});
