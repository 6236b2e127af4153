import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, outbox, sessions, userRoles, userTokens, users, type Role, type User } from '../../src/db/schema.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { browserAgent, buildUser, lastMail, linkIn, sessionCookie } from '../support/builders.ts';
import { composeMail } from '../support/mail.ts';

/** A browser whose session belongs to a new account with these roles (signed in through a real session row). */
async function signedInBrowser(world: TestApp, roles: Role[], overrides: { name?: string } = {}) {
  const user = await buildUser(world.db, { roles, ...overrides });
  const browser = browserAgent(world.app);
  browser.agent.set('Cookie', sessionCookie(world.db, user.id, world.clock.now()));
  return { user, browser };
}

function rolesOf(world: TestApp, userId: number): Role[] {
  return world.db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(eq(userRoles.userId, userId))
    .all()
    .map((row) => row.role)
    .sort();
}

function auditActions(world: TestApp, action: string) {
  return world.db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();
}

function userByEmail(world: TestApp, email: string): User | undefined {
  return world.db.select().from(users).where(eq(users.email, email)).get();
}

const validInvite = { name: 'Noor Haddad', email: 'noor@test.example', locale: 'en', roles: ['organiser', 'staff'] };

describe('GET /admin/users', () => {
  it('lists the accounts with their roles and status for an admin', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin'], { name: 'Anna Admin' });
    await buildUser(world.db, { name: 'Olga Organiser', roles: ['organiser'], withPassword: false });

    const res = await browser.get('/admin/users');

    expect(res.status).toBe(200);
    expect(res.text).toContain('Anna Admin');
    expect(res.text).toContain('Olga Organiser');
    expect(res.text).toContain('Uitgenodigd');
    expect(res.text).toContain('href="/admin/users/new"');
  });

  it('answers 403 to an organiser and staff', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['organiser', 'staff']);

    const res = await browser.get('/admin/users');

    expect(res.status).toBe(403);
  });

  it('sends an anonymous visitor to sign in', async () => {
    const world = makeTestApp();

    const res = await request(world.app).get('/admin/users/new');

    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fusers%2Fnew');
  });
});

