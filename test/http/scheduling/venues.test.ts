import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { venueClosures, venueOpeningHours, venues, venueTables } from '../../../src/features/scheduling/scheduling.schema.ts';
import { makeTestApp } from '../../support/app.ts';
import { browserAgent, buildUser } from '../../support/builders.ts';
import { buildScheduledDinners, buildVenue, venueForm } from '../../support/scheduling-builders.ts';

async function signedInOrganiser() {
  const world = makeTestApp();
  const organiser = await buildUser(world.db, { roles: ['organiser'] });
  const browser = browserAgent(world.app);
  await browser.signIn(organiser);
  return { ...world, browser, organiser };
}

describe('POST /venues', () => {
  it('creates a venue with its tables, opening hours and closed period, and redirects to its page', async () => {
    const { db, browser } = await signedInOrganiser();
    await browser.get('/venues/new');

    const res = await browser.post('/venues', venueForm());

    expect(res.status).toBe(303);
    const venue = db.select().from(venues).get()!;
    expect(res.headers.location).toBe(`/venues/${venue.id}`);
    expect(venue).toMatchObject({ name: 'Buurthuis De Linde', postcode: '3511 AB', capacity: 40, kitchen: 'full', stepFree: true, hearingLoop: false, setupMinutes: 30, cleanupMinutes: 15 });
    expect(db.select({ label: venueTables.label, seats: venueTables.seats, accessible: venueTables.accessible }).from(venueTables).all()).toEqual([
      { label: 'Raam', seats: 8, accessible: true },
      { label: 'Midden', seats: 10, accessible: false },
    ]);
    expect(db.select().from(venueOpeningHours).where(eq(venueOpeningHours.weekday, 2)).all().map((w) => `${w.opensAt}-${w.closesAt}`)).toEqual(['09:00-12:00', '17:00-22:00']);
    expect(db.select().from(venueClosures).all()).toEqual([expect.objectContaining({ startsOn: '2030-12-24', endsOn: '2031-01-02', reason: 'Kerstvakantie' })]);
  });

  it.each([
    ['capacity', '0'],
    ['capacity', '10000'],
    ['postcode', '12345'],
    ['hours3', '22:00-17:00'],
  ])('answers 422 naming %s (%s) and stores nothing', async (field, value) => {
    const { db, browser } = await signedInOrganiser();
    await browser.get('/venues/new');

    const res = await browser.post('/venues', venueForm({ [field]: value }));

    expect(res.status).toBe(422);
    expect(res.text).toContain(`href="#field-${field}"`);
    expect(res.text).toContain(`id="field-${field}"`);
    expect(db.select().from(venues).all()).toHaveLength(0);
    expect(db.select().from(venueTables).all()).toHaveLength(0);
  });

  it('answers 422 naming the table row whose seats are wrong, and keeps the rows entered', async () => {
    const { db, browser } = await signedInOrganiser();
    await browser.get('/venues/new');

    const res = await browser.post('/venues', venueForm({ tableSeats: ['8', '0', ''] }));

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-tableSeats-2"');
    expect(res.text).toContain('value="Midden"');
    expect(db.select().from(venues).all()).toHaveLength(0);
  });

  it('sends an anonymous visitor to sign in and refuses a staff member with 403', async () => {
    const { app, db } = makeTestApp();
    const staff = await buildUser(db, { roles: ['staff'] });
    const anonymous = browserAgent(app);
    const staffBrowser = browserAgent(app);
    await staffBrowser.signIn(staff);

    const anonymousPage = await anonymous.get('/venues/new');
    const forbidden = await staffBrowser.post('/venues', venueForm());

    expect(anonymousPage.status).toBe(302);
    expect(anonymousPage.headers.location).toBe('/login?next=%2Fvenues%2Fnew');
    expect(forbidden.status).toBe(403);
    expect(db.select().from(venues).all()).toHaveLength(0);
  });
});

