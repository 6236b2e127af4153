import crypto from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';

// Test plan E4: guessing personal links from one address. With the limit a real install gets,
// 1,000 random tokens spread over every token endpoint match nothing, and every request past the
// limit gets 429 with Retry-After, until the window has passed.
const { rateLimits } = loadConfig({ SESSION_SECRET: 'link-guessing-test-secret-0123456789abcdef' });
const endpoints = [
  { method: 'get', path: (t: string) => `/r/${t}` },
  { method: 'post', path: (t: string) => `/r/${t}`, form: { answer: 'yes', people: '1' } },
  { method: 'post', path: (t: string) => `/r/${t}/cancel` },
  { method: 'get', path: (t: string) => `/join/${t}` },
  { method: 'post', path: (t: string) => `/join/${t}` },
] as const;

describe('guessing personal links from one address', () => {
  let world: TestApp;
  let server: Server;
  beforeAll(() => {
    world = makeTestApp({ config: { rateLimits } });
    server = world.app.listen(0);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it(`matches none of 1,000 random tokens and answers 429 with Retry-After from guess ${rateLimits.perIp + 1} on`, async () => {
    const real = personalLink(world.db, buildResident(world.db).id, buildDinner(world.db));
    // One kept-alive client with a CSRF cookie and token, like a script replaying a browser's session.
    const guesser = request.agent(server);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await guesser.get('/login')).text)![1]!;
    const statuses = new Map<number, number>();
    let firstBlocked = 0;
    let retryAfter = '';
    for (let i = 0; i < 1000; i += 1) {
      const endpoint = endpoints[i % endpoints.length]!;
      const path = endpoint.path(crypto.randomBytes(32).toString('base64url'));
      const res = endpoint.method === 'get' ? await guesser.get(path) : await guesser.post(path).type('form').send({ _csrf: csrf, ...('form' in endpoint ? endpoint.form : {}) });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429 && !firstBlocked) [firstBlocked, retryAfter] = [i + 1, String(res.headers['retry-after'])];
    }
    const blockedReal = await guesser.get(real);
    world.clock.advance(rateLimits.windowMs);
    const afterWindow = await guesser.get(real);

    expect(Object.fromEntries(statuses)).toEqual({ 410: rateLimits.perIp, 429: 1000 - rateLimits.perIp });
    expect(firstBlocked).toBe(rateLimits.perIp + 1);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(rateLimits.windowMs / 1000);
    expect(blockedReal.status).toBe(429);
    expect(afterWindow.status).toBe(200);
    expect(world.db.select().from(rsvps).all()).toEqual([]);
  });
});
