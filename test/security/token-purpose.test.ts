import { beforeAll, describe, expect, it } from 'vitest';
import { bodyFor, entryFor, inventory, makeMatrixWorld, send, type MatrixWorld } from '../support/matrix.ts';
import { fillPath } from '../support/routes.ts';
import { watchWrites } from '../support/security.ts';

// Test plan E3 (wrong purpose): a valid token of one kind never opens a link of another kind. The
// kinds come from the matrix: every route with a :token parameter and a builder for it. Routes
// sharing the part of the path before ':token' (/r/:token, /r/:token/cancel) share one kind.
const tokenRoutes = inventory().filter((route) => route.path.includes(':token') && entryFor(route)?.params);
const kindOf = (path: string) => path.slice(0, path.indexOf(':token'));
const kinds = [...new Set(tokenRoutes.map((route) => kindOf(route.path)))];

describe('tokens used for the wrong kind of link', () => {
  let world: MatrixWorld;
  const tokens = new Map<string, string>(); // kind → a valid token of that kind
  beforeAll(async () => {
    world = await makeMatrixWorld();
    for (const kind of kinds) {
      const producer = tokenRoutes.find((route) => kindOf(route.path) === kind)!;
      const params = await entryFor(producer)!.params!(world.ctx);
      tokens.set(kind, String(params.token));
    }
  });

  it('knows more than one kind of token', () => {
    console.info(`E3: token kinds ${kinds.join(', ')}`);
    expect(kinds.length).toBeGreaterThan(1);
  });

  for (const route of tokenRoutes) {
    it(`${route.key} refuses every other kind's valid token with 404 or 410 and changes nothing`, async () => {
      const answers: Record<string, number> = {};
      const creds = await world.credentials('anonymous');
      const body = await bodyFor(route, world.ctx);
      const writes = watchWrites(world.db);
      writes.reset();

      for (const [kind, token] of tokens) {
        if (kind === kindOf(route.path)) continue;
        const res = await send(world.app, route, fillPath(route.path, { token }, '1'), creds, body);
        answers[kind] = res.status;
      }

      expect(Object.entries(answers).filter(([, status]) => ![400, 404, 410].includes(status))).toEqual([]);
      // Nothing but the audit entry of a refused POST (E3) may be written.
      expect(writes.writes(['sessions', 'audit_events'])).toEqual([]);
    });
  }
});