describe('POST /venues/:id', () => {
  it('keeps the ids of tables that stay, so seatings at them survive an edit', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);
    const [tableA, tableB] = db.select().from(venueTables).where(eq(venueTables.venueId, venue.id)).all();
    await browser.get(`/venues/${venue.id}/edit`);

    const res = await browser.post(`/venues/${venue.id}`, venueForm({ tableId: [String(tableA!.id), String(tableB!.id), ''], tableLabel: ['A', 'B2', 'E'], tableSeats: ['12', '6', '4'], tableAccessible: ['yes', 'yes', 'no'] }));

    expect(res.status).toBe(303);
    const tables = db.select().from(venueTables).where(eq(venueTables.venueId, venue.id)).all();
    expect(tables.map((t) => [t.id === tableA!.id || t.id === tableB!.id, t.label, t.seats])).toEqual([
      [true, 'A', 12],
      [true, 'B2', 6],
      [false, 'E', 4],
    ]);
  });

  it('answers 404 for a venue that does not exist', async () => {
    const { browser } = await signedInOrganiser();
    await browser.get('/venues');

    const page = await browser.get('/venues/999');
    const post = await browser.post('/venues/999', venueForm());

    expect(page.status).toBe(404);
    expect(post.status).toBe(404);
  });
});

describe('POST /venues/:id/archive', () => {
  it('archives a venue: it keeps its dinners but is no longer offered for new dinners', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db, { name: 'Oude school' });
    buildScheduledDinners(db, venue.id);
    await browser.get(`/venues/${venue.id}`);

    const res = await browser.post(`/venues/${venue.id}/archive`);
    const form = await browser.get('/agenda/dinners/new');
    const page = await browser.get(`/venues/${venue.id}`);

    expect(res.status).toBe(303);
    expect(db.select().from(venues).get()!.archivedAt).not.toBeNull();
    expect(form.text).not.toContain('Oude school');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Buurtdiner');
  });
});

describe('GET /venues/:id', () => {
  it('shows the venue with its upcoming dinners and a month calendar of its use', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db, { name: 'De Linde' });
    buildScheduledDinners(db, venue.id, { title: 'Februaridiner', date: '2030-02-02' });

    const res = await browser.get(`/venues/${venue.id}?month=2030-02`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('De Linde');
    expect(res.text).toContain('februari 2030');
    expect(res.text).toMatch(/18:00 Februaridiner/);
    expect(res.text).toContain(`/venues/${venue.id}/calendar.ics`);
  });
});

describe('GET /venues/find', () => {
  it('lists venues that fit the guests and needs, snuggest first, with free start times', async () => {
    const { db, browser, clock } = await signedInOrganiser();
    clock.set(new Date('2030-01-10T12:00:00Z'));
    const big = buildVenue(db, { name: 'Grote zaal', capacity: 120 });
    buildVenue(db, { name: 'Kleine zaal', capacity: 25 });
    buildVenue(db, { name: 'Te klein', capacity: 10 });
    buildVenue(db, { name: 'Zonder keuken', capacity: 30, kitchen: 'none' });
    buildScheduledDinners(db, big.id, { date: '2030-02-02' });

    const res = await browser.get('/venues/find?from=2030-02-02&until=2030-02-02&duration=180&guests=20&kitchen=warming&notBefore=17:00');

    expect(res.status).toBe(200);
    const names = [...res.text.matchAll(/<h3><a href="\/venues\/\d+">([^<]+)<\/a><\/h3>/g)].map((m) => m[1]);
    expect(names).toEqual(['Kleine zaal']);
    expect(res.text).toContain('begin tussen 17:30 en 19:30');
  });

  it('answers 422 naming the field when the period ends before it starts', async () => {
    const { browser } = await signedInOrganiser();

    const res = await browser.get('/venues/find?from=2030-02-10&until=2030-02-01&duration=180&guests=20&kitchen=any');

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-until"');
  });
});
