import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, outbox } from '../../src/db/schema.ts';
import { residentLists } from '../../src/features/residents/residents.schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

async function signedIn(roles: ('organiser' | 'staff' | 'admin')[] = ['organiser']) {
  const world = makeTestApp();
  const user = await buildUser(world.db, { roles });
  const browser = browserAgent(world.app);
  await browser.signIn(user);
  return { ...world, user, browser };
}

describe('POST /agenda/dinners/:id/invite', () => {
  it('invites a neighbourhood, those who never came first, each in their own language, and skips who was already invited', async () => {
    const { db, app, browser } = await signedIn();
    const earlier = buildDinner(db);
    const dinner = buildDinner(db);
    const regular = buildResident(db, { neighbourhood: 'Oost', locale: 'nl' });
    const newcomer = buildResident(db, { neighbourhood: 'Oost', locale: 'en' });
    const phoneOnly = buildResident(db, { neighbourhood: 'Oost', email: null, phone: '0612345678' });
    buildResident(db, { neighbourhood: 'West' });
    const link = personalLink(db, regular.id, earlier);
    const resident = browserAgent(app);
    await resident.get(link);
    await resident.post(link, { answer: 'yes', people: '1' });
    await browser.get(`/agenda/dinners/${dinner.id}/invite`);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/invite`, { kind: 'neighbourhood', value: 'Oost', neverCameFirst: 'on', limit: '2' });
    const again = await browser.post(`/agenda/dinners/${dinner.id}/invite`, { kind: 'neighbourhood', value: 'Oost' });

    expect(res.status).toBe(303);
    expect(again.status).toBe(303);
    const invited = db.select().from(rsvps).where(eq(rsvps.dinnerId, dinner.id)).all();
    expect(invited.map((r) => r.residentId)).toEqual([newcomer.id, phoneOnly.id, regular.id]);
    const mails = composeMail(db).select().from(outbox).where(eq(outbox.template, 'rsvp-invitation')).all();
    expect(mails.map((m) => [m.toAddress, m.locale])).toEqual([
      [newcomer.email, 'en'],
      [regular.email, 'nl'],
    ]);
    expect(mails[0]!.subject).toContain('Invitation');
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'rsvp.invited')).all()).toHaveLength(2);
  });

  it('answers 422 naming the field when a neighbourhood is chosen without a value, and invites nobody', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db);
    buildResident(db);
    await browser.get(`/agenda/dinners/${dinner.id}/invite`);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/invite`, { kind: 'neighbourhood', value: '' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-value"');
    expect(db.select().from(rsvps).all()).toHaveLength(0);
  });
});

describe('GET /agenda/dinners/:id/call-list', () => {
  it('after an invitation shows the organiser who got no mail (name, phone, household) with a link to register their answer; an answered one leaves the list', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db);
    const [first, second] = [
      buildResident(db, { neighbourhood: 'Oost', name: 'Fatma Yilmaz', email: null, phone: '+31612345678', adults: 2 }),
      buildResident(db, { neighbourhood: 'Oost', name: 'Piet Bel', email: null, phone: '0201234567' }),
    ];
    const mailed = buildResident(db, { neighbourhood: 'Oost', name: 'Mia Mail' });
    await browser.get(`/agenda/dinners/${dinner.id}/invite`);

    const invited = await browser.post(`/agenda/dinners/${dinner.id}/invite`, { kind: 'neighbourhood', value: 'Oost' });
    const list = await browser.get(invited.headers.location!);
    const answerPage = await browser.get(`/admin/residents/${second.id}?dinner=${dinner.id}`);
    await browser.post(`/admin/residents/${second.id}/answer`, { dinnerId: String(dinner.id), answer: 'no' });
    const after = await browser.get(`/agenda/dinners/${dinner.id}/call-list`);

    expect(invited.status).toBe(303);
    expect(invited.headers.location).toBe(`/agenda/dinners/${dinner.id}/call-list`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('Fatma Yilmaz');
    expect(list.text).toContain('+31612345678');
    expect(list.text).toContain('<td>2</td>');
    expect(list.text).toContain('Piet Bel');
    expect(list.text).not.toContain(mailed.name);
    expect(list.text).toContain(`href="/admin/residents/${first.id}?dinner=${dinner.id}#answer"`);
    expect(answerPage.text).toContain(`value="${dinner.id}" selected`);
    expect(after.text).toContain('Fatma Yilmaz');
    expect(after.text).not.toContain('Piet Bel');
    const views = db.select().from(auditEvents).where(eq(auditEvents.action, 'attendees.viewed')).all().filter((e) => e.details?.includes('call-list'));
    expect(views).toHaveLength(2);
  });
});

