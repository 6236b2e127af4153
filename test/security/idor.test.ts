import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import type { Dinner } from '../../src/features/scheduling/scheduling.schema.ts';
import { bodyFor, entryFor, formBody, inventory, makeMatrixWorld, pathFor, type MatrixWorld } from '../support/matrix.ts';
import { buildConfirmedGuest, buildVenueTables } from '../support/matching-builders.ts';
import { buildNote } from '../support/notes-builders.ts';
import { fillPath, paramNames, type RouteInfo } from '../support/routes.ts';
import { buildDinner, buildResident, buildResidentList } from '../support/rsvp-builders.ts';
import type { Credentials } from '../support/security.ts';

// Test plan G2, for one organisation per installation: any organiser manages every dinner, so the
// cross-tenant replay becomes cross-dinner and cross-resident. A page or form of dinner D1 that is
// handed an id belonging to dinner D2 (or a resident's link handed R2's ids) gives nothing of D2/R2
// and changes nothing.
const routes = inventory();

/** Routes that act inside one dinner (or carry two ids): each must say which child ids it takes. */
const dinnerScoped = routes.filter(
  (route) => /^\/(agenda\/dinners|notes\/dinners|dinners)\/:(id|dinnerId)(\/|$)/.test(route.path) || paramNames(route.path).filter((name) => name !== 'token').length >= 2,
);
/** Routes behind a resident's personal link. */
const residentLinked = routes.filter((route) => /^\/(r|ideas\/t)\/:token(\/|$)/.test(route.path));

type Child = 'rsvp' | 'table' | 'note' | 'listMember';
/** Where a child id travels: a path parameter, a form field or a query parameter, with the rest of the form. */
type ChildCase = { at: 'param' | 'field' | 'query'; name: string; child: Child; rest?: (own: Own) => Record<string, string>; accept?: 'application/json' };
type Own = { rsvpId: number; otherRsvpId: number; tableId: number };

/**
 * Every dinner-scoped route and the ids of child records it accepts besides the dinner's own id.
 * An empty list says: the route names nothing but the dinner. A new nested route fails the
 * completeness test below until it has a line here.
 */
const CHILD_IDS: Record<string, ChildCase[]> = {
  'GET /agenda/dinners/:id': [],
  'POST /agenda/dinners/:id': [],
  'GET /agenda/dinners/:id/edit': [],
  'POST /agenda/dinners/:id/cancel': [],
  'POST /agenda/dinners/:id/publish': [],
  'POST /agenda/dinners/:id/complete': [],
  'GET /agenda/dinners/:id/invite': [],
  'POST /agenda/dinners/:id/invite': [],
  'GET /agenda/dinners/:id/guests': [],
  'GET /agenda/dinners/:id/door-list': [],
  'GET /agenda/dinners/:id/check-in': [],
  'GET /agenda/dinners/:id/call-list': [],
  'POST /agenda/dinners/:id/check-in/:rsvpId': [{ at: 'param', name: 'rsvpId', child: 'rsvp', rest: () => ({ value: 'arrived' }) }],
  'POST /agenda/dinners/:id/walk-in': [],
  'GET /agenda/dinners/:id/plan': [],
  'POST /agenda/dinners/:id/plan': [],
  'POST /agenda/dinners/:id/plan/move': [
    { at: 'field', name: 'household', child: 'rsvp', rest: () => ({ table: 'none', override: 'on' }) },
    { at: 'field', name: 'table', child: 'table', rest: (own) => ({ household: String(own.rsvpId), override: 'on' }) },
  ],
  'POST /agenda/dinners/:id/plan/swap': [
    { at: 'field', name: 'household', child: 'rsvp', rest: (own) => ({ other: String(own.otherRsvpId), override: 'on' }) },
    { at: 'field', name: 'other', child: 'rsvp', rest: (own) => ({ household: String(own.rsvpId), override: 'on' }) },
  ],
  'POST /agenda/dinners/:id/plan/pin': [{ at: 'field', name: 'household', child: 'rsvp', rest: () => ({ pinned: '1' }) }],
  'POST /agenda/dinners/:id/plan/lock': [],
  'GET /agenda/dinners/:id/plan/print': [],
  'GET /agenda/dinners/:id/plan/place-cards': [],
  'GET /agenda/dinners/:id/plan/kitchen': [],
  'GET /agenda/dinners/:id/home-dinners': [],
  'POST /agenda/dinners/:id/home-dinners': [],
  'POST /agenda/dinners/:id/home-dinners/invite': [],
  'POST /agenda/dinners/:id/home-dinners/match': [],
  'POST /agenda/dinners/:id/home-dinners/confirm': [],
  'GET /notes/dinners/:dinnerId': [
    { at: 'query', name: 'tableId', child: 'table' },
    { at: 'query', name: 'saved', child: 'note' },
  ],
  'POST /notes/dinners/:dinnerId': [
    { at: 'field', name: 'tableId', child: 'table', rest: () => ({ kind: 'idea', body: 'Een idee over de verkeerde tafel' }) },
    // The capture page's background submit asks for JSON.
    { at: 'field', name: 'tableId', child: 'table', rest: () => ({ kind: 'idea', body: 'Een idee over de verkeerde tafel' }), accept: 'application/json' },
  ],
  'POST /notes/dinners/:dinnerId/report': [],
  'GET /dinners/:id': [],
  'GET /dinners/:id/calendar.ics': [],
  'GET /dinners/:id/join': [],
  'POST /dinners/:id/join': [],
  // A saved list of residents is the parent here: a member of another list is the child.
  'POST /admin/residents/lists/:listId/members/:residentId/remove': [{ at: 'param', name: 'residentId', child: 'listMember' }],
};

