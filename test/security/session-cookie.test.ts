import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { newToken } from '../../src/lib/tokens.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser, TEST_PASSWORD } from '../support/builders.ts';

// Test plan F1: the session cookie, fixation and logout. Idle and absolute expiry are in
// test/http/auth.test.ts.

function cookiePairs(setCookie: string[]): string {
  return setCookie.map((cookie) => cookie.split(';')[0]).join('; ');
}

describe('the session cookie in production', () => {
  it('is __Host-sid: Secure, HttpOnly, SameSite=Lax, Path=/ and without a Domain', async () => {
    const { app, db } = makeTestApp({ config: { env: 'production' } });
    const user = await buildUser(db, { roles: ['organiser'] });
    const form = await request(app).get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;

    const signIn = await request(app)
      .post('/login')
      .set('Cookie', cookiePairs(form.headers['set-cookie'] as unknown as string[]))
      .type('form')
      .send({ _csrf: csrf, email: user.email, password: TEST_PASSWORD });

    expect(signIn.status).toBe(303);
    const session = (signIn.headers['set-cookie'] as unknown as string[]).find((cookie) => cookie.startsWith('__Host-sid='))!;
    const attributes = session.split(';').map((part) => part.trim().toLowerCase());
    expect(session).toMatch(/^__Host-sid=[A-Za-z0-9_-]{43};/);
    expect(attributes).toEqual(expect.arrayContaining(['path=/', 'httponly', 'secure', 'samesite=lax']));
    expect(attributes.some((part) => part.startsWith('domain='))).toBe(false);
  });
});

describe('session fixation and logout', () => {
  it('never adopts a session id the browser brought before signing in', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db, { roles: ['organiser'] });
    const planted = newToken();
    const browser = browserAgent(app);
    browser.agent.jar.setCookie(`sid=${planted}; Path=/`);

    const signIn = await browser.signIn(user);

    expect(String(signIn.headers['set-cookie'])).toMatch(/sid=[A-Za-z0-9_-]{43}/);
    expect(String(signIn.headers['set-cookie'])).not.toContain(planted);
    const replay = await request(app).get('/agenda').set('Cookie', `sid=${planted}`);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toMatch(/^\/login/);
  });

  it('makes the old session id useless after logout: a replay is sent to the login page', async () => {
    const { app, db } = makeTestApp();
    const user = await buildUser(db, { roles: ['organiser'] });
    const browser = browserAgent(app);
    const signIn = await browser.signIn(user);
    const sessionCookie = (signIn.headers['set-cookie'] as unknown as string[]).find((cookie) => cookie.startsWith('sid='))!.split(';')[0]!;
    expect((await request(app).get('/agenda').set('Cookie', sessionCookie)).status).toBe(200);

    const logout = await browser.post('/logout');

    expect(logout.status).toBe(303);
    const replay = await request(app).get('/agenda').set('Cookie', sessionCookie);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toMatch(/^\/login/);
  });
});