describe('GET /agenda/dinners/:id/guests', () => {
  it('shows coming households, the waiting list and a kitchen summary without cultural background, and writes nothing on GET', async () => {
    const { db, app, browser } = await signedIn();
    const dinner = buildDinner(db, { capacity: 3 });
    const ali = buildResident(db, { name: 'Ali' });
    const bea = buildResident(db, { name: 'Bea' });
    const cas = buildResident(db, { name: 'Cas' });
    const resident = browserAgent(app);
    const link = personalLink(db, ali.id, dinner);
    await resident.get(link);
    await resident.post(link, { answer: 'yes', people: '2', consentDiet: 'on', diets: ['halal', 'nut_allergy'], consentBackground: 'on', backgroundText: 'Geheime-achtergrond' });
    await resident.post(personalLink(db, bea.id, dinner), { answer: 'yes', people: '1', consentDiet: 'on', diets: 'halal', consentAccess: 'on', access: 'wheelchair' });
    await resident.post(personalLink(db, cas.id, dinner), { answer: 'yes', people: '2' });

    const res = await browser.get(`/agenda/dinners/${dinner.id}/guests`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('3 van 3 plaatsen');
    expect(res.text).toMatch(/Halal<\/strong>: 3 personen \(2 huishoudens\)/);
    expect(res.text).toMatch(/Notenallergie<\/strong>: 2 personen \(1 huishoudens\) — Ali/);
    expect(res.text).toContain('Bea: Rolstoel');
    expect(res.text).toContain('Cas (2)');
    expect(res.text).not.toContain('Geheime-achtergrond');
  });

  it('sends anonymous visitors to sign in and answers 404 for an unknown dinner', async () => {
    const { app, browser } = await signedIn();

    const anonymous = await request(app).get('/agenda/dinners/1/guests');
    const unknown = await browser.get('/agenda/dinners/999/guests');

    expect(anonymous.status).toBe(302);
    expect(unknown.status).toBe(404);
  });
});

describe('POST /agenda/dinners/:id/check-in and /walk-in', () => {
  it('marks a household as arrived and adds a walk-in while seats are free, refusing one that does not fit', async () => {
    const { db, app, browser } = await signedIn();
    const dinner = buildDinner(db, { capacity: 4 });
    const ali = buildResident(db);
    const resident = browserAgent(app);
    const link = personalLink(db, ali.id, dinner);
    await resident.get(link);
    await resident.post(link, { answer: 'yes', people: '2' });
    const rsvpId = db.select().from(rsvps).get()!.id;
    await browser.get(`/agenda/dinners/${dinner.id}/check-in`);

    const arrived = await browser.post(`/agenda/dinners/${dinner.id}/check-in/${rsvpId}`, { value: 'arrived' });
    const walkIn = await browser.post(`/agenda/dinners/${dinner.id}/walk-in`, { name: 'Buurman Piet', people: '2' });
    const tooMany = await browser.post(`/agenda/dinners/${dinner.id}/walk-in`, { name: 'Groot gezin', people: '3' });
    const invalid = await browser.post(`/agenda/dinners/${dinner.id}/walk-in`, { name: '', people: '1' });

    expect(arrived.status).toBe(303);
    expect(walkIn.status).toBe(303);
    expect(tooMany.status).toBe(409);
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('href="#field-name"');
    const rows = db.select().from(rsvps).all();
    expect(rows.map((r) => [r.walkInName, r.status, r.people, r.checkIn])).toEqual([
      [null, 'confirmed', 2, 'arrived'],
      ['Buurman Piet', 'confirmed', 2, 'arrived'],
    ]);
  });
});

describe('inviting a saved list', () => {
  it('invites exactly the members of the list', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db);
    const [member, other] = [buildResident(db, { neighbourhood: 'Noord', name: 'Lid Een' }), buildResident(db, { neighbourhood: 'Zuid' })];
    await browser.get('/admin/residents');
    await browser.post('/admin/residents/lists', { name: 'Noord', neighbourhood: 'Noord', q: '' });
    const listId = db.select().from(residentLists).get()!.id;
    await browser.get(`/agenda/dinners/${dinner.id}/invite`);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/invite`, { kind: 'list', value: String(listId) });

    expect(res.status).toBe(303);
    expect(db.select().from(rsvps).all().map((r) => r.residentId)).toEqual([member.id]);
    expect(other.id).not.toBe(member.id);
  });
});
