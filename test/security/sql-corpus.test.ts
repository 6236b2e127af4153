import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowedActor, bodyFor, formBody, inventory, makeMatrixWorld, pathFor, type MatrixWorld } from '../support/matrix.ts';
import { buildNote } from '../support/notes-builders.ts';
import { UNSAFE_METHODS, type RouteInfo } from '../support/routes.ts';
import { buildDinner } from '../support/rsvp-builders.ts';
import { dinnerForm, venueForm } from '../support/scheduling-builders.ts';
import { rowCounts, type Actor } from '../support/security.ts';

// Test plan D2: SQL written into every form field, query parameter, filter and sort key is data,
// never SQL. No answer is a 500 (a console.error would fail the test too, so SQLite reports no
// syntax error), an unknown sort key is a 400, and every table keeps its rows.
const PAYLOADS = ["' OR 1=1--", '; DROP TABLE residents;--', '1) UNION SELECT name FROM users--'];
const routes = inventory();
const unsafeRoutes = routes.filter((route) => UNSAFE_METHODS.includes(route.method));
const getRoutes = routes.filter((route) => route.method === 'GET');

/** The whole form of the main pages (the matrix bodies carry only the required fields). */
const FULL_FORMS: Record<string, (world: MatrixWorld) => Record<string, string | string[]>> = {
  'POST /admin/residents': () => residentForm(),
  'POST /admin/residents/:id': () => residentForm(),
  'POST /admin/residents/:id/sensitive': () => ({ consentDiet: 'on', diets: 'halal', dietOther: 'Geen ui', consentAccess: 'on', accessOther: 'Rolstoel', consentBackground: 'on', background: 'dutch', backgroundText: 'Utrechts' }),
  'POST /r/:token': () => ({ answer: 'yes', people: '1', consentDiet: 'on', diets: 'halal', dietOther: 'Geen ui', accessOther: '', backgroundText: '', _key: 'abcdefghijklmnopqrstuvwxyz' }),
  'POST /dinners/:id/join': () => ({ name: 'Nieuwe Buur', email: 'buur@test.example', people: '2', languages: 'Nederlands', consentDiet: 'on', dietOther: 'Geen vis' }),
  'POST /venues': () => venueForm(),
  'POST /agenda/dinners': ({ db }) => dinnerForm(buildDinner(db).venueId),
  'POST /notes/dinners/:dinnerId': () => ({ kind: 'idea', body: 'Een bankje', themes: 'housing', tableId: '', locationKind: 'street', locationName: 'Kerkstraat', quote: 'Mooi', quoteConsent: 'on' }),
  'POST /notes/:id/follow-up': () => ({ status: 'not_possible', statusReason: 'Geen budget', ownerId: '', reviewOn: '2030-03-01', internalNotes: 'Intern', publicAnswer: 'Helaas', isPublic: 'on' }),
  'POST /notes/export': () => ({ format: 'csv', kind: 'idea', theme: 'housing', status: 'new', neighbourhood: 'Oost', venueId: '1', dinnerId: '1', ownerId: '1', from: '2030-01-01', to: '2030-12-31', q: 'bankje', location: 'Kerkstraat', sort: 'oldest' }),
};

function residentForm(): Record<string, string> {
  return { name: 'Bewoner', email: `sql-${Math.random().toString(36).slice(2)}@test.example`, phone: '', locale: 'nl', street: 'Kerkstraat', houseNumber: '1', postcode: '3511 AB', complex: 'De Linde', neighbourhood: 'Oost', adults: '1', children: '0', householdNames: '', languages: 'Nederlands', birthYear: '' };
}

/** Query parameters of the list, search and filter pages, each swept alone with every payload. */
const LIST_QUERIES: Record<string, string[]> = {
  '/notes': ['q', 'kind', 'theme', 'status', 'neighbourhood', 'venueId', 'dinnerId', 'ownerId', 'from', 'to', 'location', 'page'],
  '/admin/residents': ['q', 'neighbourhood', 'page'],
  '/agenda': ['view', 'date', 'venue', 'neighbourhood'],
};
/** Every query parameter any page reads: all of them carry SQL on every GET route at once. */
const ALL_QUERY_NAMES = [...new Set([...Object.values(LIST_QUERIES).flat(), 'year', 'until', 'duration', 'guests', 'kitchen', 'notBefore', 'sort', 'month', 'saved', 'tableId'])];

