import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { homeRegistrations, homeRounds } from '../../src/features/matching/home-dinners.schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { issueRsvpLink } from '../../src/features/rsvp/rsvp.service.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildHomeRoundLink } from '../support/matching-builders.ts';
import { buildDinner, buildResident } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

async function signedIn(roles: ('organiser' | 'staff' | 'admin')[] = ['organiser']) {
  const world = makeTestApp();
  const user = await buildUser(world.db, { roles, locale: 'en' });
  const browser = browserAgent(world.app);
  await browser.signIn(user);
  return { ...world, user, browser };
}

describe('POST /agenda/dinners/:id/home-dinners', () => {
  it('opens a round of home dinners with a maximum distance', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/home-dinners`, { maxDistanceKm: '2,5' });
    const page = await browser.get(`/agenda/dinners/${dinner.id}/home-dinners`);

    expect(res.status).toBe(303);
    expect(db.select().from(homeRounds).all().map((r) => [r.dinnerId, r.maxDistanceKm, r.status])).toEqual([[dinner.id, 2.5, 'open']]);
    expect(page.text).toContain('Open for registration');
  });

  it('answers 422 for a distance that is not a number in range, and opens nothing', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/home-dinners`, { maxDistanceKm: '500' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('between 0.1 and 100 km');
    expect(db.select().from(homeRounds).all()).toHaveLength(0);
  });

  it('sends anonymous visitors to sign in, refuses staff, and answers 404 for unknown dinners', async () => {
    const { app, db, browser } = await signedIn();
    const dinner = buildDinner(db);
    const staff = browserAgent(app);
    await staff.signIn(await buildUser(db, { roles: ['staff'] }));

    const anonymous = await request(app).get(`/agenda/dinners/${dinner.id}/home-dinners`);
    const forbidden = await staff.post(`/agenda/dinners/${dinner.id}/home-dinners`, { maxDistanceKm: '3' });
    const unknown = await browser.post('/agenda/dinners/999999/home-dinners', { maxDistanceKm: '3' });

    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    expect(forbidden.status).toBe(403);
    expect(unknown.status).toBe(404);
    expect(db.select().from(homeRounds).all()).toHaveLength(0);
  });
});