/** Every row that mentions the record, in every table with such a column: the whole footprint of D2, R2 or a list. */
function footprint(db: Db, column: 'dinner_id' | 'resident_id' | 'list_id', id: number, own: { table: string }): string {
  const client = db.$client;
  const tables = client
    .prepare("SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = ? ORDER BY m.name")
    .all(column) as { name: string }[];
  const rows: Record<string, unknown[]> = { [own.table]: client.prepare(`SELECT * FROM "${own.table}" WHERE id = ?`).all(id) };
  for (const { name } of tables) rows[name] = client.prepare(`SELECT * FROM "${name}" WHERE ${column} = ? ORDER BY rowid`).all(id);
  return JSON.stringify(rows);
}

describe('cross-dinner and cross-resident ids (IDOR sweep)', () => {
  let world: MatrixWorld;
  let organiser: Credentials;
  const d1 = { id: 0, rsvpIds: [] as number[], tableId: 0, dinner: undefined as unknown as Dinner };
  const d2 = { id: 0, venueId: 0, rsvpId: 0, tableId: 0, noteId: 0, names: [] as string[], secret: 'Geheim idee van het andere diner' };
  let r2: { id: number; name: string; email: string };
  /** Two saved lists; the second's only member is not on the first. */
  const lists = { l1: 0, l2: 0, memberOfL2: 0 };

  beforeAll(async () => {
    world = await makeMatrixWorld();
    organiser = await world.credentials('organiser');
    const one = buildDinner(world.db, { minTableSize: 2, maxTableSize: 8 });
    d1.id = one.id;
    d1.dinner = one;
    d1.tableId = buildVenueTables(world.db, one, [{ seats: 6 }, { seats: 6 }])[0]!.id;
    d1.rsvpIds = Array.from({ length: 4 }, () => buildConfirmedGuest(world.db, one).rsvpId);
    const two = buildDinner(world.db, { minTableSize: 2, maxTableSize: 8 });
    d2.id = two.id;
    d2.venueId = two.venueId;
    d2.tableId = buildVenueTables(world.db, two, [{ seats: 6 }, { seats: 6 }])[0]!.id;
    for (let i = 1; i <= 4; i++) {
      const name = `Anderdiner Gast ${i}`;
      d2.names.push(name);
      const guest = buildConfirmedGuest(world.db, two, { name, diets: ['nut_allergy'] });
      d2.rsvpId ||= guest.rsvpId;
    }
    d2.noteId = buildNote(world.db, two, { body: d2.secret, venueTableId: d2.tableId }).id;
    for (const id of [d1.id, d2.id]) expect((await post(`/agenda/dinners/${id}/plan`, organiser)).status).toBe(303);
    const resident = buildResident(world.db, { name: 'Tweede Bewoner', phone: '+31 6 87654321' });
    r2 = { id: resident.id, name: resident.name, email: resident.email! };
    expect((await post(`/admin/residents/${r2.id}/answer`, organiser, { dinnerId: String(d2.id), answer: 'yes', people: '1' })).status).toBe(303);
    const member = buildResident(world.db, { name: 'Anderdiner Gast lijst' });
    d2.names.push(member.name);
    Object.assign(lists, { l1: buildResidentList(world.db, [buildResident(world.db).id]).id, l2: buildResidentList(world.db, [member.id]).id, memberOfL2: member.id });
  });

  function post(path: string, creds: Credentials, fields: Record<string, string | string[]> = {}) {
    return request(world.app).post(path).set('Cookie', creds.cookie).type('form').send(formBody({ _csrf: creds.csrf, ...fields }));
  }

  function send(route: RouteInfo, path: string, creds: Credentials, fields: Record<string, string | string[]>, accept = 'text/html') {
    return route.method === 'GET' ? request(world.app).get(path).set('Cookie', creds.cookie).set('Accept', accept) : post(path, creds, fields).set('Accept', accept);
  }

  function otherId(child: Child): number {
    return { rsvp: d2.rsvpId, table: d2.tableId, note: d2.noteId, listMember: lists.memberOfL2 }[child];
  }

  /** The rows of both parents (dinners D1 and D2, or lists L1 and L2) that no replay may change. */
  function parents(child: Child): string[] {
    if (child === 'listMember') return [lists.l1, lists.l2].map((id) => footprint(world.db, 'list_id', id, { table: 'resident_lists' }));
    return [d1.id, d2.id].map((id) => footprint(world.db, 'dinner_id', id, { table: 'dinners' }));
  }

  function expectNothingOfD2(text: string, what: string) {
    for (const secret of [...d2.names, d2.secret]) expect(text, `${what} shows "${secret}" of the other dinner`).not.toContain(secret);
  }

  it('has a line in CHILD_IDS for every dinner-scoped route, and none for a route that is gone', () => {
    const missing = dinnerScoped.filter((route) => !(route.key in CHILD_IDS)).map((route) => route.key);
    const stale = Object.keys(CHILD_IDS).filter((key) => !routes.some((route) => route.key === key));

    expect(missing, 'Add these routes to CHILD_IDS in test/security/idor.test.ts, with the child ids each accepts').toEqual([]);
    expect(stale, 'Remove these lines from CHILD_IDS: the router has no such route').toEqual([]);
  });

  for (const route of dinnerScoped) {
    for (const child of CHILD_IDS[route.key] ?? []) {
      it(`${route.key} with a ${child.child} id of another ${child.child === 'listMember' ? 'list' : 'dinner'} in ${child.at} "${child.name}"${child.accept ? ' (JSON)' : ''} answers as for an unknown id and changes nothing`, async () => {
        const own: Own = { rsvpId: d1.rsvpIds[0]!, otherRsvpId: d1.rsvpIds[1]!, tableId: d1.tableId };
        const attempt = (id: number) => {
          const params: Record<string, number> = { id: d1.id, dinnerId: d1.id, listId: lists.l1 };
          if (child.at === 'param') params[child.name] = id;
          const path = fillPath(route.path, params) + (child.at === 'query' ? `?${child.name}=${id}` : '');
          return send(route, path, organiser, { ...(child.rest?.(own) ?? {}), ...(child.at === 'field' ? { [child.name]: String(id) } : {}) }, child.accept);
        };
        const before = parents(child.child);

        const unknown = await attempt(999_999);
        const foreign = await attempt(otherId(child.child));

        expect(foreign.status, 'the same answer as for an id that does not exist').toBe(unknown.status);
        if (child.accept) expect(foreign.body, 'the same JSON as for an id that does not exist').toEqual(unknown.body);
        if (child.at === 'param') expect(foreign.status).toBe(404);
        expect(foreign.status).toBeLessThan(500);
        expectNothingOfD2(foreign.text, route.key);
        expect(parents(child.child), 'a parent record changed').toEqual(before);
      });
    }
  }

  it('shows nothing of another dinner on any page of a dinner', async () => {
    const pages = dinnerScoped.filter((route) => route.method === 'GET' && !route.path.includes(':listId'));

    for (const route of pages) {
      const res = await request(world.app).get(fillPath(route.path, { id: d1.id, dinnerId: d1.id })).set('Cookie', organiser.cookie);

      expect(res.status, route.key).toBe(200);
      expectNothingOfD2(res.text, route.key);
    }
  });

  it('exports only the chosen dinner\'s notes when the export is filtered on a dinner', async () => {
    const staff = await world.credentials('staff');
    buildNote(world.db, d1.dinner, { body: 'Idee van dit diner' });

    const res = await post('/notes/export', staff, { format: 'csv', dinnerId: String(d1.id), venueId: String(d2.venueId) });
    const own = await post('/notes/export', staff, { format: 'csv', dinnerId: String(d1.id) });

    expect(res.status).toBe(200);
    expect(parse(res.text, { bom: true, columns: true })).toEqual([]);
    expect((parse(own.text, { bom: true, columns: true }) as Record<string, string>[]).map((row) => row['Tekst'])).toEqual(['Idee van dit diner']);
    expectNothingOfD2(own.text, 'the export');
  });

  for (const route of residentLinked) {
    it(`${route.key} through another resident's link gives nothing of R2 for R2's ids, and changes nothing of R2`, async () => {
      const anonymous = await world.credentials('anonymous');
      const foreign = { residentId: String(r2.id), rsvpId: String(d2.rsvpId), dinnerId: String(d2.id), id: String(r2.id), email: r2.email };
      const path = `${await pathFor(route, world.ctx)}?${new URLSearchParams(foreign).toString()}`;
      const before = footprint(world.db, 'resident_id', r2.id, { table: 'residents' });

      const res = await send(route, path, anonymous, { ...(await bodyFor(route, world.ctx)), ...foreign });

      expect(res.status, route.key).toBeLessThan(500);
      expect(res.text).not.toContain(r2.name);
      expect(res.text).not.toContain('87654321');
      expect(footprint(world.db, 'resident_id', r2.id, { table: 'residents' }), `R2 changed through ${route.key}`).toBe(before);
    });
  }

  it('answers 404 for a personal-link page without its token, and the generic expired-link page for R2\'s id in its place', async () => {
    for (const path of ['/r', '/r/', '/ideas/t/']) expect((await request(world.app).get(path)).status, path).toBe(404);

    const byId = await request(world.app).get(`/r/${r2.id}`);

    expect(byId.status).toBe(410);
    expect(byId.text).not.toContain(r2.name);
  });

  it('covers the resident-link routes of the inventory', () => {
    expect(residentLinked.length).toBeGreaterThan(5);
    expect(residentLinked.every((route) => entryFor(route)?.params)).toBe(true);
  });
});
