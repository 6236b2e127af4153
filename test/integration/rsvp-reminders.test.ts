import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { residents, residentSensitive } from '../../src/features/residents/residents.schema.ts';
import { purgeExpiredData } from '../../src/features/residents/privacy.service.ts';
import { createRsvpScheduler } from '../../src/features/rsvp/rsvp-reminders.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { answerRsvp } from '../../src/features/rsvp/rsvp.service.ts';
import { dinners } from '../../src/features/scheduling/scheduling.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { buildDinner, buildResident } from '../support/rsvp-builders.ts';

const settings = { baseUrl: 'http://127.0.0.1:3999', timeZone: 'Europe/Amsterdam' };

function world() {
  const { db, mailer, clock } = makeTestApp();
  // Saturday 30 March 2030 18:00 CET… the dinner is on Sunday 31 March 18:00 CEST (DST weekend).
  const dinner = buildDinner(db, { startsAt: new Date('2030-03-31T16:00:00Z'), rsvpDeadline: new Date('2030-03-30T16:00:00Z'), capacity: 10 });
  clock.set(new Date('2030-03-20T10:00:00Z'));
  const scheduler = () => createRsvpScheduler({ db, mailer, settings, retentionDays: 30, now: clock.now, log: () => {} });
  return { db, mailer, clock, dinner, scheduler };
}

describe('rsvp scheduler reminders', () => {
  it('sends the two-days-before and the morning reminder once each, at 09:00 local, even when run twice or restarted', () => {
    const { db, mailer, clock, dinner, scheduler } = world();
    const guest = buildResident(db, { locale: 'pl' });
    answerRsvp(db, mailer, settings, dinner.id, guest.id, { answer: 'yes', people: 2, key: null }, { source: 'invitation', actorUserId: null }, clock.now());
    const reminders = () => db.select().from(outbox).where(eq(outbox.template, 'rsvp-reminder')).all();

    clock.set(new Date('2030-03-29T07:59:00Z'));
    scheduler().runOnce();
    const early = reminders().length;
    clock.set(new Date('2030-03-29T08:00:00Z'));
    scheduler().runOnce();
    scheduler().runOnce();
    const afterFirst = reminders().length;
    clock.set(new Date('2030-03-31T07:00:00Z'));
    scheduler().runOnce();
    scheduler().runOnce();

    expect(early).toBe(0);
    expect(afterFirst).toBe(1);
    expect(reminders().map((m) => [m.dedupeKey, m.locale])).toEqual([
      [`reminder:days_before:${dinner.id}:${guest.id}`, 'pl'],
      [`reminder:morning:${dinner.id}:${guest.id}`, 'pl'],
    ]);
  });

  it('sends no reminder for a cancelled dinner', () => {
    const { db, mailer, clock, dinner, scheduler } = world();
    const guest = buildResident(db);
    answerRsvp(db, mailer, settings, dinner.id, guest.id, { answer: 'yes', people: 1, key: null }, { source: 'invitation', actorUserId: null }, clock.now());
    db.update(dinners).set({ status: 'cancelled' }).where(eq(dinners.id, dinner.id)).run();

    clock.set(new Date('2030-03-31T07:00:00Z'));
    scheduler().runOnce();

    expect(db.select().from(outbox).where(eq(outbox.template, 'rsvp-reminder')).all()).toHaveLength(0);
  });
});

describe('purgeExpiredData', () => {
  it('deletes sensitive data the configured days after the last dinner, unless the resident chose to keep it', () => {
    const { db, mailer, clock, dinner } = world();
    const [plain, keeper] = [buildResident(db), buildResident(db, { keepSensitive: true })];
    for (const r of [plain, keeper]) {
      db.insert(residentSensitive).values({ residentId: r.id, diets: '["halal"]', updatedAt: clock.now() }).run();
      answerRsvp(db, mailer, settings, dinner.id, r.id, { answer: 'yes', people: 1, key: null }, { source: 'invitation', actorUserId: null }, clock.now());
    }

    const at29 = purgeExpiredData(db, new Date(dinner.startsAt.getTime() + 29 * 86_400_000), 30);
    const at31 = purgeExpiredData(db, new Date(dinner.startsAt.getTime() + 31 * 86_400_000), 30);

    expect(at29.sensitivePurged).toBe(0);
    expect(at31.sensitivePurged).toBe(1);
    expect(db.select().from(residentSensitive).all().map((r) => r.residentId)).toEqual([keeper.id]);
    expect(db.select().from(residents).all()).toHaveLength(2);
  });
});

describe('promoteAfterCapacityChanges', () => {
  it('gives seats added by a higher capacity to the waiting list in order, and tells those households', () => {
    const { db, mailer, clock, dinner, scheduler } = world();
    const [a, b, c] = [buildResident(db), buildResident(db), buildResident(db)];
    db.update(dinners).set({ capacity: 2 }).where(eq(dinners.id, dinner.id)).run();
    for (const r of [a, b, c]) answerRsvp(db, mailer, settings, dinner.id, r.id, { answer: 'yes', people: 2, key: null }, { source: 'invitation', actorUserId: null }, clock.now());
    db.update(dinners).set({ capacity: 4 }).where(eq(dinners.id, dinner.id)).run();

    scheduler().runOnce();

    const statuses = db.select().from(rsvps).all().map((r) => [r.residentId, r.status]);
    expect(statuses).toEqual([
      [a.id, 'confirmed'],
      [b.id, 'confirmed'],
      [c.id, 'waiting'],
    ]);
    expect(db.select().from(outbox).where(eq(outbox.template, 'rsvp-promoted')).all().map((m) => m.toAddress)).toEqual([b.email]);
  });
});
