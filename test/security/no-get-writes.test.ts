import { gt, max } from 'drizzle-orm';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { inventory, makeMatrixWorld, pathFor, type MatrixWorld } from '../support/matrix.ts';
import { auditEvents } from '../../src/db/schema.ts';
import { ACTORS, totalChanges, watchWrites } from '../support/security.ts';

// Test plan F4 (and E2's scanner half): reading a page never changes data. Mail scanners open
// every link with GET and HEAD, so a GET that writes would act for a resident who never clicked.
const getRoutes = inventory().filter((route) => route.method === 'GET');
const AUDITED_READS = ['attendees.viewed', 'auth.forbidden'];

describe('no writes on GET or HEAD', () => {
  let world: MatrixWorld;
  beforeAll(async () => {
    world = await makeMatrixWorld();
  });
  const lastAuditId = () => world.db.select({ id: max(auditEvents.id) }).from(auditEvents).get()?.id ?? 0;

  for (const route of getRoutes) {
    it(`${route.key} writes nothing for any role (sessions aside)`, async () => {
      const written: Record<string, string[]> = {};
      const audited: string[] = [];

      for (const actor of ACTORS) {
        const creds = await world.credentials(actor);
        const path = await pathFor(route, world.ctx);
        const writes = watchWrites(world.db);
        writes.reset();
        const before = totalChanges(world.db);
        const auditedBefore = lastAuditId();

        await request(world.app).get(path).set('Cookie', creds.cookie);
        await request(world.app).head(path).set('Cookie', creds.cookie);

        // Audit events are the one write a GET may make (H5: views of guest lists, refused access); counted apart.
        const audits = world.db.select({ action: auditEvents.action }).from(auditEvents).where(gt(auditEvents.id, auditedBefore)).all();
        audited.push(...audits.map((audit) => audit.action).filter((action) => !AUDITED_READS.includes(action)));
        written[actor] = writes.writes(['sessions']).filter((write) => write !== 'audit_events INSERT');
        // Without a session write (the clock stands still, so none is due) nothing but those audit rows may
        // change: each counts twice in total_changes(), once itself and once as the watch trigger's log row.
        if (writes.writes(['audit_events']).length === 0) expect(totalChanges(world.db) - before, `${actor}: total_changes() moved`).toBe(audits.length * 2);
      }

      expect(written).toEqual({ anonymous: [], organiser: [], staff: [], admin: [] });
      expect(audited, 'audit events a GET may not write').toEqual([]);
    });
  }
});
