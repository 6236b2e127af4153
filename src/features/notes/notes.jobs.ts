import { sql } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../db/client.ts';
import { localDay } from '../../lib/dates.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { findDinnerOrganiser, listDinnerAttendeesForFollowUp } from './notes-recipients.ts';
import { excerpt, issueNoteLink, NOTE_LINK_DAYS } from './notes.service.ts';
import { formatInTimeZone } from './notes-dates.ts';

// Timed mails of the notes feature. Every mail has a dedupe key, so running a job twice (two
// processes, a restart, a retry) never sends a mail twice; each job may safely run every few minutes.

const DAY_MS = 86_400_000;
/** Attendees are invited to add their own idea this many days after the dinner ended. */
export const INVITE_AFTER_DAYS = 3;
/** Reminders about a missing dinner report, in days after the dinner. */
export const REPORT_REMINDER_DAYS = [3, 7] as const;

export type NotesJobDeps = { db: Db; mailer: Mailer; baseUrl: string; timeZone: string; now: Date };

function alreadyQueued(db: Db, dedupeKey: string): boolean {
  return db.get(sql`select 1 as found from outbox where dedupe_key = ${dedupeKey}`) !== undefined;
}

/**
 * Mails everyone who was at a dinner that ended 3–14 days ago a personal link to add their own
 * idea or story. Returns the number of mails queued.
 */
export function sendPostDinnerInvitations({ db, mailer, baseUrl, now }: NotesJobDeps): number {
  const due = db.all<{ id: number; title: string }>(sql`
    select id, title from dinners
    where status in ('published', 'completed')
      and ends_at <= ${now.getTime() - INVITE_AFTER_DAYS * DAY_MS} and ends_at > ${now.getTime() - 14 * DAY_MS}`);
  let queued = 0;
  for (const dinner of due) {
    for (const attendee of listDinnerAttendeesForFollowUp(db, dinner.id)) {
      const dedupeKey = `notes.invite:${dinner.id}:${attendee.residentId}`;
      // Checked first, so no personal link is made for a mail that will not be sent.
      if (alreadyQueued(db, dedupeKey)) continue;
      writeTransaction(db, (tx) => {
        const token = issueNoteLink(tx, dinner.id, attendee.residentId, now);
        const row = mailer.enqueue(
          tx,
          {
            to: attendee.email,
            locale: attendee.locale,
            template: 'notes-invite',
            locals: { name: attendee.name, dinner: dinner.title, link: `${baseUrl}/ideas/t/${token}`, days: NOTE_LINK_DAYS },
            dedupeKey,
          },
          now,
        );
        if (row) queued += 1;
      });
    }
  }
  return queued;
}

/**
 * Reminds the organiser of a dinner that still has no report and no notes, 3 and 7 days after it.
 * After an outage only the latest due reminder goes out, never both at once.
 */
export function sendReportReminders({ db, mailer, baseUrl, timeZone, now }: NotesJobDeps): number {
  const due = db.all<{ id: number; title: string; endsAt: number; startsAt: number }>(sql`
    select d.id as id, d.title as title, d.ends_at as endsAt, d.starts_at as startsAt from dinners d
    where d.status in ('published', 'completed')
      and d.ends_at <= ${now.getTime() - REPORT_REMINDER_DAYS[0] * DAY_MS} and d.ends_at > ${now.getTime() - 30 * DAY_MS}
      and not exists (select 1 from dinner_reports r where r.dinner_id = d.id)
      and not exists (select 1 from notes n where n.dinner_id = d.id)`);
  let queued = 0;
  for (const dinner of due) {
    const organiser = findDinnerOrganiser(db, dinner.id);
    if (!organiser) continue;
    const ageDays = (now.getTime() - dinner.endsAt) / DAY_MS;
    const stage = ageDays >= REPORT_REMINDER_DAYS[1] ? REPORT_REMINDER_DAYS[1] : REPORT_REMINDER_DAYS[0];
    writeTransaction(db, (tx) => {
      const row = mailer.enqueue(
        tx,
        {
          to: organiser.email,
          locale: organiser.locale,
          template: 'notes-report-reminder',
          locals: { name: organiser.name, dinner: dinner.title, date: formatInTimeZone(dinner.startsAt, timeZone).slice(0, 10), days: stage, link: `${baseUrl}/notes/dinners/${dinner.id}` },
          dedupeKey: `notes.report-reminder:${dinner.id}:${stage}`,
        },
        now,
      );
      if (row) queued += 1;
    });
  }
  return queued;
}

/** Reminds an idea's owner on its review date (once per date), while the idea is still open. */
export function sendReviewReminders({ db, mailer, baseUrl, timeZone, now }: NotesJobDeps): number {
  const today = localDay(now, timeZone);
  const due = db.all<{ id: number; body: string; reviewOn: string; email: string; locale: string; name: string }>(sql`
    select n.id as id, n.body as body, n.review_on as reviewOn, u.email as email, u.locale as locale, u.name as name
    from notes n join users u on u.id = n.owner_user_id
    where n.review_on is not null and n.review_on <= ${today} and n.review_on > ${localDay(new Date(now.getTime() - 30 * DAY_MS), timeZone)}
      and n.status not in ('done', 'not_possible') and u.disabled_at is null`);
  let queued = 0;
  for (const idea of due) {
    writeTransaction(db, (tx) => {
      const row = mailer.enqueue(
        tx,
        {
          to: idea.email,
          locale: idea.locale,
          template: 'notes-review-reminder',
          locals: { name: idea.name, idea: excerpt(idea.body, 300), excerpt: excerpt(idea.body, 40), date: idea.reviewOn, link: `${baseUrl}/notes/${idea.id}` },
          dedupeKey: `notes.review:${idea.id}:${idea.reviewOn}`,
        },
        now,
      );
      if (row) queued += 1;
    });
  }
  return queued;
}

/** Runs every timed job of the notes feature once. */
export function runNotesJobs(deps: NotesJobDeps): { invitations: number; reportReminders: number; reviewReminders: number } {
  return {
    invitations: sendPostDinnerInvitations(deps),
    reportReminders: sendReportReminders(deps),
    reviewReminders: sendReviewReminders(deps),
  };
}

/** Runs the jobs every intervalMs (default 10 minutes) in the server process; stop() on shutdown. */
export function createNotesScheduler(options: { db: Db; mailer: Mailer; baseUrl: string; timeZone: string; now: () => Date; intervalMs?: number; log?: (message: string) => void }) {
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    try {
      runNotesJobs({ db: options.db, mailer: options.mailer, baseUrl: options.baseUrl, timeZone: options.timeZone, now: options.now() });
    } catch (error) {
      (options.log ?? console.error)(`notes jobs failed: ${(error as Error).message}`);
    }
  };
  return {
    start() {
      tick();
      timer = setInterval(tick, options.intervalMs ?? 10 * 60_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
