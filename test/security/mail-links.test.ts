import { and, desc, eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { inviteAudience } from '../../src/features/rsvp/rsvp-admin.service.ts';
import { DEFAULT_REMINDERS, reminderMoments, sendDueReminders } from '../../src/features/rsvp/rsvp-reminders.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import type { Dinner } from '../../src/features/scheduling/scheduling.schema.ts';
import { makeTestApp, TEST_BASE_URL, type TestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { allowedActor, bodyFor, entryFor, inventory, makeMatrixWorld, pathFor, send } from '../support/matrix.ts';
import { UNSAFE_METHODS } from '../support/routes.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { totalChanges, watchWrites } from '../support/security.ts';
import { composeMail } from '../support/mail.ts';

// Test plan E2: mail scanners (Outlook Safe Links) open every link in a mail, with HEAD and GET and
// no cookies, the moment it arrives. None of those visits may change anything.

/** Every link to our own site in a mail's HTML and text parts. */
function ownLinks(html: string, text: string): string[] {
  const links = new Set<string>();
  for (const match of `${html}\n${text}`.matchAll(/https?:\/\/[^\s"'<>)]+/g)) {
    const url = match[0].replace(/&amp;/g, '&').replace(/[.,;]+$/, '');
    if (url.startsWith(TEST_BASE_URL)) links.add(url.slice(TEST_BASE_URL.length) || '/');
  }
  return [...links];
}

describe('links in mail, opened by a scanner', () => {
  it('change nothing when every link in every mail the app sends is fetched with HEAD and GET without cookies', async () => {
    // Make the app send every mail it can: each unsafe route, once, as the role the matrix allows.
    const world = await makeMatrixWorld();
    for (const route of inventory().filter((r) => UNSAFE_METHODS.includes(r.method) && entryFor(r) && !/logout/.test(r.path))) {
      const creds = await world.credentials(allowedActor(route) ?? 'admin');
      await send(world.app, route, await pathFor(route, world.ctx), creds, await bodyFor(route, world.ctx));
    }
    const mails = composeMail(world.db).select({ id: outbox.id, template: outbox.template, html: outbox.html, text: outbox.text }).from(outbox).all();
    const links = mails.flatMap((mail) => ownLinks(mail.html, mail.text).map((link) => ({ template: mail.template, link })));
    const writes = watchWrites(world.db);
    writes.reset();
    const before = totalChanges(world.db);
    const statuses: string[] = [];

    for (const { template, link } of links) {
      const head = await request(world.app).head(link);
      const get = await request(world.app).get(link);
      statuses.push(`${template} ${head.status}/${get.status}`);
    }

    console.info(`E2: ${mails.length} mails (${[...new Set(mails.map((m) => m.template))].join(', ')}), ${links.length} links fetched`);
    expect(links.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => /\/5\d\d$|^\S+ 5\d\d/.test(s))).toEqual([]);
    expect(writes.writes()).toEqual([]);
    expect(totalChanges(world.db)).toBe(before);
  });
});

// The other half of E2: after the scanner, the resident's own click (a POST) still works, for
// each mail a resident gets: invitation, confirmation, new links, join confirmation, reminder.
describe('a resident acting on a mail a scanner opened first', () => {
  let world: TestApp;
  let dinner: Dinner;
  beforeAll(() => {
    world = makeTestApp();
    dinner = buildDinner(world.db, { capacity: 50 });
  });
  const settings = () => ({ baseUrl: world.config.baseUrl, timeZone: world.config.timeZone });
  const mailTo = (email: string, template: string) =>
    composeMail(world.db).select().from(outbox).where(and(eq(outbox.toAddress, email), eq(outbox.template, template))).orderBy(desc(outbox.id)).get()!;
  const rsvpOf = (residentId: number) => world.db.select().from(rsvps).where(and(eq(rsvps.dinnerId, dinner.id), eq(rsvps.residentId, residentId))).get();

  /** HEAD and GET without cookies on every link in the mail: nothing changes. Returns the mail's first link starting with `prefix`. */
  async function scanned(mail: { html: string; text: string }, prefix: string): Promise<string> {
    const links = ownLinks(mail.html, mail.text);
    const before = totalChanges(world.db);
    for (const link of links) {
      await request(world.app).head(link);
      await request(world.app).get(link);
    }
    expect(totalChanges(world.db)).toBe(before);
    const link = links.find((l) => l.startsWith(prefix));
    expect(link, `a ${prefix} link in the mail`).toBeDefined();
    return link!;
  }

  /** The resident opens the link in a browser and sends a form from that page (to `action`, the link itself by default). */
  async function human(link: string, form: Record<string, string> = {}, action = link) {
    const browser = browserAgent(world.app);
    const page = await browser.get(link);
    expect(page.status).toBe(200);
    return browser.post(action, form);
  }

  it('accepts a yes from an invitation', async () => {
    const resident = buildResident(world.db, { neighbourhood: 'Scan-invitation' });
    const organiser = await buildUser(world.db, { roles: ['organiser'] });
    inviteAudience(world.db, world.mailer, settings(), dinner.id, { kind: 'neighbourhood', value: 'Scan-invitation', neverCameFirst: false, limit: null }, organiser.id, world.clock.now());
    const link = await scanned(mailTo(resident.email!, 'rsvp-invitation'), '/r/');

    expect(rsvpOf(resident.id)!.status).toBe('invited');
    expect((await human(link, { answer: 'yes', people: '2' })).status).toBe(303);
    expect(rsvpOf(resident.id)).toMatchObject({ status: 'confirmed', people: 2 });
  });

  it('accepts a cancellation from a confirmation', async () => {
    const resident = buildResident(world.db);
    await human(personalLink(world.db, resident.id, dinner), { answer: 'yes', people: '1' });
    const link = await scanned(mailTo(resident.email!, 'rsvp-confirmed'), '/r/');

    expect(rsvpOf(resident.id)!.status).toBe('confirmed');
    expect((await human(link, {}, `${link}/cancel`)).status).toBe(303);
    expect(rsvpOf(resident.id)!.status).toBe('cancelled');
  });

  it('accepts a yes from a "new link" mail', async () => {
    const resident = buildResident(world.db);
    await human(personalLink(world.db, resident.id, dinner), { answer: 'no' });
    const visitor = browserAgent(world.app);
    await visitor.get('/login');
    await visitor.post('/r-new-link', { email: resident.email! });
    const link = await scanned(mailTo(resident.email!, 'rsvp-links'), '/r/');

    expect(rsvpOf(resident.id)!.status).toBe('declined');
    expect((await human(link, { answer: 'yes', people: '1' })).status).toBe(303);
    expect(rsvpOf(resident.id)!.status).toBe('confirmed');
  });

  it('confirms a join request from the confirmation mail', async () => {
    const email = 'scanned-join@test.example';
    const visitor = browserAgent(world.app);
    await visitor.get(`/dinners/${dinner.id}/join`);
    await visitor.post(`/dinners/${dinner.id}/join`, { name: 'Nieuwe Buur', email, people: '1' });
    const link = await scanned(mailTo(email, 'rsvp-join-confirm'), '/join/');

    expect(world.db.select().from(rsvps).where(eq(rsvps.source, 'join')).all()).toEqual([]);
    expect((await human(link)).status).toBe(303);
    expect(world.db.select().from(rsvps).where(eq(rsvps.source, 'join')).get()).toMatchObject({ status: 'confirmed', people: 1 });
  });

  it('accepts a change of party size from a reminder', async () => {
    const resident = buildResident(world.db);
    await human(personalLink(world.db, resident.id, dinner), { answer: 'yes', people: '1' });
    const start = world.clock.now();
    try {
      world.clock.set(reminderMoments(dinner.startsAt, world.config.timeZone, DEFAULT_REMINDERS)[0]!.at);
      sendDueReminders(world.db, world.mailer, settings(), DEFAULT_REMINDERS, world.clock.now());
      const link = await scanned(mailTo(resident.email!, 'rsvp-reminder'), '/r/');

      expect(rsvpOf(resident.id)!.people).toBe(1);
      expect((await human(link, { answer: 'yes', people: '3' })).status).toBe(303);
      expect(rsvpOf(resident.id)).toMatchObject({ status: 'confirmed', people: 3 });
    } finally {
      world.clock.set(start);
    }
  });
});
