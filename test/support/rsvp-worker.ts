// A child process for the multi-process seat test (TEST-PLAN A1): opens the same database file,
// waits for the "go" message, then books its residents through the real answer function.
import { openDatabase } from '../../src/db/client.ts';
import type { Mailer } from '../../src/features/mail/outbox.service.ts';
import { answerRsvp } from '../../src/features/rsvp/rsvp.service.ts';

type Job = { file: string; dinnerId: number; residentIds: number[]; transaction: 'immediate' | 'none'; pauseMs: number };

// Mail rendering is not what this test measures; the outbox row is still written in the transaction.
const mailer: Mailer = { enqueue: () => undefined };

process.once('message', (job: Job) => {
  const db = openDatabase(job.file);
  process.send!({ ready: true });
  process.once('message', () => {
    let errors = 0;
    const messages = new Set<string>();
    for (const residentId of job.residentIds) {
      try {
        answerRsvp(db, mailer, { baseUrl: 'http://127.0.0.1', timeZone: 'Europe/Amsterdam' }, job.dinnerId, residentId, { answer: 'yes', people: 1, key: null }, { source: 'invitation', actorUserId: null }, new Date('2030-01-10T12:00:00Z'), { transaction: job.transaction, pauseMs: job.pauseMs });
      } catch (error) {
        errors += 1;
        messages.add(error instanceof Error ? error.message : String(error));
      }
    }
    db.$client.close();
    process.send!({ done: true, errors, messages: [...messages] }, () => process.exit(0));
  });
});