describe('POST /admin/users (invite)', () => {
  it('creates an account without a password, queues an invitation with a link and records it', async () => {
    const world = makeTestApp();
    const { user: admin, browser } = await signedInBrowser(world, ['admin'], { name: 'Anna Admin' });
    await browser.get('/admin/users/new');

    const res = await browser.post('/admin/users', { ...validInvite, email: ' Noor@Test.Example ' });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users');
    const invited = userByEmail(world, 'noor@test.example')!;
    expect(invited).toMatchObject({ name: 'Noor Haddad', locale: 'en', passwordHash: null, disabledAt: null });
    expect(rolesOf(world, invited.id)).toEqual(['organiser', 'staff']);
    const mail = lastMail(world.db)!;
    expect(mail.toAddress).toBe('noor@test.example');
    expect(mail.subject).toBe('Your Aanschuiftafel account');
    expect(mail.text).toContain('Anna Admin created an account for you');
    expect(linkIn(mail.text, '/invitation/')).toMatch(/^\/invitation\/[A-Za-z0-9_-]{43}$/);
    const audit = auditActions(world, 'accounts.invited');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: admin.id, objectType: 'user', objectId: String(invited.id) });
    const list = await browser.get('/admin/users');
    expect(list.text).toContain('De uitnodiging aan noor@test.example staat klaar in de mail.');
  });

  it('lets the invited person choose a name and password through the link, after which signing in works', async () => {
    const world = makeTestApp();
    const { browser: adminBrowser } = await signedInBrowser(world, ['admin']);
    await adminBrowser.get('/admin/users/new');
    await adminBrowser.post('/admin/users', validInvite);
    const link = linkIn(lastMail(world.db)!.text, '/invitation/');
    const invitee = browserAgent(world.app);

    const form = await invitee.get(link);
    const accepted = await invitee.post(link, { name: 'Noor H.', password: 'a long enough passphrase', confirm: 'a long enough passphrase' });
    const reused = await invitee.post(link, { name: 'Someone Else', password: 'another long passphrase', confirm: 'another long passphrase' });
    const signIn = await invitee.signIn({ email: 'noor@test.example' }, 'a long enough passphrase');

    expect(form.status).toBe(200);
    expect(form.text).toContain('value="Noor Haddad"');
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe('/login');
    expect(reused.status).toBe(410);
    expect(signIn.status).toBe(303);
    const account = userByEmail(world, 'noor@test.example')!;
    expect(account.name).toBe('Noor H.');
    expect(account.passwordHash).toMatch(/^\$argon2id\$/);
    expect(world.db.select().from(userTokens).where(eq(userTokens.userId, account.id)).get()!.usedAt).not.toBeNull();
    expect(auditActions(world, 'auth.invitation_completed')).toHaveLength(1);
  });

  it('re-renders the invitation form with 422 when the two passwords differ, and keeps the link usable', async () => {
    const world = makeTestApp();
    const { browser: adminBrowser } = await signedInBrowser(world, ['admin']);
    await adminBrowser.get('/admin/users/new');
    await adminBrowser.post('/admin/users', validInvite);
    const link = linkIn(lastMail(world.db)!.text, '/invitation/');
    const invitee = browserAgent(world.app);
    await invitee.get(link);

    const res = await invitee.post(link, { name: 'Noor', password: 'a long enough passphrase', confirm: 'something different' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-confirm"');
    expect(userByEmail(world, 'noor@test.example')!.passwordHash).toBeNull();
    expect((await invitee.get(link)).status).toBe(200);
  });

  it('shows the expired-link page for an unknown or expired invitation', async () => {
    const world = makeTestApp();
    const { browser: adminBrowser } = await signedInBrowser(world, ['admin']);
    await adminBrowser.get('/admin/users/new');
    await adminBrowser.post('/admin/users', validInvite);
    const link = linkIn(lastMail(world.db)!.text, '/invitation/');

    const invitee = browserAgent(world.app);
    await invitee.get('/login');

    const unknown = await request(world.app).get(`/invitation/${'x'.repeat(43)}`);
    const unknownPost = await invitee.post(`/invitation/${'x'.repeat(43)}`, { name: 'X', password: 'a long enough passphrase', confirm: 'a long enough passphrase' });
    world.clock.advance(7 * 24 * 60 * 60_000 + 1000);
    const expired = await request(world.app).get(link);
    const expiredPost = await invitee.post(link, { name: 'X', password: 'a long enough passphrase', confirm: 'a long enough passphrase' });

    expect(unknown.status).toBe(410);
    expect(unknownPost.status).toBe(410);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('Deze link is verlopen of al gebruikt.');
    expect(expiredPost.status).toBe(410);
    expect(userByEmail(world, 'noor@test.example')!.passwordHash).toBeNull();
  });

  it.each([
    { case: 'an address that is not one', form: { ...validInvite, email: 'noor@' }, field: 'email' },
    { case: 'an address with a line break', form: { ...validInvite, email: 'noor@test.example\r\nBcc: x@evil.nl' }, field: 'email' },
    { case: 'no role', form: { name: 'Noor', email: 'noor@test.example', locale: 'nl' }, field: 'roles' },
    { case: 'an unknown role', form: { ...validInvite, roles: ['superuser'] }, field: 'roles' },
    { case: 'an empty name', form: { ...validInvite, name: '   ' }, field: 'name' },
    { case: 'a name of 101 characters', form: { ...validInvite, name: 'a'.repeat(101) }, field: 'name' },
    { case: 'a language staff pages do not offer', form: { ...validInvite, locale: 'tr' }, field: 'locale' },
  ])('answers 422 naming the field and stores nothing for $case', async ({ form, field }) => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    await browser.get('/admin/users/new');

    const res = await browser.post('/admin/users', form);

    expect(res.status).toBe(422);
    expect(res.text).toContain(`href="#field-${field}"`);
    expect(world.db.select().from(users).all()).toHaveLength(1);
    expect(composeMail(world.db).select().from(outbox).all()).toHaveLength(0);
    expect(world.db.select().from(userTokens).all()).toHaveLength(0);
    expect(auditActions(world, 'accounts.invited')).toHaveLength(0);
  });

  it('answers 422 for an address that already has an account, whatever its case, and keeps the submitted values', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    await buildUser(world.db, { email: 'noor@test.example', name: 'The First Noor' });
    await browser.get('/admin/users/new');

    const res = await browser.post('/admin/users', { ...validInvite, email: 'NOOR@test.example', name: '<b>Noor</b>' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('Er is al een account met dit e-mailadres.');
    expect(res.text).toContain('value="&lt;b&gt;Noor&lt;/b&gt;"');
    expect(res.text).toMatch(/id="role-staff" name="roles" value="staff" checked/);
    expect(userByEmail(world, 'noor@test.example')!.name).toBe('The First Noor');
    expect(world.db.select().from(users).all()).toHaveLength(2);
    expect(composeMail(world.db).select().from(outbox).all()).toHaveLength(0);
  });

  it('ignores fields the form does not have, such as a password hash or a disabled date', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    await browser.get('/admin/users/new');

    const res = await browser.post('/admin/users', { ...validInvite, passwordHash: 'x', disabledAt: '1', id: '99' });

    expect(res.status).toBe(303);
    const invited = userByEmail(world, 'noor@test.example')!;
    expect(invited.passwordHash).toBeNull();
    expect(invited.disabledAt).toBeNull();
    expect(invited.id).not.toBe(99);
  });

  it('answers 403 to an organiser and stores nothing', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['organiser', 'staff']);
    await browser.get('/');

    const res = await browser.post('/admin/users', { ...validInvite, roles: ['admin'] });

    expect(res.status).toBe(403);
    expect(userByEmail(world, 'noor@test.example')).toBeUndefined();
    expect(composeMail(world.db).select().from(outbox).all()).toHaveLength(0);
  });

  it('sends an anonymous visitor to sign in and stores nothing', async () => {
    const world = makeTestApp();
    const browser = browserAgent(world.app);
    await browser.get('/login');

    const res = await browser.post('/admin/users', validInvite);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(world.db.select().from(users).all()).toHaveLength(0);
  });
});

