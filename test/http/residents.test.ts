import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, outbox } from '../../src/db/schema.ts';
import { consents, residentListMembers, residents, residentSensitive } from '../../src/features/residents/residents.schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

const validResident = { name: 'Fatima Zahra', email: 'Fatima@Example.org', phone: '06 1234 5678', locale: 'ar', street: 'Lindelaan', houseNumber: '4', postcode: '3512ab', complex: 'De Linde', neighbourhood: 'Oost', adults: '2', children: '1', householdNames: '', languages: 'Arabisch, Nederlands' };

async function signedIn(roles: ('organiser' | 'staff' | 'admin')[] = ['staff']) {
  const world = makeTestApp();
  const user = await buildUser(world.db, { roles });
  const browser = browserAgent(world.app);
  await browser.signIn(user);
  return { ...world, user, browser };
}

describe('POST /admin/residents', () => {
  it('adds a resident with normalised contact data, redirects 303 and records it in the audit log', async () => {
    const { db, browser } = await signedIn();
    await browser.get('/admin/residents/new');

    const res = await browser.post('/admin/residents', validResident);

    expect(res.status).toBe(303);
    const row = db.select().from(residents).get()!;
    expect(res.headers.location).toBe(`/admin/residents/${row.id}`);
    expect(row).toMatchObject({ email: 'fatima@example.org', phone: '0612345678', postcode: '3512 AB', adults: 2, children: 1, locale: 'ar', source: 'staff' });
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'residents.created')).all()).toHaveLength(1);
  });

  it.each([
    [{ adults: '40', children: '0' }, 'adults'],
    [{ adults: '0', children: '0' }, 'adults'],
    [{ email: 'not-an-address' }, 'email'],
    [{ email: '', phone: '' }, 'email'],
    [{ postcode: '12345' }, 'postcode'],
    [{ birthYear: '1899' }, 'birthYear'],
    [{ birthYear: '2031' }, 'birthYear'],
    [{ birthYear: '68' }, 'birthYear'],
  ])('re-renders with 422 naming the field and stores nothing for %o', async (change, field) => {
    const { db, browser } = await signedIn();
    await browser.get('/admin/residents/new');

    const res = await browser.post('/admin/residents', { ...validResident, ...change });

    expect(res.status).toBe(422);
    expect(res.text).toContain(`href="#field-${field}"`);
    expect(db.select().from(residents).all()).toHaveLength(0);
  });

  it('stores an optional year of birth up to the current year and shows it on the resident page', async () => {
    const { db, browser } = await signedIn(['organiser']);
    await browser.get('/admin/residents/new');

    const withYear = await browser.post('/admin/residents', { ...validResident, birthYear: '2030' });
    const withoutYear = await browser.post('/admin/residents', { ...validResident, email: 'ander@example.org', phone: '', birthYear: '' });

    expect(withYear.status).toBe(303);
    expect(withoutYear.status).toBe(303);
    const rows = db.select({ birthYear: residents.birthYear }).from(residents).all();
    expect(rows.map((r) => r.birthYear)).toEqual([2030, null]);
    const page = await browser.get(withYear.headers.location!);
    expect(page.text).toMatch(/name="birthYear" type="text"\s+value="2030"/);
  });

  it('answers 422 on the e-mail field when another resident has the address', async () => {
    const { db, browser } = await signedIn();
    buildResident(db, { email: 'fatima@example.org' });
    await browser.get('/admin/residents/new');

    const res = await browser.post('/admin/residents', validResident);

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-email"');
    expect(db.select().from(residents).all()).toHaveLength(1);
  });

  it('sends anonymous visitors to the sign-in page and answers 404 for an unknown resident', async () => {
    const { app, browser } = await signedIn();

    const anonymous = await request(app).get('/admin/residents');
    const unknown = await browser.get('/admin/residents/999');
    const malformed = await browser.get('/admin/residents/1e3');

    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
  });
});

describe('POST /admin/residents/:id/sensitive', () => {
  it('stores data from a paper form with a paper consent, and unticking withdraws the consent and deletes the data', async () => {
    const { db, browser, user } = await signedIn();
    const resident = buildResident(db, { locale: 'tr' });
    await browser.get(`/admin/residents/${resident.id}`);

    await browser.post(`/admin/residents/${resident.id}/sensitive`, { consentAccess: 'on', access: 'wheelchair', consentBackground: 'on', background: 'turkish' });
    const given = db.select().from(consents).where(eq(consents.residentId, resident.id)).all();
    await browser.post(`/admin/residents/${resident.id}/sensitive`, { consentAccess: 'on', access: 'wheelchair' });

    expect(given.map((c) => [c.purpose, c.channel, c.recordedByUserId, c.locale])).toEqual([
      ['access', 'paper', user.id, 'tr'],
      ['background', 'paper', user.id, 'tr'],
    ]);
    const stored = db.select().from(residentSensitive).where(eq(residentSensitive.residentId, resident.id)).get()!;
    expect(stored.access).toBe('["wheelchair"]');
    expect(stored.background).toBeNull();
    const background = db.select().from(consents).where(eq(consents.purpose, 'background')).get()!;
    expect(background.withdrawnAt).not.toBeNull();
  });
});

