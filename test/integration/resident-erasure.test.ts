import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { deleteResident, prepareDataBundle } from '../../src/features/residents/privacy.service.ts';
import { answerRsvp } from '../../src/features/rsvp/rsvp.service.ts';
import { makeTestApp } from '../support/app.ts';
import { buildDinner, buildResident } from '../support/rsvp-builders.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('deleteResident on a file database (TEST-PLAN H2)', () => {
  it('leaves no trace of the name or e-mail address in the database file after a checkpoint, and keeps the anonymous count', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-erase-'));
    dirs.push(dir);
    const file = path.join(dir, 'erase.sqlite');
    const db = openDatabase(file);
    const { mailer, clock } = makeTestApp({ db });
    const settings = { baseUrl: 'http://127.0.0.1:3999', timeZone: 'Europe/Amsterdam' };
    const dinner = buildDinner(db);
    const resident = buildResident(db, { name: 'Zyxwvut Qqqqersonnaam', email: 'zyxwvut.unique@erase.example' });
    answerRsvp(db, mailer, settings, dinner.id, resident.id, { answer: 'yes', people: 2, key: null }, { source: 'invitation', actorUserId: null }, clock.now());
    // A "my data" file waiting to be fetched holds the name and address too (H1).
    prepareDataBundle(db, resident.id, clock.now());

    deleteResident(db, mailer, settings, resident.id, null, clock.now());
    db.$client.pragma('wal_checkpoint(TRUNCATE)');

    const bytes = Buffer.concat([fs.readFileSync(file), fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    expect(bytes.includes(Buffer.from('Zyxwvut'))).toBe(false);
    expect(bytes.includes(Buffer.from('zyxwvut.unique@erase.example'))).toBe(false);
    const counts = db.$client.prepare('select count(*) as n, sum(people) as people from rsvps').get();
    expect(counts).toEqual({ n: 1, people: 2 });
    db.$client.close();
  });
});