describe('POST /agenda/dinners/:id/home-dinners/invite', () => {
  it('mails every invited household a link to the registration page in its language, once', async () => {
    const { db, app, browser } = await signedIn();
    const dinner = buildDinner(db);
    await browser.post(`/agenda/dinners/${dinner.id}/home-dinners`, { maxDistanceKm: '3' });
    const polish = buildResident(db, { locale: 'pl' });
    const phoneOnly = buildResident(db, { email: null, phone: '0612345678' });
    const at = new Date('2030-01-10T12:00:00Z');
    for (const r of [polish, phoneOnly]) db.insert(rsvps).values({ dinnerId: dinner.id, residentId: r.id, status: 'invited', source: 'invitation', createdAt: at, updatedAt: at }).run();

    const res = await browser.post(`/agenda/dinners/${dinner.id}/home-dinners/invite`);
    await browser.post(`/agenda/dinners/${dinner.id}/home-dinners/invite`);

    expect(res.status).toBe(303);
    const mails = composeMail(db).select().from(outbox).where(eq(outbox.template, 'matching-home-invite')).all();
    expect(mails.map((m) => [m.toAddress, m.locale])).toEqual([[polish.email, 'pl']]);
    const link = /\/r\/[^\s]+\/home/.exec(mails[0]!.text)![0];
    const page = await browserAgent(app).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Kolacja w domu');
  });

  it('answers 409 when no round is open, and mails nobody', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/home-dinners/invite`);

    expect(res.status).toBe(409);
    expect(composeMail(db).select().from(outbox).where(eq(outbox.template, 'matching-home-invite')).all()).toHaveLength(0);
  });
});

describe('registering through the personal link (/r/:token/home)', () => {
  it('shows the page in the resident’s language and registers a host', async () => {
    const { app, db } = makeTestApp();
    const { resident, token } = buildHomeRoundLink(db, undefined, { locale: 'tr' });
    const browser = browserAgent(app);

    const page = await browser.get(`/r/${token}/home`);
    const res = await browser.post(`/r/${token}/home`, { role: 'host', people: '2', seats: '3', diets: ['halal', 'vegetarian'], postcode: '3512ab' });

    expect(page.status).toBe(200);
    expect(page.text).toContain('Ev yemeği');
    expect(res.status).toBe(303);
    const stored = db.select().from(homeRegistrations).where(eq(homeRegistrations.residentId, resident.id)).get()!;
    expect([stored.role, stored.people, stored.seats, JSON.parse(stored.diets), stored.postcode]).toEqual(['host', 2, 3, ['halal', 'vegetarian'], '3512AB']);
  });

  it('answers 422 for a host without seats or a guest whose diets may not be shared, and stores nothing', async () => {
    const { app, db } = makeTestApp();
    const { token } = buildHomeRoundLink(db, undefined, { locale: 'en' });
    const browser = browserAgent(app);
    await browser.get(`/r/${token}/home`);

    const host = await browser.post(`/r/${token}/home`, { role: 'host', people: '1', seats: '', postcode: '3512 AB' });
    const guest = await browser.post(`/r/${token}/home`, { role: 'guest', people: '1', diets: 'halal', postcode: '3512 AB' });

    expect(host.status).toBe(422);
    expect(host.text).toContain('how many guests you can receive');
    expect(guest.status).toBe(422);
    expect(guest.text).toContain('your host may see your diets');
    expect(db.select().from(homeRegistrations).all()).toHaveLength(0);
  });

  it('answers 410 for an unknown link', async () => {
    const { app } = makeTestApp();

    const res = await request(app).get(`/r/${'x'.repeat(43)}/home`);

    expect(res.status).toBe(410);
  });
});

describe('matching, review and announcement', () => {
  it('matches guests with hosts who cook their diet, lists who has no host with a reason, and announces by mail with first names', async () => {
    const { db, app, browser } = await signedIn();
    const dinner = buildDinner(db);
    await browser.post(`/agenda/dinners/${dinner.id}/home-dinners`, { maxDistanceKm: '3' });
    const register = async (name: string, locale: string, languages: string, form: Record<string, string | string[]>) => {
      const resident = buildResident(db, { name, locale, languages });
      const token = issueRsvpLink(db, resident.id, dinner, new Date('2030-01-10T12:00:00Z'));
      const agent = browserAgent(app);
      await agent.get(`/r/${token}/home`);
      const res = await agent.post(`/r/${token}/home`, form);
      expect(res.status).toBe(303);
      return resident;
    };
    const host = await register('Fatma Yilmaz', 'tr', 'Turks, Nederlands', { role: 'host', people: '1', seats: '3', diets: ['halal', 'vegetarian'], postcode: '3512 AB' });
    const guest = await register('Joris Bakker', 'nl', 'Nederlands', { role: 'guest', people: '1', diets: 'vegetarian', shareDiets: 'on', lat: '52.090', lon: '5.124' });
    await register('Kees Kosher', 'nl', 'Nederlands', { role: 'guest', people: '1', diets: 'kosher', shareDiets: 'on', postcode: '3512 CD' });

    const matched = await browser.post(`/agenda/dinners/${dinner.id}/home-dinners/match`);
    const review = await browser.get(`/agenda/dinners/${dinner.id}/home-dinners`);

    expect(matched.status).toBe(303);
    expect(review.text).toContain('1 of 2 guests matched');
    expect(review.text).toContain('Kees Kosher');
    expect(review.text).toContain('No host can cook every diet this household needs');

    const confirmed = await browser.post(`/agenda/dinners/${dinner.id}/home-dinners/confirm`);
    const again = await browser.post(`/agenda/dinners/${dinner.id}/home-dinners/confirm`);

    expect(confirmed.status).toBe(303);
    expect(again.status).toBe(409);
    const mails = composeMail(db).select().from(outbox).all().filter((m) => m.template.startsWith('matching-home'));
    expect(mails.map((m) => [m.template, m.toAddress]).sort()).toEqual([['matching-home-guest', guest.email], ['matching-home-host', host.email]].sort());
    const toHost = mails.find((m) => m.template === 'matching-home-host')!;
    const toGuest = mails.find((m) => m.template === 'matching-home-guest')!;
    expect(toHost.locale).toBe('tr');
    expect(toHost.text).toContain('Joris');
    expect(toHost.text).not.toContain('Bakker');
    expect(toHost.text).toContain('Vejetaryen');
    expect(toGuest.text).toContain('Fatma');
    expect(toGuest.text).toContain('Nederlands');
    expect(toGuest.text).toContain('Vegetarisch');
    expect(db.select().from(homeRounds).get()!.status).toBe('confirmed');
  });
});