describe('POST /admin/residents/:id/answer', () => {
  it('registers an answer on the resident\'s behalf, marked as staff and audited', async () => {
    const { db, browser, user } = await signedIn();
    const dinner = buildDinner(db);
    const resident = buildResident(db, { email: null, phone: '0612345678' });
    await browser.get(`/admin/residents/${resident.id}`);

    const res = await browser.post(`/admin/residents/${resident.id}/answer`, { dinnerId: String(dinner.id), answer: 'yes', people: '2' });

    expect(res.status).toBe(303);
    expect(db.select().from(rsvps).get()).toMatchObject({ status: 'confirmed', people: 2, source: 'staff', answeredByUserId: user.id });
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'rsvp.answered_on_behalf')).all()).toHaveLength(1);
    expect(composeMail(db).select().from(outbox).all()).toHaveLength(0); // no e-mail address: staff tell them
  });

  it('answers 422 naming the dinner when it is not an open dinner', async () => {
    const { db, browser } = await signedIn();
    const resident = buildResident(db);
    buildDinner(db);
    await browser.get(`/admin/residents/${resident.id}`);

    const res = await browser.post(`/admin/residents/${resident.id}/answer`, { dinnerId: '99999', answer: 'yes', people: '2' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-dinnerId"');
    expect(db.select().from(rsvps).all()).toHaveLength(0);
  });
});

describe('POST /admin/residents/:id/delete', () => {
  it('removes personal data and mails, keeps the answer as an anonymous count, frees the seat for the waiting list', async () => {
    const { db, app, browser } = await signedIn();
    const dinner = buildDinner(db, { capacity: 2 });
    const leaving = buildResident(db, { name: 'Jan Vertrek' });
    const waiting = buildResident(db);
    const resident = browserAgent(app);
    const link = personalLink(db, leaving.id, dinner);
    await resident.get(link);
    await resident.post(link, { answer: 'yes', people: '2', consentDiet: 'on', diets: 'vegan' });
    await resident.post(personalLink(db, waiting.id, dinner), { answer: 'yes', people: '2' });
    await browser.get(`/admin/residents/${leaving.id}`);

    const res = await browser.post(`/admin/residents/${leaving.id}/delete`);

    expect(res.status).toBe(303);
    expect(db.select().from(residents).where(eq(residents.id, leaving.id)).get()).toBeUndefined();
    expect(db.select().from(residentSensitive).all()).toHaveLength(0);
    expect(composeMail(db).select().from(outbox).where(eq(outbox.toAddress, leaving.email!)).all()).toHaveLength(0);
    const rows = db.select().from(rsvps).all();
    expect(rows.map((r) => [r.residentId, r.status, r.people])).toEqual([
      [null, 'cancelled', 2],
      [waiting.id, 'confirmed', 2],
    ]);
    const dump = JSON.stringify(db.$client.prepare("select * from audit_events").all());
    expect(dump).not.toContain('Jan Vertrek');
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'residents.deleted')).all()).toHaveLength(1);
    expect((await resident.get(link)).status).toBe(410);
  });
});

describe('POST /admin/residents/:id/export', () => {
  it('downloads everything stored about the resident as JSON and audits it', async () => {
    const { db, browser } = await signedIn();
    const resident = buildResident(db, { name: 'Olena', birthYear: 1961 });
    await browser.get(`/admin/residents/${resident.id}`);

    const res = await browser.post(`/admin/residents/${resident.id}/export`);

    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(JSON.parse(res.text).resident).toMatchObject({ name: 'Olena', birthYear: 1961 });
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'residents.data_downloaded')).all()).toHaveLength(1);
  });
});

describe('POST /admin/residents/lists', () => {
  it('saves every resident matching the filter as a list that invitations can use', async () => {
    const { db, browser } = await signedIn(['organiser']);
    const inOost = [buildResident(db, { neighbourhood: 'Oost' }), buildResident(db, { neighbourhood: 'Oost' })];
    buildResident(db, { neighbourhood: 'West' });
    await browser.get('/admin/residents?neighbourhood=Oost');

    const res = await browser.post('/admin/residents/lists', { name: 'Oost senioren', neighbourhood: 'Oost', q: '' });
    const again = await browser.post('/admin/residents/lists', { name: 'Oost senioren', neighbourhood: 'Oost', q: '' });

    expect(res.status).toBe(303);
    expect(again.status).toBe(422);
    expect(again.text).toContain('href="#field-name"');
    const members = db.select().from(residentListMembers).all().map((m) => m.residentId);
    expect(members.sort()).toEqual(inOost.map((r) => r.id).sort());
  });
});