describe('GET /admin/users/:id', () => {
  it('shows the account with its roles ticked', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    const other = await buildUser(world.db, { name: 'Olga Organiser', roles: ['organiser'] });

    const res = await browser.get(`/admin/users/${other.id}`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Olga Organiser</h1>');
    expect(res.text).toMatch(/id="role-organiser" name="roles" value="organiser" checked/);
    expect(res.text).not.toMatch(/value="admin" checked/);
    expect(res.text).toContain(`action="/admin/users/${other.id}/disable"`);
  });

  it.each(['999', '12abc', '0', '-1'])('answers 404 for the id %s', async (id) => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);

    const res = await browser.get(`/admin/users/${id}`);

    expect(res.status).toBe(404);
  });
});

describe('POST /admin/users/:id/roles', () => {
  it('replaces the roles, records before and after, and the account has the new roles on its next request', async () => {
    const world = makeTestApp();
    const { user: admin, browser } = await signedInBrowser(world, ['admin']);
    const other = await buildUser(world.db, { roles: ['organiser', 'admin'] });
    const otherCookie = sessionCookie(world.db, other.id, world.clock.now());
    const before = await request(world.app).get('/admin/users').set('Cookie', otherCookie);
    await browser.get(`/admin/users/${other.id}`);

    const res = await browser.post(`/admin/users/${other.id}/roles`, { roles: 'organiser' });
    const after = await request(world.app).get('/admin/users').set('Cookie', otherCookie);

    expect(before.status).toBe(200);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${other.id}`);
    expect(rolesOf(world, other.id)).toEqual(['organiser']);
    expect(after.status).toBe(403);
    const audit = auditActions(world, 'accounts.roles_changed');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorUserId).toBe(admin.id);
    expect(JSON.parse(audit[0]!.details!)).toEqual({ before: ['admin', 'organiser'], after: ['organiser'] });
  });

  it('answers 422 naming the roles field and changes nothing when no role is ticked', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    const other = await buildUser(world.db, { roles: ['staff'] });
    await browser.get(`/admin/users/${other.id}`);

    const res = await browser.post(`/admin/users/${other.id}/roles`, {});

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-roles"');
    expect(res.text).toContain('Kies minstens één rol.');
    expect(rolesOf(world, other.id)).toEqual(['staff']);
    expect(auditActions(world, 'accounts.roles_changed')).toHaveLength(0);
  });

  it('refuses to take the admin role away from the signed-in admin', async () => {
    const world = makeTestApp();
    const { user: admin, browser } = await signedInBrowser(world, ['admin', 'organiser']);
    await browser.get(`/admin/users/${admin.id}`);

    const res = await browser.post(`/admin/users/${admin.id}/roles`, { roles: 'organiser' });

    expect(res.status).toBe(409);
    expect(res.text).toContain('U kunt uw eigen beheerdersrol niet weghalen.');
    expect(rolesOf(world, admin.id)).toEqual(['admin', 'organiser']);
    expect(auditActions(world, 'accounts.roles_changed')).toHaveLength(0);
  });

  it('answers 404 for an unknown account', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    await browser.get('/admin/users');

    const res = await browser.post('/admin/users/999/roles', { roles: 'staff' });

    expect(res.status).toBe(404);
  });

  it('answers 403 to an organiser who tries to make themselves admin', async () => {
    const world = makeTestApp();
    const { user, browser } = await signedInBrowser(world, ['organiser']);
    await browser.get('/');

    const res = await browser.post(`/admin/users/${user.id}/roles`, { roles: ['organiser', 'admin'] });

    expect(res.status).toBe(403);
    expect(rolesOf(world, user.id)).toEqual(['organiser']);
  });
});

describe('POST /admin/users/:id/disable and /enable', () => {
  it('disables the account, ends all its sessions at once and records it', async () => {
    const world = makeTestApp();
    const { user: admin, browser } = await signedInBrowser(world, ['admin']);
    const other = await buildUser(world.db, { roles: ['admin'] });
    const laptop = sessionCookie(world.db, other.id, world.clock.now());
    sessionCookie(world.db, other.id, world.clock.now());
    await browser.get(`/admin/users/${other.id}`);

    const res = await browser.post(`/admin/users/${other.id}/disable`);
    const next = await request(world.app).get('/admin/users').set('Cookie', laptop);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${other.id}`);
    expect(world.db.select().from(users).where(eq(users.id, other.id)).get()!.disabledAt).toEqual(world.clock.now());
    expect(world.db.select().from(sessions).where(eq(sessions.userId, other.id)).all()).toHaveLength(0);
    expect(next.status).toBe(302);
    expect(next.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
    const audit = auditActions(world, 'accounts.disabled');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: admin.id, objectId: String(other.id) });
  });

  it('makes the invitation and reset links of a disabled account useless, also after it is enabled again', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    await browser.get('/admin/users/new');
    await browser.post('/admin/users', validInvite);
    const link = linkIn(lastMail(world.db)!.text, '/invitation/');
    const invited = userByEmail(world, 'noor@test.example')!;
    await browser.get(`/admin/users/${invited.id}`);

    await browser.post(`/admin/users/${invited.id}/disable`);
    const whileDisabled = await request(world.app).get(link);
    await browser.post(`/admin/users/${invited.id}/enable`);
    const afterEnable = await request(world.app).get(link);

    expect(whileDisabled.status).toBe(410);
    expect(afterEnable.status).toBe(410);
  });

  it('enables a disabled account again and records it', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    const other = await buildUser(world.db, { roles: ['staff'] });
    world.db.update(users).set({ disabledAt: world.clock.now() }).where(eq(users.id, other.id)).run();
    await browser.get(`/admin/users/${other.id}`);

    const res = await browser.post(`/admin/users/${other.id}/enable`);
    const signIn = await browserAgent(world.app).signIn(other);

    expect(res.status).toBe(303);
    expect(world.db.select().from(users).where(eq(users.id, other.id)).get()!.disabledAt).toBeNull();
    expect(auditActions(world, 'accounts.enabled')).toHaveLength(1);
    expect(signIn.status).toBe(303);
  });

  it('refuses to disable the signed-in admin, whose session keeps working', async () => {
    const world = makeTestApp();
    const { user: admin, browser } = await signedInBrowser(world, ['admin']);
    await browser.get(`/admin/users/${admin.id}`);

    const res = await browser.post(`/admin/users/${admin.id}/disable`);
    const next = await browser.get('/admin/users');

    expect(res.status).toBe(409);
    expect(res.text).toContain('U kunt uw eigen account niet uitschakelen.');
    expect(world.db.select().from(users).where(eq(users.id, admin.id)).get()!.disabledAt).toBeNull();
    expect(next.status).toBe(200);
    expect(auditActions(world, 'accounts.disabled')).toHaveLength(0);
  });

  it.each(['999', '12abc'])('answers 404 for the id %s', async (id) => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    await browser.get('/admin/users');

    const res = await browser.post(`/admin/users/${id}/disable`);

    expect(res.status).toBe(404);
  });

  it('answers 403 to staff and leaves the account enabled', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['staff']);
    const other = await buildUser(world.db, { roles: ['admin'] });
    await browser.get('/');

    const res = await browser.post(`/admin/users/${other.id}/disable`);

    expect(res.status).toBe(403);
    expect(world.db.select().from(users).where(eq(users.id, other.id)).get()!.disabledAt).toBeNull();
  });
});