describe('SQL in every field, parameter and sort key', () => {
  let world: MatrixWorld;
  let tables: string[];
  beforeAll(async () => {
    world = await makeMatrixWorld();
    buildNote(world.db, buildDinner(world.db), { body: 'Een bankje bij de speeltuin' });
    tables = Object.keys(rowCounts(world.db)).sort();
  });

  async function asAllowed(route: RouteInfo) {
    const actor: Actor = allowedActor(route) ?? 'admin';
    return world.credentials(actor);
  }

  /** Row counts of every table, without the two a request may write while reading (sessions, audit). */
  function counts() {
    const { sessions: _sessions, audit_events: _audit, ...rest } = rowCounts(world.db);
    return rest;
  }

  function tablesIntact() {
    expect(Object.keys(rowCounts(world.db)).sort(), 'a table disappeared').toEqual(tables);
    expect(world.db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
  }

  for (const route of unsafeRoutes) {
    it(`${route.key} answers SQL in every field below 500`, async () => {
      const creds = await asAllowed(route);
      const path = await pathFor(route, world.ctx);
      const base = FULL_FORMS[route.key]?.(world) ?? (await bodyFor(route, world.ctx));
      const fields = Object.keys(base);
      // Each payload in all fields at once (every field's validation sees every payload), then each
      // field alone with the rest valid, so the payload reaches the database (payloads taken in turn).
      const bodies = [
        ...PAYLOADS.map((payload) => ({ label: `every field = ${payload}`, body: { ...Object.fromEntries(fields.map((field) => [field, payload])) } })),
        ...fields.map((field, i) => ({ label: `${field} = ${PAYLOADS[i % PAYLOADS.length]}`, body: { ...base, [field]: PAYLOADS[i % PAYLOADS.length]! } })),
      ];

      for (const { label, body } of bodies) {
        const res = await request(world.app).post(path).set('Cookie', creds.cookie).type('form').send(formBody({ _csrf: creds.csrf, ...body }));

        expect(res.status, label).toBeLessThan(500);
      }
      tablesIntact();
    });
  }

  it('answers SQL in every query parameter of every page below 500, and stores nothing', async () => {
    const before = counts();

    for (const route of getRoutes) {
      const creds = await asAllowed(route);
      const path = await pathFor(route, world.ctx);
      const stored = counts();
      // Every parameter carries SQL; the three payloads take turns over the parameters.
      const query = new URLSearchParams(ALL_QUERY_NAMES.map((name, i): [string, string] => [name, PAYLOADS[i % PAYLOADS.length]!])).toString();
      const res = await request(world.app).get(`${path}?${query}`).set('Cookie', creds.cookie);

      expect(res.status, route.key).toBeLessThan(500);
      expect(counts(), `${route.key} changed rows`).toEqual(stored);
    }

    expect(Object.keys(counts()).sort()).toEqual(Object.keys(before).sort());
    tablesIntact();
  });

  it('answers every SQL payload in each single filter of the list and search pages below 500', async () => {
    for (const [page, names] of Object.entries(LIST_QUERIES)) {
      const route = routes.find((r) => r.method === 'GET' && r.path === page)!;
      const creds = await asAllowed(route);
      for (const name of names) {
        for (const payload of PAYLOADS) {
          const res = await request(world.app).get(`${page}?${new URLSearchParams({ [name]: payload }).toString()}`).set('Cookie', creds.cookie);

          expect(res.status, `${page}?${name}=${payload}`).toBeLessThan(500);
          expect([200, 400, 422], `${page}?${name}=${payload}`).toContain(res.status);
        }
      }
    }
    tablesIntact();
  });

  it('refuses an unknown sort key with 400 on the notes list and the notes export, SQL or not', async () => {
    const staff = await world.credentials('staff');

    for (const sort of [...PAYLOADS, 'name', 'n.body desc', 'id; --']) {
      const list = await request(world.app).get(`/notes?${new URLSearchParams({ sort }).toString()}`).set('Cookie', staff.cookie);
      const exported = await request(world.app).post('/notes/export').set('Cookie', staff.cookie).type('form').send(formBody({ _csrf: staff.csrf, format: 'csv', sort }));

      expect([list.status, exported.status], sort).toEqual([400, 400]);
    }
    expect((await request(world.app).get('/notes?sort=oldest').set('Cookie', staff.cookie)).status).toBe(200);
  });

  it('searches the words of a query written in FTS5 syntax instead of failing on it', async () => {
    const staff = await world.credentials('staff');

    for (const q of ['"bankje', 'bankje*', '(bankje speeltuin', '^bankje', 'bankje) "speeltuin', 'bankje - speeltuin', "bankje'--", 'bankje; --']) {
      const res = await request(world.app).get(`/notes?${new URLSearchParams({ q }).toString()}`).set('Cookie', staff.cookie);

      expect(res.status, q).toBe(200);
      expect(res.text, q).toContain('Een bankje bij de speeltuin');
    }
    const nothing = await request(world.app).get(`/notes?${new URLSearchParams({ q: '"*()^:' }).toString()}`).set('Cookie', staff.cookie);
    expect(nothing.status).toBe(200);
    expect(nothing.text).not.toContain('Een bankje bij de speeltuin');
  });
});
