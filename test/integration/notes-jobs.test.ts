import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { dinnerReports, notes } from '../../src/features/notes/notes.schema.ts';
import { runNotesJobs, sendPostDinnerInvitations, sendReportReminders, sendReviewReminders } from '../../src/features/notes/notes.jobs.ts';
import { makeTestApp } from '../support/app.ts';
import { buildUser } from '../support/builders.ts';
import { buildAttendee, buildNote } from '../support/notes-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { composeMail } from '../support/mail.ts';

const DAY = 86_400_000;
// buildDinner: 2030-01-20 18:00–21:00 Amsterdam, i.e. it ends at 20:00 UTC.
const DINNER_END = new Date('2030-01-20T20:00:00Z');

function jobDeps(world: ReturnType<typeof makeTestApp>, now: Date) {
  return { db: world.db, mailer: world.mailer, baseUrl: world.config.baseUrl, timeZone: world.config.timeZone, now };
}

describe('sendPostDinnerInvitations', () => {
  it('mails each attendee once, 3 days after the dinner, a personal link in their language; no-shows get nothing', async () => {
    const world = makeTestApp();
    const dinner = buildDinner(world.db);
    const ana = buildAttendee(world.db, dinner, { locale: 'uk' });
    const noShow = buildAttendee(world.db, dinner);
    world.db.update(rsvps).set({ checkIn: 'no_show' }).where(eq(rsvps.residentId, noShow.id)).run();

    const early = sendPostDinnerInvitations(jobDeps(world, new Date(DINNER_END.getTime() + 2 * DAY)));
    const first = sendPostDinnerInvitations(jobDeps(world, new Date(DINNER_END.getTime() + 3 * DAY)));
    const again = sendPostDinnerInvitations(jobDeps(world, new Date(DINNER_END.getTime() + 4 * DAY)));

    expect([early, first, again]).toEqual([0, 1, 0]);
    const mail = composeMail(world.db).select().from(outbox).get()!;
    expect(mail.toAddress).toBe(ana.email);
    expect(mail.locale).toBe('uk');
    expect(mail.text).toMatch(/\/ideas\/t\/[A-Za-z0-9_-]{43}/);
    expect(mail.text).toContain('Дякуємо');
  });
});

describe('sendReportReminders', () => {
  it('reminds the organiser after 3 and after 7 days, once each, while the dinner has no report or notes', async () => {
    const world = makeTestApp();
    const organiser = await buildUser(world.db, { roles: ['organiser'] });
    const dinner = buildDinner(world.db, { createdByUserId: organiser.id });

    const counts = [2, 3, 3.5, 7, 8].map((days) => sendReportReminders(jobDeps(world, new Date(DINNER_END.getTime() + days * DAY))));

    expect(counts).toEqual([0, 1, 0, 1, 0]);
    const mails = composeMail(world.db).select().from(outbox).all();
    expect(mails.map((mail) => mail.dedupeKey)).toEqual([`notes.report-reminder:${dinner.id}:3`, `notes.report-reminder:${dinner.id}:7`]);
    expect(mails[0]!.toAddress).toBe(organiser.email);
  });

  it('sends nothing when the dinner has a report or notes', async () => {
    const world = makeTestApp();
    const organiser = await buildUser(world.db, { roles: ['organiser'] });
    const reported = buildDinner(world.db, { createdByUserId: organiser.id });
    const withNotes = buildDinner(world.db, { createdByUserId: organiser.id });
    world.db.insert(dinnerReports).values({ dinnerId: reported.id, guestCount: 10, completedAt: DINNER_END }).run();
    buildNote(world.db, withNotes);

    expect(sendReportReminders(jobDeps(world, new Date(DINNER_END.getTime() + 3 * DAY)))).toBe(0);
  });
});

describe('sendReviewReminders', () => {
  it('reminds the owner on the review date once, and not for ideas that are done', async () => {
    const world = makeTestApp();
    const owner = await buildUser(world.db, { roles: ['staff'] });
    const dinner = buildDinner(world.db);
    const open = buildNote(world.db, dinner, { ownerUserId: owner.id, reviewOn: '2030-02-01' });
    buildNote(world.db, dinner, { ownerUserId: owner.id, reviewOn: '2030-02-01', status: 'done' });

    const before = sendReviewReminders(jobDeps(world, new Date('2030-01-31T12:00:00Z')));
    const onDay = sendReviewReminders(jobDeps(world, new Date('2030-02-01T08:00:00Z')));
    const later = runNotesJobs(jobDeps(world, new Date('2030-02-02T08:00:00Z')));

    expect([before, onDay, later.reviewReminders]).toEqual([0, 1, 0]);
    expect(composeMail(world.db).select().from(outbox).where(eq(outbox.template, 'notes-review-reminder')).get()!.text).toContain(`/notes/${open.id}`);
    expect(world.db.select().from(notes).all()).toHaveLength(2);
  });
});
