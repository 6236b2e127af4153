import request from 'supertest';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTestApp } from '../support/app.ts';
import { buildUser, sessionCookie } from '../support/builders.ts';
import { allowedActor, bodyFor, inventory, makeMatrixWorld, pathFor, send, type MatrixWorld } from '../support/matrix.ts';

// Test plan F5: the security headers on every route, on the 404 page and on a forced 500.
const routes = inventory();

/**
 * Deliberate departures, each with its reason. The mail preview is framed by the mailbox page
 * (same origin), so it allows 'self' as a frame ancestor; it has its own, stricter CSP otherwise.
 */
const FRAME_ANCESTORS_EXCEPTIONS: Record<string, string> = {
  'GET /admin/mail/:id/html': "'self'",
};

function cspDirectives(header: unknown): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

/** Checks the headers every answer must carry; returns the problems found, empty when all is well. */
function headerProblems(res: request.Response, frameAncestors = "'none'"): string[] {
  const problems: string[] = [];
  const csp = cspDirectives(res.headers['content-security-policy']);
  const effective = (name: string) => csp.get(name) ?? csp.get('default-src');
  if (csp.size === 0) problems.push('no Content-Security-Policy');
  if (effective('object-src')?.join(' ') !== "'none'") problems.push(`object-src is ${effective('object-src')}`);
  if (csp.get('base-uri')?.join(' ') !== "'none'") problems.push(`base-uri is ${csp.get('base-uri')}`);
  if (csp.get('frame-ancestors')?.join(' ') !== frameAncestors) problems.push(`frame-ancestors is ${csp.get('frame-ancestors')}`);
  if ((effective('script-src') ?? []).includes("'unsafe-inline'")) problems.push("script-src allows 'unsafe-inline'");
  const hsts = /max-age=(\d+)/.exec(String(res.headers['strict-transport-security'] ?? ''));
  if (!hsts || Number(hsts[1]) < 31_536_000) problems.push(`HSTS is ${res.headers['strict-transport-security']}`);
  if (res.headers['x-content-type-options'] !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  if (res.headers['referrer-policy'] !== 'no-referrer') problems.push(`Referrer-Policy is ${res.headers['referrer-policy']}`);
  if (res.headers['x-powered-by'] !== undefined) problems.push('X-Powered-By is sent');
  const type = res.headers['content-type'];
  if (type !== undefined && !/charset=utf-8/i.test(String(type))) problems.push(`Content-Type without charset: ${type}`);
  if (!/no-store/.test(String(res.headers['cache-control'] ?? ''))) problems.push(`Cache-Control is ${res.headers['cache-control']}`);
  return problems;
}

/** A 500 page shows neither the stack nor the query that failed. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .+:\d+:\d+/); // stack frames
  expect(text).not.toMatch(/select |insert into|no such table|SqliteError|Error: |node_modules|\.ts:\d/i);
}

describe('security headers on every route', () => {
  let world: MatrixWorld;
  beforeAll(async () => {
    world = await makeMatrixWorld();
  });

  for (const route of routes) {
    it(`${route.key} sends the security headers`, async () => {
      const actor = allowedActor(route) ?? 'admin';
      const creds = await world.credentials(actor);

      const res = await send(world.app, route, await pathFor(route, world.ctx), creds, await bodyFor(route, world.ctx));

      expect(res.status).toBeLessThan(500);
      expect(headerProblems(res, FRAME_ANCESTORS_EXCEPTIONS[route.key])).toEqual([]);
    });
  }

  it('sends them on the 404 page, which is a rendered HTML page', async () => {
    const res = await request(world.app).get('/no-such-page');

    expect(res.status).toBe(404);
    expect(res.text).toContain('class="error-page"');
    expect(headerProblems(res)).toEqual([]);
  });

  it('sends them on the 403 page of a refused form, which shows no internals', async () => {
    const res = await request(world.app).post('/login').type('form').send('email=a%40b.nl');

    expect(res.status).toBe(403);
    expect(res.text).toContain('class="error-page"');
    expectNoInternals(res.text);
    expect(headerProblems(res)).toEqual([]);
  });

  it('sends them with static files (minus no-store, which only pages need)', async () => {
    const res = await request(world.app).get('/static/css/app.css');

    expect(res.status).toBe(200);
    expect(headerProblems(res).filter((p) => !p.startsWith('Cache-Control'))).toEqual([]);
  });
});

describe('a forced 500', () => {
  it('renders the generic error page with the headers and without the failing SQL or a stack trace', async () => {
    const { app, db } = makeTestApp();
    const admin = await buildUser(db, { roles: ['admin'] });
    const cookie = sessionCookie(db, admin.id);
    db.$client.exec('DROP TABLE audit_events'); // the audit page's query now fails inside SQLite
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});

    const res = await request(app).get('/admin/audit').set('Cookie', cookie);

    expect(res.status).toBe(500);
    expect(res.text).toContain('class="error-page"');
    expect(res.text).toContain('Er ging iets mis aan onze kant.');
    expectNoInternals(res.text);
    expect(headerProblems(res)).toEqual([]);
    expect(logged).toHaveBeenCalled(); // the details go to the log, not to the visitor
  });

  it('answers a plain 500 with the headers when the database is gone before the page could start', async () => {
    const { app, db } = makeTestApp();
    const admin = await buildUser(db, { roles: ['admin'] });
    const cookie = sessionCookie(db, admin.id);
    db.$client.close();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});

    const res = await request(app).get('/').set('Cookie', cookie);

    expect(res.status).toBe(500);
    expectNoInternals(res.text);
    expect(headerProblems(res)).toEqual([]);
    expect(logged).toHaveBeenCalled();
  });
});
