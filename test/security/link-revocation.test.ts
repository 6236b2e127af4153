import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { outbox } from '../../src/db/schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { browserAgent, buildUser, linkIn } from '../support/builders.ts';
import { buildAttendee, noteLinkPath } from '../support/notes-builders.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

// Test plan E8: once a resident is erased, cancels, or gets another e-mail address, the links
// they were sent before stop working (410); the resident is never left without a working link.
describe('revoking personal links', () => {
  let world: TestApp;
  let staff: ReturnType<typeof browserAgent>;
  beforeAll(async () => {
    world = makeTestApp();
    staff = browserAgent(world.app);
    await staff.signIn(await buildUser(world.db, { roles: ['staff'] }));
  });
  const status = async (path: string) => (await request(world.app).get(path)).status;
  const mailTo = (email: string, template: string) =>
    composeMail(world.db).select().from(outbox).where(and(eq(outbox.toAddress, email), eq(outbox.template, template))).orderBy(desc(outbox.id)).get()!;

  it('ends every link of an erased resident, for every dinner', async () => {
    const { db } = world;
    const resident = buildResident(db);
    const links = [personalLink(db, resident.id, buildDinner(db)), personalLink(db, resident.id, buildDinner(db))];
    const before = await Promise.all(links.map(status));

    await staff.get(`/admin/residents/${resident.id}`);
    const erased = await staff.post(`/admin/residents/${resident.id}/delete`);

    expect(before).toEqual([200, 200]);
    expect(erased.status).toBe(303);
    expect(await Promise.all(links.map(status))).toEqual([410, 410]);
  });

  it('ends the earlier links for a dinner on cancelling, while the cancellation mail and the next page carry a fresh one', async () => {
    const { db } = world;
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const otherDinnerLink = personalLink(db, resident.id, buildDinner(db));
    const invitation = personalLink(db, resident.id, dinner);
    const browser = browserAgent(world.app);
    await browser.get(invitation);
    await browser.post(invitation, { answer: 'yes', people: '2' });
    const fromConfirmation = linkIn(mailTo(resident.email!, 'rsvp-confirmed').text, '/r/');

    const cancelled = await browser.post(`${fromConfirmation}/cancel`);
    const fromCancellation = linkIn(mailTo(resident.email!, 'rsvp-cancelled').text, '/r/');

    expect(cancelled.status).toBe(303);
    expect([await status(invitation), await status(fromConfirmation)]).toEqual([410, 410]);
    expect(await status(cancelled.headers.location!)).toBe(200);
    expect(await status(otherDinnerLink)).toBe(200);
    await browser.get(fromCancellation);
    expect((await browser.post(fromCancellation, { answer: 'yes', people: '2' })).status).toBe(303);
    expect(db.select().from(rsvps).where(and(eq(rsvps.dinnerId, dinner.id), eq(rsvps.residentId, resident.id))).get()!.status).toBe('confirmed');
  });

  it('ends every link, the idea link too, when staff change the e-mail address, and keeps them on other edits', async () => {
    const { db } = world;
    const dinner = buildDinner(db);
    const resident = buildAttendee(db, dinner);
    const links = [personalLink(db, resident.id, dinner), personalLink(db, resident.id, buildDinner(db)), noteLinkPath(db, dinner.id, resident.id)];
    const form = { name: resident.name, email: resident.email!, locale: 'nl', adults: '1', children: '0' };
    await staff.get(`/admin/residents/${resident.id}`);

    const renamed = await staff.post(`/admin/residents/${resident.id}`, { ...form, name: 'Nieuwe Naam' });
    const afterRename = await Promise.all(links.map(status));
    const moved = await staff.post(`/admin/residents/${resident.id}`, { ...form, email: `nieuw-${resident.id}@test.example` });

    expect([renamed.status, moved.status]).toEqual([303, 303]);
    expect(afterRename).toEqual([200, 200, 200]);
    expect(await Promise.all(links.map(status))).toEqual([410, 410, 410]);
  });
});
