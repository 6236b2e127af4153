import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { outbox } from '../../src/db/schema.ts';
import { residents } from '../../src/features/residents/residents.schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { dinners } from '../../src/features/scheduling/scheduling.schema.ts';
import { buildResident } from '../support/rsvp-builders.ts';
import type { SoakJob, SoakReport } from '../support/rsvp-soak-worker.ts';
import { buildScheduledDinners, buildVenue } from '../support/scheduling-builders.ts';
import { composeMail } from '../support/mail.ts';

// TEST-PLAN A8 [nightly]: part of `npm run test:soak` (SOAK=1), not of every push.
const DURATION_MS = 60_000;
const PROCESSES = 4;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-soak-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!process.env.SOAK)('a minute of random answers, cancellations and capacity edits from 4 processes (TEST-PLAN A8, SOAK=1)', () => {
  it('keeps every dinner within its seats, one answer per household, a mail for every answer, and unique waiting places', { timeout: DURATION_MS + 120_000 }, async () => {
    const file = path.join(dir, 'soak.sqlite');
    const db = openDatabase(file);
    const venue = buildVenue(db);
    const dates = ['2030-02-02', '2030-02-03', '2030-02-04', '2030-02-05', '2030-02-06'];
    const dinnerRows = dates.map((date) => ({ id: buildScheduledDinners(db, venue.id, { date, capacity: 8 })[0]!, date }));
    const residentIds = Array.from({ length: 60 }, () => buildResident(db).id);
    const worker = path.join(import.meta.dirname, '../support/rsvp-soak-worker.ts');
    const children = Array.from({ length: PROCESSES }, () => fork(worker, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('message', () => resolve());
            const job: SoakJob = { file, venueId: venue.id, dinners: dinnerRows, residentIds, durationMs: DURATION_MS };
            child.send(job);
          }),
      ),
    );
    const reports = await Promise.all(
      children.map(
        (child) =>
          new Promise<SoakReport>((resolve) => {
            child.once('message', (report: SoakReport) => resolve(report));
            child.send('go');
          }),
      ),
    );

    const ids = dinnerRows.map((d) => d.id);
    const answers = db.select().from(rsvps).where(inArray(rsvps.dinnerId, ids)).all();
    const seats = new Map(db.select({ id: dinners.id, capacity: dinners.capacity }).from(dinners).where(inArray(dinners.id, ids)).all().map((d) => [d.id, d.capacity]));
    const answerMails = composeMail(db).select().from(outbox).where(inArray(outbox.template, ['rsvp-confirmed', 'rsvp-waiting', 'rsvp-cancelled'])).all();
    const emails = new Map(db.select({ id: residents.id, email: residents.email }).from(residents).all().map((r) => [r.id, r.email]));
    db.$client.close();
    const total = (key: keyof Omit<SoakReport, 'unexpected'>) => reports.reduce((sum, r) => sum + r[key], 0);
    console.info(`A8: ${total('operations')} operations (${total('mailedAnswers')} answers that changed something, ${total('capacityEdits')} capacity edits, ${total('refused')} refused, ${total('busy')} timed out waiting for the write lock) on ${ids.length} dinners from ${PROCESSES} processes in ${DURATION_MS / 1000} s`);

    expect(reports.flatMap((r) => r.unexpected)).toEqual([]);
    const overbooked = ids.filter((id) => answers.filter((a) => a.dinnerId === id && a.status === 'confirmed').reduce((sum, a) => sum + a.people, 0) > seats.get(id)!);
    expect(overbooked).toEqual([]);
    const pairs = answers.map((a) => `${a.dinnerId}:${a.residentId}`);
    expect(pairs.length - new Set(pairs).size).toBe(0);
    expect(answerMails).toHaveLength(total('mailedAnswers'));
    const mailed = new Set(answerMails.map((m) => m.toAddress));
    expect(answers.filter((a) => !mailed.has(emails.get(a.residentId!)!))).toEqual([]);
    const waitingPlaces = answers.filter((a) => a.status === 'waiting').map((a) => `${a.dinnerId}:${a.waitSeq}`);
    expect(waitingPlaces.length - new Set(waitingPlaces).size).toBe(0);
    expect(total('capacityEdits')).toBeGreaterThan(0);
  });
});
