import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TZDate } from '@date-fns/tz';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { outbox } from '../../src/db/schema.ts';
import { residents, residentSensitive } from '../../src/features/residents/residents.schema.ts';
import { purgeExpiredData } from '../../src/features/residents/privacy.service.ts';
import { createRsvpScheduler } from '../../src/features/rsvp/rsvp-reminders.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { answerRsvp } from '../../src/features/rsvp/rsvp.service.ts';
import { dinners } from '../../src/features/scheduling/scheduling.schema.ts';
import { formatTime, localDay } from '../../src/lib/dates.ts';
import { fixedClock, makeTestApp, type TestClock } from '../support/app.ts';
import { buildDinner, buildResident } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

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
    const reminders = () => composeMail(db).select().from(outbox).where(eq(outbox.template, 'rsvp-reminder')).all();

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

    expect(composeMail(db).select().from(outbox).where(eq(outbox.template, 'rsvp-reminder')).all()).toHaveLength(0);
  });
});

const ZONE = 'Europe/Amsterdam';
const local = (y: number, m: number, d: number, h: number, min = 0) => new Date(new TZDate(y, m - 1, d, h, min, ZONE).getTime());

/**
 * One app instance as src/server.ts builds it (config → scheduler) on the shared database file:
 * a restart is closing one instance and starting the next on the same file.
 */
function appInstance(file: string, clock: TestClock) {
  const { db, mailer, config } = makeTestApp({ db: openDatabase(file), clock, config: { rsvp: { reminderDaysBefore: 1, reminderTime: '18:00', sensitiveRetentionDays: 30 } } });
  const scheduler = createRsvpScheduler({
    db,
    mailer,
    settings: { baseUrl: config.baseUrl, timeZone: config.timeZone },
    reminders: { daysBefore: config.rsvp!.reminderDaysBefore, time: config.rsvp!.reminderTime, morning: true },
    retentionDays: config.rsvp!.sensitiveRetentionDays,
    now: clock.now,
    log: () => {},
  });
  return { db, mailer, scheduler };
}

describe('reminders on the 2026 daylight-saving weekends, every tick run twice, the app restarted in between (TEST-PLAN I4)', () => {
  it.each([
    { weekend: 'last weekend of March (clocks forward)', saturday: [2026, 3, 28] as const },
    { weekend: 'last weekend of October (clocks back)', saturday: [2026, 10, 24] as const },
  ])('sends each reminder once per dinner and kind, at the configured 18:00 local, on the $weekend', ({ saturday: [y, m, d] }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-reminders-'));
    const file = path.join(dir, 'app.sqlite');
    const clock = fixedClock(local(y, m, d - 20, 12));
    const first = appInstance(file, clock);
    // Dinners at 19:00 on the Sunday of the change and on the Monday after: their reminders fall on both sides of it.
    const sunday = buildDinner(first.db, { startsAt: local(y, m, d + 1, 19), localDate: localDay(local(y, m, d + 1, 19), ZONE), capacity: 10 });
    const monday = buildDinner(first.db, { startsAt: local(y, m, d + 2, 19), localDate: localDay(local(y, m, d + 2, 19), ZONE), capacity: 10 });
    const guests = [buildResident(first.db), buildResident(first.db, { locale: 'ar' })];
    for (const dinner of [sunday, monday]) {
      for (const guest of guests) answerRsvp(first.db, first.mailer, settings, dinner.id, guest.id, { answer: 'yes', people: 1, key: null }, { source: 'invitation', actorUserId: null }, clock.now());
    }
    const tick = (instance: ReturnType<typeof appInstance>, from: Date, to: Date) => {
      for (let t = from.getTime(); t <= to.getTime(); t += 15 * 60_000) {
        clock.set(new Date(t));
        instance.scheduler.runOnce();
        instance.scheduler.runOnce();
      }
    };

    // Every quarter of an hour. First instance from Saturday noon to Sunday 18:30 (through the clock
    // change); the second replays Sunday from 18:00 on, until the Monday dinner starts.
    tick(first, local(y, m, d, 12), local(y, m, d + 1, 18, 30));
    first.db.$client.close();
    const second = appInstance(file, clock);
    tick(second, local(y, m, d + 1, 18), local(y, m, d + 2, 19));
    const reminders = composeMail(second.db).select().from(outbox).where(eq(outbox.template, 'rsvp-reminder')).all();
    second.db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });

    const sent = reminders.map((mail) => {
      const [, kind, dinnerId, residentId] = mail.dedupeKey!.split(':');
      const dinner = Number(dinnerId) === sunday.id ? sunday : monday;
      return { kind, dinner: dinner.id, resident: Number(residentId), day: localDay(mail.createdAt, ZONE), time: formatTime(mail.createdAt, ZONE) };
    });
    const expected = [sunday, monday].flatMap((dinner) =>
      (['days_before', 'morning'] as const).flatMap((kind) =>
        guests.map((guest) => ({
          kind,
          dinner: dinner.id,
          resident: guest.id,
          day: kind === 'morning' ? dinner.localDate : localDay(new Date(dinner.startsAt.getTime() - 24 * 3_600_000), ZONE),
          time: '18:00',
        })),
      ),
    );
    expect(sent).toHaveLength(8);
    expect(sent).toEqual(expect.arrayContaining(expected));
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
    expect(composeMail(db).select().from(outbox).where(eq(outbox.template, 'rsvp-promoted')).all().map((m) => m.toAddress)).toEqual([b.email]);
  });
});
