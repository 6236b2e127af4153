import { addMonths } from 'date-fns';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildParticipationReport } from '../../src/features/notes/notes-report.service.ts';
import { prepareDataBundle, purgeExpiredData } from '../../src/features/residents/privacy.service.ts';
import { dataBundles } from '../../src/features/residents/residents.schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { buildDinner, buildResident } from '../support/rsvp-builders.ts';

// Test plan H3 (the +31 days half is in rsvp-reminders.test.ts, "purgeExpiredData").
describe('purgeExpiredData: answers and prepared files', () => {
  it('anonymises answers 13 months after their dinner and keeps the participation figures of that period', () => {
    const { db } = makeTestApp();
    const first = buildDinner(db, { startsAt: new Date('2030-01-20T17:00:00Z') });
    const later = buildDinner(db, { startsAt: new Date('2030-06-01T16:00:00Z') });
    const [returning, once, declined] = [buildResident(db), buildResident(db), buildResident(db)];
    const at = new Date('2030-01-10T12:00:00Z');
    const answer = { source: 'invitation' as const, invitedAt: at, answeredAt: at, createdAt: at, updatedAt: at };
    db.insert(rsvps)
      .values([
        { ...answer, dinnerId: first.id, residentId: returning.id, status: 'confirmed', people: 2, confirmedAt: at, checkIn: 'arrived', checkInAt: first.startsAt },
        { ...answer, dinnerId: first.id, residentId: once.id, status: 'confirmed', people: 1, confirmedAt: at },
        { ...answer, dinnerId: first.id, residentId: declined.id, status: 'declined', people: 0 },
        { ...answer, dinnerId: first.id, residentId: null, walkInName: 'Jan van de deur', status: 'confirmed', people: 1, source: 'door' },
        { ...answer, dinnerId: later.id, residentId: returning.id, status: 'confirmed', people: 2, confirmedAt: at },
      ])
      .run();
    const reportDay = addMonths(first.startsAt, 13);
    const report = () => buildParticipationReport(db, { neighbourhood: '', from: '', to: '' }, reportDay, 'Europe/Amsterdam');
    const before = report();

    const at11Months = purgeExpiredData(db, addMonths(first.startsAt, 11), 30, 12);
    const at13Months = purgeExpiredData(db, reportDay, 30, 12);

    expect(at11Months.rsvpsAnonymised).toBe(0);
    expect(at13Months.rsvpsAnonymised).toBe(4);
    const rows = db.select().from(rsvps).where(eq(rsvps.dinnerId, first.id)).all();
    expect(rows.map((r) => [r.residentId, r.status, r.people, r.checkIn])).toEqual([
      [returning.id, 'confirmed', 2, 'arrived'],
      [once.id, 'confirmed', 1, null],
      [null, 'declined', 0, null],
      [null, 'confirmed', 1, null],
    ]);
    expect(rows.every((r) => r.walkInName === null && r.answeredAt === null && r.confirmedAt === null && r.invitedAt === null && r.checkInAt === null)).toBe(true);
    expect(db.select().from(rsvps).where(eq(rsvps.dinnerId, later.id)).get()!.answeredAt).toEqual(at);
    const after = report();
    expect([after.dinnersHeld, after.peopleReached, after.uniqueHouseholds, after.firstTimers, after.returningGuests]).toEqual([
      before.dinnersHeld,
      before.peopleReached,
      before.uniqueHouseholds,
      before.firstTimers,
      before.returningGuests,
    ]);
    expect(after.returningGuests).toBe(1);
  });

  it('deletes a prepared "my data" file that was not fetched within 24 hours', () => {
    const { db, clock } = makeTestApp();
    const resident = buildResident(db);
    prepareDataBundle(db, resident.id, clock.now());

    purgeExpiredData(db, new Date(clock.now().getTime() + 23 * 3_600_000), 30);
    const after23Hours = db.select().from(dataBundles).all().length;
    purgeExpiredData(db, new Date(clock.now().getTime() + 24 * 3_600_000), 30);

    expect(after23Hours).toBe(1);
    expect(db.select().from(dataBundles).all()).toHaveLength(0);
  });
});
