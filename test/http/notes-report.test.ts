import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { referenceFigures } from '../../src/features/notes/notes.schema.ts';
import { residents, residentSensitive } from '../../src/features/residents/residents.schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildAttendee } from '../support/notes-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';

async function signedIn(roles: ('organiser' | 'staff' | 'admin')[]) {
  const world = makeTestApp();
  // The report counts dinners that have happened: move the clock past the builders' dinner date.
  world.clock.set(new Date('2030-02-01T12:00:00Z'));
  const user = await buildUser(world.db, { roles });
  const browser = browserAgent(world.app);
  await browser.signIn(user);
  return { ...world, user, browser };
}

function bornIn(world: { db: ReturnType<typeof makeTestApp>['db'] }, residentId: number, birthYear: number) {
  world.db.update(residents).set({ birthYear }).where(eq(residents.id, residentId)).run();
}

function declare(world: { db: ReturnType<typeof makeTestApp>['db'] }, residentId: number, background: string) {
  world.db.insert(residentSensitive).values({ residentId, background, updatedAt: new Date('2030-01-01T00:00:00Z') }).run();
}

describe('GET /notes/report', () => {
  it('shows the figures and hides background groups of fewer than five households', async () => {
    const world = await signedIn(['staff']);
    const dinner = buildDinner(world.db);
    for (let i = 0; i < 6; i++) declare(world, buildAttendee(world.db, dinner).id, 'dutch');
    for (let i = 0; i < 2; i++) declare(world, buildAttendee(world.db, dinner).id, 'eritrean');
    const noShow = buildAttendee(world.db, dinner);
    world.db.update(rsvps).set({ checkIn: 'no_show' }).where(eq(rsvps.residentId, noShow.id)).run();

    const res = await world.browser.get('/notes/report?neighbourhood=Oost');

    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<strong>1<\/strong> maaltijden gehouden/);
    expect(res.text).toMatch(/<strong>8<\/strong> unieke huishoudens/);
    expect(res.text).toMatch(/<strong>11.1%<\/strong> niet-verschenen/);
    expect(res.text).toContain('Nederlands');
    expect(res.text).not.toContain('Eritrees');
    expect(res.text).toContain('<svg class="bar-chart"');
  });

  it('shows age groups of the adults beside the neighbourhood figure, hiding groups under five like the background mix', async () => {
    const world = await signedIn(['admin']);
    const dinner = buildDinner(world.db, { capacity: 20 });
    for (let i = 0; i < 6; i++) bornIn(world, buildAttendee(world.db, dinner).id, 1990);
    for (let i = 0; i < 2; i++) bornIn(world, buildAttendee(world.db, dinner).id, 1950);
    for (let i = 0; i < 5; i++) buildAttendee(world.db, dinner);
    await world.browser.get('/admin/reference-figures');
    await world.browser.post('/admin/reference-figures', { neighbourhood: 'Oost', dimension: 'age_group', category: '30_44', percent: '27', source: 'CBS 2029' });

    const res = await world.browser.get('/notes/report?neighbourhood=Oost');

    expect(res.status).toBe(200);
    const ageTable = res.text.slice(res.text.indexOf('id="chart-age-title"'), res.text.indexOf('id="chart-streets-title"'));
    expect(ageTable).toMatch(/<th scope="row">30–44<\/th><td>6<\/td><td>46%<\/td><td>27%<\/td>/);
    expect(ageTable).toMatch(/<th scope="row">Geboortejaar onbekend<\/th><td>5<\/td>/);
    expect(ageTable).not.toContain('65 en ouder');
    expect(ageTable).toContain('<svg class="bar-chart"');
  });

  it('answers 422 naming the field for a bad date', async () => {
    const { browser } = await signedIn(['staff']);

    const res = await browser.get('/notes/report?to=2030-13-01');

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-to"');
  });

  it('refuses organisers with 403 and sends anonymous visitors to sign in', async () => {
    const { browser, app } = await signedIn(['organiser']);

    expect((await browser.get('/notes/report')).status).toBe(403);
    expect((await request(app).get('/notes/report')).status).toBe(302);
  });
});

describe('POST /admin/reference-figures', () => {
  it('stores a figure that the report shows beside the participants', async () => {
    const world = await signedIn(['admin']);
    const dinner = buildDinner(world.db);
    for (let i = 0; i < 5; i++) declare(world, buildAttendee(world.db, dinner).id, 'turkish');
    await world.browser.get('/admin/reference-figures');

    const res = await world.browser.post('/admin/reference-figures', { neighbourhood: 'Oost', dimension: 'background', category: 'turkish', percent: '17.5', source: 'CBS 2029' });
    const report = await world.browser.get('/notes/report?neighbourhood=Oost');

    expect(res.status).toBe(303);
    expect(world.db.select().from(referenceFigures).get()).toMatchObject({ neighbourhood: 'Oost', category: 'turkish', percent: 17.5 });
    expect(report.text).toContain('18%');
  });

  it('answers 422 for a percentage above 100 and stores nothing', async () => {
    const { db, browser } = await signedIn(['admin']);
    await browser.get('/admin/reference-figures');

    const res = await browser.post('/admin/reference-figures', { neighbourhood: 'Oost', dimension: 'background', category: 'dutch', percent: '140' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-percent"');
    expect(db.select().from(referenceFigures).all()).toHaveLength(0);
  });

  it('answers 422 for an age group that is not one of the report\'s groups and stores nothing', async () => {
    const { db, browser } = await signedIn(['admin']);
    await browser.get('/admin/reference-figures');

    const res = await browser.post('/admin/reference-figures', { neighbourhood: 'Oost', dimension: 'age_group', category: '20-40', percent: '30' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-category"');
    expect(res.text).toContain('Gebruik voor een leeftijdsgroep 18_29, 30_44, 45_64 of 65_plus.');
    expect(db.select().from(referenceFigures).all()).toHaveLength(0);
  });

  it('refuses staff with 403', async () => {
    const { browser } = await signedIn(['staff']);

    expect((await browser.get('/admin/reference-figures')).status).toBe(403);
  });
});
