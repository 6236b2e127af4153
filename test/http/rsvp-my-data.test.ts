import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { dataBundles } from '../../src/features/residents/residents.schema.ts';
import { hashToken } from '../../src/lib/tokens.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { browserAgent } from '../support/builders.ts';
import { buildNote } from '../support/notes-builders.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';

// Test plan H1: "my data" is prepared by the POST and can be fetched once, in the browser that
// asked, within 24 hours.
const HOUR = 60 * 60_000;

describe('POST /r/:token/data/download and the one-time file', () => {
  let world: TestApp;
  beforeAll(() => {
    world = makeTestApp();
  });

  /** A resident who answered (with a consent and diet), with a named note, and their link. */
  async function residentWithData() {
    const { app, db } = world;
    const dinner = buildDinner(db);
    const resident = buildResident(db, { name: 'Ayla Demir' });
    buildNote(db, dinner, { residentId: resident.id, nameConsent: true, source: 'resident', body: 'Een moestuin op het dak' });
    const browser = browserAgent(app);
    const link = personalLink(db, resident.id, dinner, world.clock.now());
    await browser.get(link);
    await browser.post(link, { answer: 'yes', people: '1', consentDiet: 'on', diets: 'halal' });
    return { resident, browser, link };
  }

  const auditCount = (residentId: number, action: string) =>
    world.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.objectId, String(residentId)))).all().length;

  it('shows the notes recorded under the resident\'s name on their data page', async () => {
    const { browser, link } = await residentWithData();

    const page = await browser.get(`${link}/data`);

    expect(page.status).toBe(200);
    expect(page.text).toContain('Een moestuin op het dak');
  });

  it('prepares the file, sends this browser to the download page with a path-bound cookie, and stores only its hash', async () => {
    const { resident, browser, link } = await residentWithData();

    const asked = await browser.post(`${link}/data/download`);
    const page = await browser.get(`${link}/data/download`);

    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe(`${link}/data/download`);
    const cookie = ([] as string[]).concat(asked.headers['set-cookie'] ?? []).find((c) => c.startsWith('data_bundle='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toContain(`Path=${link}/data`);
    const secret = /data_bundle=([^;]+)/.exec(cookie)![1]!;
    const stored = world.db.select().from(dataBundles).where(eq(dataBundles.residentId, resident.id)).get()!;
    expect(stored.cookieHash).toBe(hashToken(secret));
    expect(stored.expiresAt.getTime() - world.clock.now().getTime()).toBe(24 * HOUR);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="${link}/data/download/file"`);
    expect(auditCount(resident.id, 'residents.data_requested')).toBe(1);
  });

  it('hands the file out once with every answer, consent, diet, named note and mail; a second try gets the 410 page with a way to ask again', async () => {
    const { resident, browser, link } = await residentWithData();
    await browser.post(`${link}/data/download`);

    const first = await browser.post(`${link}/data/download/file`);
    const second = await browser.post(`${link}/data/download/file`);

    expect(first.status).toBe(200);
    expect(first.headers['content-disposition']).toContain('attachment');
    const bundle = JSON.parse(first.text);
    expect(bundle.resident.name).toBe('Ayla Demir');
    expect(bundle.answers).toEqual([expect.objectContaining({ status: 'confirmed', people: 1 })]);
    expect(bundle.sensitive.diets).toEqual(['halal']);
    expect(bundle.consents).toEqual([expect.objectContaining({ purpose: 'diet' })]);
    expect(bundle.notes).toEqual([expect.objectContaining({ text: 'Een moestuin op het dak' })]);
    // The confirmation is still queued, not composed yet: the bundle names its kind.
    expect(bundle.mails).toContainEqual(expect.objectContaining({ subject: 'rsvp-confirmed', status: 'pending' }));
    expect(second.status).toBe(410);
    expect(second.text).toContain(`action="${link}/data/download"`);
    expect(world.db.select().from(dataBundles).where(eq(dataBundles.residentId, resident.id)).all()).toHaveLength(0);
    expect(auditCount(resident.id, 'residents.data_downloaded')).toBe(1);
  });

  it('refuses the file to another browser, with no cookie or with the cookie of an earlier request', async () => {
    const { resident, browser, link } = await residentWithData();
    const other = browserAgent(world.app);
    await other.get(link);
    await other.post(`${link}/data/download`);
    await browser.post(`${link}/data/download`);

    const noCookiePage = await browserAgent(world.app).get(`${link}/data/download`);
    const stranger = browserAgent(world.app);
    await stranger.get(link);
    const noCookieFile = await stranger.post(`${link}/data/download/file`);
    const earlierCookie = await other.post(`${link}/data/download/file`);
    const asker = await browser.post(`${link}/data/download/file`);

    expect([noCookiePage.status, noCookieFile.status, earlierCookie.status]).toEqual([410, 410, 410]);
    expect(asker.status).toBe(200);
    expect(auditCount(resident.id, 'residents.data_downloaded')).toBe(1);
  });

  it('refuses the file 24 hours after it was asked for', async () => {
    const { resident, browser, link } = await residentWithData();
    await browser.post(`${link}/data/download`);

    world.clock.advance(24 * HOUR);
    const late = await browser.post(`${link}/data/download/file`);

    expect(late.status).toBe(410);
    expect(auditCount(resident.id, 'residents.data_downloaded')).toBe(0);
  });
});
