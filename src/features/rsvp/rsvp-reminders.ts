import { TZDate } from '@date-fns/tz';
import { and, eq, gt, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../db/client.ts';
import { outbox } from '../../db/schema.ts';
import { localDay } from '../../lib/dates.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { purgeExpiredData } from '../residents/privacy.service.ts';
import { residents } from '../residents/residents.schema.ts';
import { dinners } from '../scheduling/scheduling.schema.ts';
import { rsvps } from './rsvp.schema.ts';
import { findDinnerForRsvp, mailResident, promoteWaitingList, type RsvpSettings } from './rsvp.service.ts';

export type ReminderSettings = {
  /** Days before the dinner for the first reminder (0 turns it off). */
  daysBefore: number;
  /** Local wall-clock time 'HH:MM' at which reminders go out, on that day and on the dinner's morning. */
  time: string;
  /** Send the reminder on the morning of the dinner too. */
  morning: boolean;
};
export const DEFAULT_REMINDERS: ReminderSettings = { daysBefore: 2, time: '09:00', morning: true };

export type ReminderKind = 'days_before' | 'morning';

/**
 * When a dinner's reminders are due, computed on the calendar in the community zone, so a
 * daylight-saving change between the reminder and the dinner never shifts them by an hour.
 */
export function reminderMoments(startsAt: Date, timeZone: string, settings: ReminderSettings): { kind: ReminderKind; at: Date }[] {
  const [year, month, day] = localDay(startsAt, timeZone).split('-').map(Number) as [number, number, number];
  const [hours, minutes] = settings.time.split(':').map(Number) as [number, number];
  const moments: { kind: ReminderKind; at: Date }[] = [];
  if (settings.daysBefore > 0) {
    // TZDate normalises day 0 or negative days into the previous month, like Date does.
    moments.push({ kind: 'days_before', at: new Date(new TZDate(year, month - 1, day - settings.daysBefore, hours, minutes, timeZone).getTime()) });
  }
  if (settings.morning) {
    const morning = new Date(new TZDate(year, month - 1, day, hours, minutes, timeZone).getTime());
    // A dinner that starts before the reminder time gets no "this morning" mail.
    if (morning.getTime() < startsAt.getTime()) moments.push({ kind: 'morning', at: morning });
  }
  return moments;
}

/**
 * Queues the reminders that are due now, once per (dinner, kind, resident): the outbox's dedupe
 * key makes a second run (or a restart) a no-op. Only published dinners that have not started;
 * only households confirmed before the reminder moment (later ones just got their confirmation).
 * When both reminders are due, only the later one goes out.
 */
export function sendDueReminders(db: Db, mailer: Mailer, settings: RsvpSettings, reminders: ReminderSettings, now: Date): number {
  const horizon = new Date(now.getTime() + (reminders.daysBefore + 1) * 24 * 60 * 60_000);
  const upcoming = db
    .select({ id: dinners.id, startsAt: dinners.startsAt })
    .from(dinners)
    .where(and(eq(dinners.status, 'published'), gt(dinners.startsAt, now), lt(dinners.startsAt, horizon)))
    .all();
  let queued = 0;
  for (const dinner of upcoming) {
    const due = reminderMoments(dinner.startsAt, settings.timeZone, reminders).filter((m) => m.at.getTime() <= now.getTime());
    const moment = due.at(-1);
    if (!moment) continue;
    const guests = db
      .select({ residentId: rsvps.residentId, people: rsvps.people, confirmedAt: rsvps.confirmedAt })
      .from(rsvps)
      .innerJoin(residents, eq(residents.id, rsvps.residentId))
      .where(and(eq(rsvps.dinnerId, dinner.id), eq(rsvps.status, 'confirmed'), isNotNull(residents.email)))
      .all()
      .filter((g) => g.confirmedAt === null || g.confirmedAt.getTime() <= moment.at.getTime());
    const keys = guests.map((g) => `reminder:${moment.kind}:${dinner.id}:${g.residentId}`);
    if (keys.length === 0) continue;
    // Skip households already reminded without rendering their mail again.
    const sent = new Set(
      db
        .select({ key: outbox.dedupeKey })
        .from(outbox)
        .where(inArray(outbox.dedupeKey, keys))
        .all()
        .map((row) => row.key),
    );
    const pending = guests.filter((_, i) => !sent.has(keys[i]!));
    if (pending.length === 0) continue;
    writeTransaction(db, (tx) => {
      const full = findDinnerForRsvp(tx, dinner.id);
      if (!full || full.status !== 'published') return; // cancelled a moment ago
      for (const guest of pending) {
        const resident = tx.select({ id: residents.id, name: residents.name, email: residents.email, locale: residents.locale }).from(residents).where(eq(residents.id, guest.residentId!)).get();
        if (!resident) continue;
        const key = `reminder:${moment.kind}:${dinner.id}:${resident.id}`;
        if (mailResident(tx, mailer, settings, resident, full, 'rsvp-reminder', { people: guest.people }, now, { dedupeKey: key })) queued += 1;
      }
    });
  }
  return queued;
}

/**
 * Seats freed outside an answer (an organiser raised the capacity in scheduling) go to the waiting
 * list here, within a minute: every coming dinner with waiting households and free seats.
 */
export function promoteAfterCapacityChanges(db: Db, mailer: Mailer, settings: RsvpSettings, now: Date): number {
  const candidates = db
    .select({ id: dinners.id })
    .from(dinners)
    .where(
      and(
        eq(dinners.status, 'published'),
        gt(dinners.startsAt, now),
        sql`exists (select 1 from rsvps w where w.dinner_id = ${dinners.id} and w.status = 'waiting')`,
        sql`${dinners.capacity} > (select coalesce(sum(c.people), 0) from rsvps c where c.dinner_id = ${dinners.id} and c.status = 'confirmed')`,
      ),
    )
    .all();
  let promoted = 0;
  for (const dinner of candidates) promoted += promoteWaitingList(db, mailer, settings, dinner.id, now).length;
  return promoted;
}

export type RsvpSchedulerOptions = {
  db: Db;
  mailer: Mailer;
  settings: RsvpSettings;
  reminders?: ReminderSettings;
  /** Days after a resident's last dinner that their sensitive data is kept (unless they chose to keep it). */
  retentionDays: number;
  /** Months after a dinner before its answers are anonymised (default 12). */
  anonymiseAfterMonths?: number;
  now: () => Date;
  intervalMs?: number;
  log?: (message: string) => void;
};

/**
 * Runs in the app process next to the outbox worker: every minute it queues due reminders and
 * promotes waiting households into seats added by a capacity change, and once an hour it runs the
 * retention job. Safe to run after a restart or twice: both are idempotent.
 */
export function createRsvpScheduler(options: RsvpSchedulerOptions) {
  const intervalMs = options.intervalMs ?? 60_000;
  const reminders = options.reminders ?? DEFAULT_REMINDERS;
  const log = options.log ?? ((message: string) => console.log(message));
  let timer: NodeJS.Timeout | undefined;
  let lastPurge = 0;

  function runOnce(): { reminders: number; purged: number } {
    const now = options.now();
    const queued = sendDueReminders(options.db, options.mailer, options.settings, reminders, now);
    promoteAfterCapacityChanges(options.db, options.mailer, options.settings, now);
    let purged = 0;
    if (now.getTime() - lastPurge >= 60 * 60_000) {
      purged = purgeExpiredData(options.db, now, options.retentionDays, options.anonymiseAfterMonths).sensitivePurged;
      lastPurge = now.getTime();
    }
    if (queued > 0 || purged > 0) log(`rsvp scheduler: ${queued} reminder(s) queued, sensitive data of ${purged} resident(s) purged`);
    return { reminders: queued, purged };
  }

  function tick(): void {
    try {
      runOnce();
    } catch (error) {
      log(`rsvp scheduler error: ${error instanceof Error ? error.message : String(error)}`);
    }
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  }

  return {
    runOnce,
    start() {
      if (timer) return;
      timer = setTimeout(tick, 0);
      timer.unref();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
