import { beforeAll, describe, expect, it } from 'vitest';
import { AUTHZ_MATRIX } from '../authz-matrix.ts';
import { bodyFor, entryFor, expectedOutcome, inventory, makeMatrixWorld, outcomeOf, pathFor, send, suggestedEntry, type MatrixWorld } from '../support/matrix.ts';
import { ACTORS } from '../support/security.ts';

// Test plan G1: the route list comes from the router itself, so a new route cannot slip past.
const routes = inventory();

describe('route inventory', () => {
  it('has an authorisation-matrix entry for every route the app answers', () => {
    const missing = routes.filter((route) => !entryFor(route));

    console.info(`authz matrix: ${routes.length} routes in the router, ${Object.keys(AUTHZ_MATRIX).length} in the matrix`);
    expect(
      missing.map(suggestedEntry),
      `Add these lines to AUTHZ_MATRIX in test/authz-matrix.ts (pick the roles the route really allows):`,
    ).toEqual([]);
  });

  it('has no matrix entry for a route that no longer exists', () => {
    const known = new Set(routes.map((route) => route.key));

    const stale = Object.keys(AUTHZ_MATRIX).filter((key) => !known.has(key));

    expect(stale, 'Remove (or rename) these entries in test/authz-matrix.ts: the router has no such route').toEqual([]);
  });
});

describe('every route × every role', () => {
  let world: MatrixWorld;
  beforeAll(async () => {
    world = await makeMatrixWorld();
  });

  for (const route of routes.filter((r) => entryFor(r))) {
    it(`${route.key} answers each role as the matrix says`, async () => {
      const results: Record<string, string> = {};
      const expected: Record<string, string> = {};

      for (const actor of ACTORS) {
        const creds = await world.credentials(actor);
        const path = await pathFor(route, world.ctx);
        const res = await send(world.app, route, path, creds, await bodyFor(route, world.ctx));
        results[actor] = outcomeOf(res);
        expected[actor] = expectedOutcome(route, actor);
      }

      expect(results).toEqual(expected);
    });
  }
});