describe('POST /admin/users/:id/invitation', () => {
  it('sends a new invitation to an account that has not chosen a password yet', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    const invited = await buildUser(world.db, { roles: ['organiser'], withPassword: false });
    await browser.get(`/admin/users/${invited.id}`);

    const res = await browser.post(`/admin/users/${invited.id}/invitation`);

    expect(res.status).toBe(303);
    const mail = lastMail(world.db)!;
    expect(mail.toAddress).toBe(invited.email);
    expect((await request(world.app).get(linkIn(mail.text, '/invitation/'))).status).toBe(200);
    expect(auditActions(world, 'accounts.invited')).toHaveLength(1);
  });

  it('answers 409 for an account that already has a password and sends nothing', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    const active = await buildUser(world.db, { roles: ['organiser'] });
    await browser.get(`/admin/users/${active.id}`);

    const res = await browser.post(`/admin/users/${active.id}/invitation`);

    expect(res.status).toBe(409);
    expect(composeMail(world.db).select().from(outbox).all()).toHaveLength(0);
    expect(world.db.select().from(userTokens).where(eq(userTokens.userId, active.id)).all()).toHaveLength(0);
  });
});

describe('GET /admin/audit', () => {
  it('shows the recorded events, translated, to an admin', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['admin']);
    const other = await buildUser(world.db, { roles: ['staff'] });
    await browser.get(`/admin/users/${other.id}`);
    await browser.post(`/admin/users/${other.id}/disable`);

    const res = await browser.get('/admin/audit');

    expect(res.status).toBe(200);
    expect(res.text).toContain('Account uitgeschakeld');
    expect(res.text).toContain(`user ${other.id}`);
  });

  it('answers 403 to an organiser', async () => {
    const world = makeTestApp();
    const { browser } = await signedInBrowser(world, ['organiser']);

    const res = await browser.get('/admin/audit');

    expect(res.status).toBe(403);
  });
});
