import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, outbox, sessions, users } from '../../src/db/schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser, lastMail, linkIn, TEST_PASSWORD } from '../support/builders.ts';
import { composeMail } from '../support/mail.ts';

describe('POST /login', () => {
  it('signs in with the right password, redirects with 303 and records the sign-in', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db, { roles: ['organiser'] });
    const browser = browserAgent(app);
    await browser.get('/login');

    const res = await browser.post('/login', { email: user.email.toUpperCase(), password: TEST_PASSWORD });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(String(res.headers['set-cookie'])).toMatch(/sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    expect(db.select().from(sessions).all()).toHaveLength(1);
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.sign_in')).all()).toHaveLength(1);
  });

  it('answers 422 with one neutral message for a wrong password or an unknown e-mail', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db);
    const browser = browserAgent(app);
    await browser.get('/login');

    const wrongPassword = await browser.post('/login', { email: user.email, password: 'wrong password 123' });
    const unknownEmail = await browser.post('/login', { email: 'nobody@test.example', password: 'wrong password 123' });

    expect(wrongPassword.status).toBe(422);
    expect(unknownEmail.status).toBe(422);
    expect(wrongPassword.text).toContain('horen niet bij een actief account');
    expect(unknownEmail.text).toContain('horen niet bij een actief account');
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });

  it('re-renders the form with 422 naming the e-mail field when it is not an address', async () => {
    const { app } = makeTestApp();
    const browser = browserAgent(app);
    await browser.get('/login');

    const res = await browser.post('/login', { email: '<b>nope</b>', password: 'x' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-email"');
    expect(res.text).toContain('&lt;b&gt;nope&lt;/b&gt;');
    expect(res.text).not.toContain('<b>nope</b>');
  });

  it('gives a new session id on every sign-in and makes the old one useless', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db, { roles: ['admin'] });
    const browser = browserAgent(app);
    await browser.signIn(user);
    const firstSession = db.select().from(sessions).get()!.idHash;

    await browser.signIn(user);

    const remaining = db.select().from(sessions).all();
    expect(remaining).toHaveLength(1);
    expect(remaining[0]!.idHash).not.toBe(firstSession);
  });

  it('refuses a disabled account', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db);
    db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id)).run();
    const browser = browserAgent(app);
    await browser.get('/login');

    const res = await browser.post('/login', { email: user.email, password: TEST_PASSWORD });

    expect(res.status).toBe(422);
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });

  it('answers 429 with Retry-After once an account had too many failed attempts', async () => {
    const { app, db } = makeTestApp({ config: { rateLimits: { windowMs: 60_000, perIp: 100, perAccount: 3 } } });
    const user = await buildUser(db);
    const browser = browserAgent(app);
    await browser.get('/login');
    for (let i = 0; i < 3; i++) await browser.post('/login', { email: user.email, password: 'wrong password 123' });

    const res = await browser.post('/login', { email: user.email, password: TEST_PASSWORD });

    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });

  it('answers 403 to a post without a CSRF token and signs nobody in', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db);

    const res = await request(app).post('/login').type('form').send({ email: user.email, password: TEST_PASSWORD });

    expect(res.status).toBe(403);
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });
});

describe('POST /logout', () => {
  it('ends the session so the old cookie no longer opens staff pages', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db, { roles: ['admin'] });
    const browser = browserAgent(app);
    await browser.signIn(user);

    const res = await browser.post('/logout');
    const after = await browser.get('/admin/users');

    expect(res.status).toBe(303);
    expect(db.select().from(sessions).all()).toHaveLength(0);
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
  });
});

describe('sessions', () => {
  it('expires after 30 idle minutes', async () => {
    const { app, db, clock } = makeTestApp();
    const user = await buildUser(db, { roles: ['admin'] });
    const browser = browserAgent(app);
    await browser.signIn(user);

    clock.advance(31 * 60_000);
    const res = await browser.get('/admin/users');

    expect(res.status).toBe(302);
  });

  it('expires 12 hours after sign-in even when used all the time', async () => {
    const { app, db, clock } = makeTestApp();
    const user = await buildUser(db, { roles: ['admin'] });
    const browser = browserAgent(app);
    await browser.signIn(user);
    for (let step = 0; step < 28; step++) {
      clock.advance(25 * 60_000);
      expect((await browser.get('/admin/users')).status).toBe(200);
    }

    clock.advance(25 * 60_000);
    const res = await browser.get('/admin/users');

    expect(res.status).toBe(302);
  });
});

describe('forgotten password', () => {
  it('mails a single-use link that sets a new password and ends old sessions', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db, { roles: ['admin'] });
    const browser = browserAgent(app);
    await browser.get('/password/forgot');

    const requested = await browser.post('/password/forgot', { email: user.email });
    const mail = lastMail(db)!;
    const link = linkIn(mail.text, '/password/reset/');
    const form = await browser.get(link);
    const saved = await browser.post(link, { password: 'a brand new passphrase', confirm: 'a brand new passphrase' });
    const reused = await browser.post(link, { password: 'another new passphrase', confirm: 'another new passphrase' });
    const signIn = await browser.signIn(user, 'a brand new passphrase');

    expect(requested.status).toBe(303);
    expect(requested.headers.location).toBe('/password/forgot/sent');
    expect(mail.toAddress).toBe(user.email);
    expect(mail.subject).toBe('Kies een nieuw wachtwoord voor Aanschuiftafel');
    expect(form.status).toBe(200);
    expect(saved.status).toBe(303);
    expect(reused.status).toBe(410);
    expect(signIn.status).toBe(303);
  });

  it('answers the same for an unknown address and sends no mail', async () => {
    const { app, db } = makeTestApp();
    const browser = browserAgent(app);
    await browser.get('/password/forgot');

    const res = await browser.post('/password/forgot', { email: 'nobody@test.example' });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/password/forgot/sent');
    expect(composeMail(db).select().from(outbox).all()).toHaveLength(0);
  });

  it('shows the expired-link page one hour after the mail was sent', async () => {
    const { app, db, clock } = makeTestApp();
    const user = await buildUser(db);
    const browser = browserAgent(app);
    await browser.get('/password/forgot');
    await browser.post('/password/forgot', { email: user.email });
    const link = linkIn(lastMail(db)!.text, '/password/reset/');

    clock.advance(60 * 60_000 + 1000);
    const res = await browser.get(link);

    expect(res.status).toBe(410);
    expect(res.text).toContain('Vraag een nieuwe link aan');
  });

  it('re-renders with 422 when the two passwords differ, and keeps the link usable', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db);
    const browser = browserAgent(app);
    await browser.get('/password/forgot');
    await browser.post('/password/forgot', { email: user.email });
    const link = linkIn(lastMail(db)!.text, '/password/reset/');
    await browser.get(link);

    const res = await browser.post(link, { password: 'a brand new passphrase', confirm: 'something else entirely' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('De twee wachtwoorden zijn niet gelijk.');
    expect((await browser.get(link)).status).toBe(200);
  });
});
