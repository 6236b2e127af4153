import type { Express } from 'express';
import request from 'supertest';
import type { Config } from '../../src/config.ts';
import { AUTHZ_MATRIX, type MatrixContext, type MatrixEntry, type Outcome } from '../authz-matrix.ts';
import { makeTestApp, type TestApp } from './app.ts';
import { fillPath, listRoutes, paramNames, type RouteInfo } from './routes.ts';
import { buildActors, credentialsFor, type Actor, type Credentials } from './security.ts';

/** A fresh app with one account per role and the route inventory: the world of the cross-cutting tests. */
export async function makeMatrixWorld(options: { config?: Partial<Config> } = {}) {
  const test: TestApp = makeTestApp(options);
  const actors = await buildActors(test.db);
  const ctx: MatrixContext = { db: test.db, mailer: test.mailer, now: test.clock.now(), actors };
  return {
    ...test,
    actors,
    ctx,
    routes: listRoutes(test.app),
    credentials: (actor: Actor) => credentialsFor(test.app, test.db, actor, actors, test.clock.now()),
  };
}
export type MatrixWorld = Awaited<ReturnType<typeof makeMatrixWorld>>;

/** The routes of a freshly built app; tests call this while being collected, to make one test per route. */
export function inventory(): RouteInfo[] {
  return listRoutes(makeTestApp().app);
}

export function entryFor(route: RouteInfo): MatrixEntry | undefined {
  return AUTHZ_MATRIX[route.key];
}

/** What the matrix promises this actor on this route (a route with parameters but no builders answers 404). */
export function expectedOutcome(route: RouteInfo, actor: Actor): Outcome {
  const entry = entryFor(route);
  if (!entry) throw new Error(`No authorisation-matrix entry for ${route.key}`);
  const outcome = entry.expect[actor];
  if (outcome === 'allow' && paramNames(route.path).length > 0 && !entry.params) return 'notFound';
  return outcome;
}

/** The first role the matrix lets in, with anonymous last: the most likely to reach the handler. */
export function allowedActor(route: RouteInfo): Actor | undefined {
  const entry = entryFor(route);
  if (!entry) return undefined;
  return (['admin', 'staff', 'organiser', 'anonymous'] as const).find((actor) => entry.expect[actor] === 'allow');
}

export async function pathFor(route: RouteInfo, ctx: MatrixContext): Promise<string> {
  const entry = entryFor(route);
  return fillPath(route.path, entry?.params ? await entry.params(ctx) : {});
}

export async function bodyFor(route: RouteInfo, ctx: MatrixContext): Promise<Record<string, string | string[]>> {
  const entry = entryFor(route);
  return entry?.body ? await entry.body(ctx) : {};
}

/** A form body the way a browser encodes it: repeated keys for lists, no nesting. */
export function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  return params.toString();
}

/** Sends the route's request as a browser would: cookies, and for unsafe methods the CSRF token in the form. */
export function send(app: Express, route: RouteInfo, path: string, creds: Credentials, body: Record<string, string | string[]> = {}) {
  const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  const req = request(app)[method](path).set('Cookie', creds.cookie);
  if (route.method === 'GET') return req;
  return req.type('form').send(formBody({ _csrf: creds.csrf, ...body }));
}

/** Names what a response amounts to in matrix terms, or describes it when it fits none. */
export function outcomeOf(res: request.Response): Outcome | `status ${number}` {
  const location = String(res.headers.location ?? '');
  if ((res.status === 302 || res.status === 303) && location.startsWith('/login')) return 'login';
  if (res.status === 403) return 'forbidden';
  if (res.status === 404) return 'notFound';
  if (res.status === 410) return 'gone';
  if ((res.status >= 200 && res.status < 400) || res.status === 409 || res.status === 422) return 'allow';
  return `status ${res.status}`;
}

/** The line a developer pastes into test/authz-matrix.ts for a route that has none yet. */
export function suggestedEntry(route: RouteInfo): string {
  const shorthand = route.path.startsWith('/admin') ? "backOffice('admin')" : 'everyone()';
  const params = paramNames(route.path);
  const withParams = params.length
    ? `{ ...${shorthand}, params: async ({ db }) => ({ ${params.map((p) => `${p}: /* ${/token/i.test(p) ? 'a token you issue' : 'id of a row you build'} */ 0`).join(', ')} }) }`
    : shorthand;
  return `  '${route.key}': ${withParams},`;
}
