import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { rowCounts } from '../support/security.ts';

// Test plan B6: a database that refuses writes (read-only, or full) gives a 503 page without
// internals, stores no partial rows, and the app recovers as soon as writing works again.
const FAULTS: { name: string; break: (db: Db) => void; mend: (db: Db) => void }[] = [
  { name: 'read-only', break: (db) => db.$client.pragma('query_only = ON'), mend: (db) => db.$client.pragma('query_only = OFF') },
  {
    name: 'full',
    // A small tmpfs cannot be mounted here; a page limit filled to the brim gives the same SQLITE_FULL.
    break: (db) => {
      db.$client.exec('CREATE TABLE filler (x BLOB)');
      const pages = db.$client.pragma('page_count', { simple: true }) as number;
      db.$client.pragma(`max_page_count = ${pages + 4}`);
      try {
        for (;;) db.$client.prepare('INSERT INTO filler VALUES (randomblob(512))').run();
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_FULL') throw error;
      }
    },
    mend: (db) => db.$client.pragma('max_page_count = 1073741823'),
  },
];

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('database that refuses writes', () => {
  for (const fault of FAULTS) {
    it(`answers 503 without internals when the database is ${fault.name}, stores nothing, and recovers`, async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-dbfault-'));
      const db = openDatabase(path.join(dir, 'app.sqlite'));
      const { app } = makeTestApp({ db });
      const admin = await buildUser(db, { roles: ['admin'] });
      const browser = browserAgent(app);
      await browser.signIn(admin);
      await browser.get('/admin/users/new');
      const invite = (email: string) => browser.post('/admin/users', { name: 'N'.repeat(100), email, locale: 'nl', roles: ['staff', 'organiser'] });
      fault.break(db);
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});

      // A full database still takes rows that fit into free space on existing pages: invite until it refuses.
      let before = rowCounts(db);
      let refused = await invite('refused-0@test.example');
      for (let i = 1; i < 50 && refused.status === 303; i++) {
        before = rowCounts(db);
        refused = await invite(`refused-${i}@test.example`);
      }

      expect(refused.status).toBe(503);
      expect(refused.text).toContain('De website is even niet beschikbaar.');
      expect(refused.text).not.toMatch(/SqliteError|SQLITE_|INSERT|\bat .+:\d+:\d+/);
      expect(logged).toHaveBeenCalled();
      fault.mend(db);
      expect(rowCounts(db)).toEqual(before);
      const accepted = await invite('accepted@test.example');
      expect(accepted.status).toBe(303);
      db.$client.close();
    });

    it(`refuses a resident's answer with 503 when the database is ${fault.name}, stores none of it, and takes the next answer once it recovers`, async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-dbfault-'));
      const db = openDatabase(path.join(dir, 'app.sqlite'));
      const { app } = makeTestApp({ db });
      const dinner = buildDinner(db, { capacity: 200 });
      const links = Array.from({ length: 51 }, (_, i) => personalLink(db, buildResident(db, { email: `r${i}@test.example` }).id, dinner));
      const browser = browserAgent(app);
      await browser.get(links[0]!);
      const answer = (link: string) => browser.post(link, { answer: 'yes', people: '2' });
      fault.break(db);
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});

      let before = rowCounts(db);
      let refused = await answer(links[0]!);
      for (let i = 1; i < 50 && refused.status === 303; i++) {
        before = rowCounts(db);
        refused = await answer(links[i]!);
      }

      expect(refused.status).toBe(503);
      expect(refused.text).not.toMatch(/SqliteError|SQLITE_|INSERT|\bat .+:\d+:\d+/);
      expect(logged).toHaveBeenCalled();
      fault.mend(db);
      expect(rowCounts(db)).toEqual(before);
      expect((await answer(links[50]!)).status).toBe(303);
      db.$client.close();
    });
  }
});
