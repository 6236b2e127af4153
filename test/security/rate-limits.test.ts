import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/db/schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';

// Test plan F6: the limit holds at limit + 1, says when to come back, and a client cannot reset
// its counter by claiming another address in X-Forwarded-For when no proxy is trusted.
describe('sign-in rate limit per client address', () => {
  it('answers 429 with Retry-After at limit + 1, even when each attempt claims another X-Forwarded-For', async () => {
    const { app, db } = makeTestApp({ config: { trustProxy: false, rateLimits: { windowMs: 60_000, perIp: 3, perAccount: 100 } } });
    const user = await buildUser(db);
    const browser = browserAgent(app);
    await browser.get('/login');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await browser.agent
        .post('/login')
        .set('X-Forwarded-For', `203.0.113.${i + 1}`)
        .type('form')
        .send({ _csrf: await csrfOf(browser), email: `nobody${i}@test.example`, password: 'wrong password 123' });
      statuses.push(res.status);
    }

    const over = await browser.agent
      .post('/login')
      .set('X-Forwarded-For', '198.51.100.77')
      .type('form')
      .send({ _csrf: await csrfOf(browser), email: user.email, password: 'correct horse battery staple' });

    expect(statuses).toEqual([422, 422, 422]);
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });

  it('counts per forwarded address only when a proxy is trusted, so neighbours behind one proxy are not locked out together', async () => {
    const { app, db } = makeTestApp({ config: { trustProxy: true, rateLimits: { windowMs: 60_000, perIp: 2, perAccount: 100 } } });
    await buildUser(db);
    const browser = browserAgent(app);
    await browser.get('/login');
    for (let i = 0; i < 2; i++) {
      await browser.agent.post('/login').set('X-Forwarded-For', '203.0.113.1').type('form').send({ _csrf: await csrfOf(browser), email: 'a@test.example', password: 'wrong password 123' });
    }

    const sameClient = await browser.agent.post('/login').set('X-Forwarded-For', '203.0.113.1').type('form').send({ _csrf: await csrfOf(browser), email: 'a@test.example', password: 'wrong password 123' });
    const otherClient = await browser.agent.post('/login').set('X-Forwarded-For', '203.0.113.2').type('form').send({ _csrf: await csrfOf(browser), email: 'b@test.example', password: 'wrong password 123' });

    expect(sameClient.status).toBe(429);
    expect(otherClient.status).toBe(422);
  });
});

async function csrfOf(browser: ReturnType<typeof browserAgent>): Promise<string> {
  const page = await browser.get('/login');
  return /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
}
