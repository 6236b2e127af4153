import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { inventory, makeMatrixWorld, pathFor, type MatrixWorld } from '../support/matrix.ts';
import { ACTORS, totalChanges, watchWrites } from '../support/security.ts';

// Test plan F4 (and E2's scanner half): reading a page never changes data. Mail scanners open
// every link with GET and HEAD, so a GET that writes would act for a resident who never clicked.
const getRoutes = inventory().filter((route) => route.method === 'GET');

describe('no writes on GET or HEAD', () => {
  let world: MatrixWorld;
  beforeAll(async () => {
    world = await makeMatrixWorld();
  });

  for (const route of getRoutes) {
    it(`${route.key} writes nothing for any role (sessions aside)`, async () => {
      const written: Record<string, string[]> = {};

      for (const actor of ACTORS) {
        const creds = await world.credentials(actor);
        const path = await pathFor(route, world.ctx);
        const writes = watchWrites(world.db);
        writes.reset();
        const before = totalChanges(world.db);

        await request(world.app).get(path).set('Cookie', creds.cookie);
        await request(world.app).head(path).set('Cookie', creds.cookie);

        written[actor] = writes.writes(['sessions']);
        // Without a session write (the clock stands still, so none is due) not a single row may change.
        if (writes.writes().length === 0) expect(totalChanges(world.db), `${actor}: total_changes() moved`).toBe(before);
      }

      expect(written).toEqual({ anonymous: [], organiser: [], staff: [], admin: [] });
    });
  }
});
