import { asc, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { outbox } from '../../../src/db/schema.ts';
import { rsvps } from '../../../src/features/rsvp/rsvp.schema.ts';
import { dinners } from '../../../src/features/scheduling/scheduling.schema.ts';
import { makeTestApp } from '../../support/app.ts';
import { browserAgent, buildUser } from '../../support/builders.ts';
import { buildResident } from '../../support/rsvp-builders.ts';
import { buildScheduledDinners, buildVenue, dinnerForm } from '../../support/scheduling-builders.ts';
import { composeMail } from '../../support/mail.ts';

// Scheduling with the RSVP feature plugged in (rsvp-bridge.ts): real answers, real recipients.

const NOW = new Date('2030-01-10T12:00:00Z');

function answer(db: Db, dinnerId: number, status: 'confirmed' | 'waiting' | 'declined', people: number, waitSeq: number | null = null, locale = 'nl') {
  const resident = buildResident(db, { locale });
  db.insert(rsvps).values({ dinnerId, residentId: resident.id, people, status, waitSeq, source: 'invitation', createdAt: NOW, updatedAt: NOW }).run();
  return resident;
}

async function organiserBrowser(app: Parameters<typeof browserAgent>[0], db: Db) {
  const organiser = await buildUser(db, { roles: ['organiser'] });
  const browser = browserAgent(app);
  await browser.signIn(organiser);
  return browser;
}

describe('scheduling with RSVP answers', () => {
  it('mails the cancellation to households with a seat or on the waiting list, not to those who said no', async () => {
    const { app, db } = makeTestApp();
    const [id] = buildScheduledDinners(db, buildVenue(db).id, { title: 'Lentediner' });
    const seated = answer(db, id!, 'confirmed', 2, null, 'pl');
    const waiting = answer(db, id!, 'waiting', 1, 1);
    answer(db, id!, 'declined', 0);
    const browser = await organiserBrowser(app, db);
    await browser.get(`/agenda/dinners/${id}`);

    const res = await browser.post(`/agenda/dinners/${id}/cancel`, { reason: 'Storm', scope: 'this' });

    expect(res.status).toBe(303);
    const mails = composeMail(db).select().from(outbox).where(eq(outbox.template, 'dinner-cancelled')).orderBy(asc(outbox.toAddress)).all();
    expect(mails.map((m) => m.toAddress).sort()).toEqual([seated.email, waiting.email].sort());
    expect(mails.find((m) => m.toAddress === seated.email)!.subject).toBe('Odwołane: Lentediner');
  });

  it('refuses to lower the capacity below the people already confirmed (test plan A4), changing nothing', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db);
    const [id] = buildScheduledDinners(db, venue.id, { capacity: 12 });
    answer(db, id!, 'confirmed', 6);
    answer(db, id!, 'confirmed', 4);
    const browser = await organiserBrowser(app, db);
    await browser.get(`/agenda/dinners/${id}/edit`);

    const res = await browser.post(`/agenda/dinners/${id}`, { ...dinnerForm(venue.id, { capacity: '8' }), scope: 'this' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-capacity"');
    expect(res.text).toContain('Er hebben al 10 mensen ja gezegd. Houd het aantal plaatsen op 10 of meer.');
    expect(db.select().from(dinners).get()!.capacity).toBe(12);
  });

  it('gives freed seats to the waiting list when the capacity goes up', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db);
    const [id] = buildScheduledDinners(db, venue.id, { capacity: 4 });
    answer(db, id!, 'confirmed', 4);
    const first = answer(db, id!, 'waiting', 2, 1);
    const browser = await organiserBrowser(app, db);
    await browser.get(`/agenda/dinners/${id}/edit`);

    const res = await browser.post(`/agenda/dinners/${id}`, { ...dinnerForm(venue.id, { capacity: '6' }), scope: 'this' });

    expect(res.status).toBe(303);
    expect(db.select().from(rsvps).where(eq(rsvps.residentId, first.id)).get()!.status).toBe('confirmed');
  });

  it('shows places left on the home page from the confirmed answers', async () => {
    const { app, db } = makeTestApp();
    const [id] = buildScheduledDinners(db, buildVenue(db).id, { capacity: 12 });
    answer(db, id!, 'confirmed', 3);
    answer(db, id!, 'waiting', 2, 1);

    const res = await request(app).get('/');

    expect(res.text).toContain('Nog 9 plekken vrij');
  });
});
