import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, outbox } from '../../src/db/schema.ts';
import { consents, residents, residentSensitive } from '../../src/features/residents/residents.schema.ts';
import { joinRequests, rsvpLinks, rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, lastMail, linkIn } from '../support/builders.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

const JOIN = { name: 'Nieuwe Buur', email: 'Nieuw@Example.org', people: '3', languages: 'Pools' };

describe('POST /dinners/:id/join', () => {
  it('holds the answer until the address is confirmed through the mailed link; the link page itself changes nothing', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db, { visibility: 'public' });
    const browser = browserAgent(app);
    await browser.get(`/dinners/${dinner.id}/join`);

    const sent = await browser.post(`/dinners/${dinner.id}/join`, { ...JOIN, consentDiet: 'on', diets: 'vegan', backgroundText: 'zonder toestemming' });
    const link = linkIn(lastMail(db)!.text, '/join/');
    const scanned = await request(app).get(link);
    const head = await request(app).head(link);
    const beforeConfirm = db.select().from(rsvps).all().length;
    await browser.get(link);
    const confirmed = await browser.post(link);

    expect(sent.status).toBe(200);
    expect(sent.text).toContain('nieuw@example.org');
    expect([scanned.status, head.status, beforeConfirm]).toEqual([200, 200, 0]);
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toMatch(/^\/r\/[A-Za-z0-9_-]{43}$/);
    const resident = db.select().from(residents).get()!;
    expect(resident).toMatchObject({ email: 'nieuw@example.org', name: 'Nieuwe Buur', adults: 3, source: 'join', languages: 'Pools' });
    expect(db.select().from(rsvps).get()).toMatchObject({ residentId: resident.id, status: 'confirmed', people: 3, source: 'join' });
    const sensitive = db.select().from(residentSensitive).get()!;
    expect(sensitive.diets).toBe('["vegan"]');
    expect(sensitive.backgroundText).toBeNull(); // tampered: text without its consent is never stored
    expect(db.select().from(consents).all().map((c) => c.purpose)).toEqual(['diet']);
    expect(db.select().from(joinRequests).all()).toHaveLength(0);
    expect((await browser.post(link)).status).toBe(410);
  });

  it('keeps one answer when a registered address joins again, and mails "already registered"', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db, { email: 'nieuw@example.org' });
    const browser = browserAgent(app);
    const personal = personalLink(db, resident.id, dinner);
    await browser.get(personal);
    await browser.post(personal, { answer: 'yes', people: '3' });
    await browser.get(`/dinners/${dinner.id}/join`);

    await browser.post(`/dinners/${dinner.id}/join`, JOIN);
    const link = linkIn(lastMail(db)!.text, '/join/');
    await browser.get(link);
    const res = await browser.post(link);

    expect(res.status).toBe(303);
    expect(db.select().from(rsvps).all()).toHaveLength(1);
    expect(db.select().from(residents).all()).toHaveLength(1);
    expect(lastMail(db)!.template).toBe('rsvp-already');
  });

  it('re-renders with 422 naming the fields for an invalid e-mail and a household of 40, and stores nothing', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const browser = browserAgent(app);
    await browser.get(`/dinners/${dinner.id}/join`);

    const res = await browser.post(`/dinners/${dinner.id}/join`, { ...JOIN, email: 'geen-adres', people: '40' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-email"');
    expect(res.text).toContain('href="#field-people"');
    expect(db.select().from(joinRequests).all()).toHaveLength(0);
    expect(composeMail(db).select().from(outbox).all()).toHaveLength(0);
  });

  it('answers 404 for an invitation-only or unknown dinner', async () => {
    const { app, db } = makeTestApp();
    const privateDinner = buildDinner(db, { visibility: 'invitation' });

    const closed = await request(app).get(`/dinners/${privateDinner.id}/join`);
    const unknown = await request(app).get('/dinners/99999/join');

    expect(closed.status).toBe(404);
    expect(unknown.status).toBe(404);
  });
});

describe('mail links and the resident\'s own data', () => {
  it('changes nothing when a mail scanner opens every link in a confirmation mail (HEAD and GET)', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const browser = browserAgent(app);
    const link = personalLink(db, resident.id, dinner);
    await browser.get(link);
    await browser.post(link, { answer: 'yes', people: '2' });
    const mail = lastMail(db)!;
    const links = [...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!).pathname);
    const changes = () => (db.$client.prepare('select total_changes() as n').get() as { n: number }).n;
    const before = changes();

    for (const path of links) {
      await request(app).head(path);
      await request(app).get(path);
    }

    expect(links.length).toBeGreaterThanOrEqual(2);
    expect(changes()).toBe(before);
    expect(db.select().from(rsvps).get()!.status).toBe('confirmed');
  });

  it('shows the resident everything stored, lets them withdraw consent in one click, download the JSON and delete themselves', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db, { name: 'Marta Nowak', locale: 'pl' });
    const browser = browserAgent(app);
    const link = personalLink(db, resident.id, dinner);
    await browser.get(link);
    await browser.post(link, { answer: 'yes', people: '1', consentAccess: 'on', access: 'hearing' });

    const page = await browser.get(`${link}/data`);
    await browser.post(`${link}/data/download`);
    const download = await browser.post(`${link}/data/download/file`);
    const withdrawn = await browser.post(`${link}/consents/withdraw`, { purpose: 'all' });
    const afterWithdraw = db.select().from(residentSensitive).all();
    await browser.get(`${link}/delete`);
    const deleted = await browser.post(`${link}/delete`);

    expect(page.status).toBe(200);
    expect(page.text).toContain('Marta Nowak');
    expect(page.text).toContain('Słuch');
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(JSON.parse(download.text).sensitive.access).toEqual(['hearing']);
    expect(withdrawn.status).toBe(303);
    expect(afterWithdraw).toHaveLength(0);
    expect(deleted.status).toBe(200);
    expect(db.select().from(residents).all()).toHaveLength(0);
    expect(db.select().from(rsvpLinks).all()).toHaveLength(0);
    expect(db.select().from(rsvps).get()).toMatchObject({ residentId: null, status: 'cancelled', people: 1 });
    const actions = db.select().from(auditEvents).all().map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['residents.data_downloaded', 'residents.consent_withdrawn', 'residents.deleted']));
    expect((await browser.get(link)).status).toBe(410);
  });
});

describe('GET /join/:token', () => {
  it('answers the generic 410 page for an unknown link', async () => {
    const { app } = makeTestApp();

    const res = await request(app).get('/join/' + 'y'.repeat(43));

    expect(res.status).toBe(410);
    expect(res.text).toContain('action="/r-new-link"');
  });
});
