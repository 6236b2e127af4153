// A child process for the randomized soak test (TEST-PLAN A8): opens the shared database file, waits
// for "go", then until the deadline picks random operations through the real services: a household
// answers yes (1–3 people), cancels, or the organiser edits a dinner's capacity.
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/client.ts';
import { createMailer } from '../../src/features/mail/outbox.service.ts';
import { answerRsvp } from '../../src/features/rsvp/rsvp.service.ts';
import { PlanningError, updateDinner } from '../../src/features/scheduling/dinners.service.ts';
import { AppError } from '../../src/lib/errors.ts';
import { TEST_BASE_URL } from './app.ts';
import { dinnerInput, schedulingContext } from './scheduling-builders.ts';

export type SoakJob = { file: string; venueId: number; dinners: { id: number; date: string }[]; residentIds: number[]; durationMs: number };
export type SoakReport = { operations: number; mailedAnswers: number; capacityEdits: number; refused: number; busy: number; unexpected: string[] };

const now = new Date('2030-01-10T12:00:00Z');
const settings = { baseUrl: TEST_BASE_URL, timeZone: 'Europe/Amsterdam' };
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

process.once('message', (job: SoakJob) => {
  const db = openDatabase(job.file);
  const mailer = createMailer(TEST_BASE_URL);
  process.send!({ ready: true });
  process.once('message', () => {
    const report: SoakReport = { operations: 0, mailedAnswers: 0, capacityEdits: 0, refused: 0, busy: 0, unexpected: [] };
    const deadline = Date.now() + job.durationMs;
    while (Date.now() < deadline) {
      const dinner = pick(job.dinners);
      const roll = Math.random();
      report.operations += 1;
      try {
        if (roll < 0.15) {
          updateDinner(db, mailer, dinner.id, { ...dinnerInput(job.venueId, { date: dinner.date, capacity: 4 + Math.floor(Math.random() * 11) }), scope: 'this' }, schedulingContext(now));
          report.capacityEdits += 1;
        } else {
          const answer = roll < 0.4 ? { answer: 'no' as const, people: 0 } : { answer: 'yes' as const, people: 1 + Math.floor(Math.random() * 3) };
          const result = answerRsvp(db, mailer, settings, dinner.id, pick(job.residentIds), { ...answer, key: null }, { source: 'invitation', actorUserId: null }, now);
          // Every answer that changed something mails the household (confirmed, waiting or cancelled).
          if (result.outcome !== 'unchanged' && result.outcome !== 'duplicate') report.mailedAnswers += 1;
        }
      } catch (error) {
        // The refusals a person sees: capacity below the seats taken, or a household too big for the seats left.
        if (error instanceof PlanningError || (error instanceof AppError && error.code === 'not_enough_seats')) report.refused += 1;
        // Four processes writing without pause can keep one waiting past the 5 s busy timeout;
        // its transaction is rolled back whole (the app answers 503), which the invariants check.
        else if (error instanceof Database.SqliteError && error.code === 'SQLITE_BUSY') report.busy += 1;
        else report.unexpected.push(error instanceof Error ? error.message : String(error));
      }
    }
    db.$client.close();
    process.send!(report, () => process.exit(0));
  });
});
