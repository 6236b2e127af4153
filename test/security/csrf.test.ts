import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_BASE_URL } from '../support/app.ts';
import { allowedActor, bodyFor, expectedOutcome, formBody, inventory, makeMatrixWorld, outcomeOf, pathFor, type MatrixWorld } from '../support/matrix.ts';
import { UNSAFE_METHODS, type RouteInfo } from '../support/routes.ts';
import { totalChanges, watchWrites, type Credentials } from '../support/security.ts';

// Test plan F3: every unsafe route, straight from the router, so a new POST route is covered the day it lands.
const unsafeRoutes = inventory().filter((route) => UNSAFE_METHODS.includes(route.method));

type Attack = { name: string; build: (creds: Credentials, foreignToken: string) => { csrf?: string; headers?: Record<string, string> } };

const ATTACKS: Attack[] = [
  { name: 'without a CSRF token', build: () => ({}) },
  { name: "with another session's CSRF token", build: (_creds, foreignToken) => ({ csrf: foreignToken }) },
  { name: 'from Origin https://evil.example (valid token)', build: (creds) => ({ csrf: creds.csrf, headers: { Origin: 'https://evil.example' } }) },
  { name: 'with Sec-Fetch-Site: cross-site (valid token)', build: (creds) => ({ csrf: creds.csrf, headers: { 'Sec-Fetch-Site': 'cross-site' } }) },
];

describe('CSRF protection on every unsafe route', () => {
  let world: MatrixWorld;
  let foreignToken: string;
  beforeAll(async () => {
    world = await makeMatrixWorld();
    foreignToken = (await world.credentials('anonymous')).csrf;
  });

  it('finds the unsafe routes to check', () => {
    expect(unsafeRoutes.length).toBeGreaterThan(0);
  });

  for (const route of unsafeRoutes) {
    describe(route.key, () => {
      for (const attack of ATTACKS) {
        it(`answers 403 and changes nothing ${attack.name}`, async () => {
          const actor = allowedActor(route) ?? 'admin';
          const creds = await world.credentials(actor);
          const path = await pathFor(route, world.ctx);
          const body = await bodyFor(route, world.ctx);
          const { csrf, headers = {} } = attack.build(creds, foreignToken);
          const writes = watchWrites(world.db);
          writes.reset();
          const before = totalChanges(world.db);

          const res = await sendRaw(route, path, creds.cookie, { ...body, ...(csrf ? { _csrf: csrf } : {}) }, headers);

          expect(res.status).toBe(403);
          expect(res.text).toContain('class="error-page"');
          expect(writes.writes()).toEqual([]);
          expect(totalChanges(world.db)).toBe(before);
        });
      }

      // The control (test plan convention): the same request, honestly made, is not refused, so a
      // 403 above comes from the CSRF defence and not from a harness that never reaches the route.
      it('is not refused when the same request carries a valid token from the same origin', async () => {
        const actor = allowedActor(route) ?? 'admin';
        const creds = await world.credentials(actor);
        const path = await pathFor(route, world.ctx);

        const res = await sendRaw(route, path, creds.cookie, { ...(await bodyFor(route, world.ctx)), _csrf: creds.csrf }, { Origin: new URL(TEST_BASE_URL).origin, 'Sec-Fetch-Site': 'same-origin' });

        expect(outcomeOf(res)).toBe(expectedOutcome(route, actor));
      });
    });
  }

  function sendRaw(route: RouteInfo, path: string, cookie: string, body: Record<string, string | string[]>, headers: Record<string, string>) {
    const method = route.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete';
    return request(world.app)[method](path).set('Cookie', cookie).set(headers).type('form').send(formBody(body));
  }
});
