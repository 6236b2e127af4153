import fs from 'node:fs';
import { count, eq } from 'drizzle-orm';
import type { Db } from '../src/db/client.ts';
import { users } from '../src/db/schema.ts';
import { createUser } from '../src/features/accounts/accounts.service.ts';
import { hashPassword } from '../src/features/auth/passwords.ts';
import type { Mailer } from '../src/features/mail/outbox.service.ts';
import { seedScheduling } from './seed-scheduling.ts';
import { seedNotes } from './seed-notes.ts';
import { seedRsvp } from './seed-rsvp.ts';
import { seedMatching } from './seed-matching.ts';

export type SeedDeps = { db: Db; mailer: Mailer; now: () => Date };

/** The password of every demo account; shown in the README. Never used in production (no demo there). */
export const DEMO_PASSWORD = 'aanschuiven-demo';

export const DEMO_ACCOUNTS = [
  { email: 'admin@demo.aanschuiftafel.nl', name: 'Anouk de Vries', roles: ['admin', 'staff'] as const },
  { email: 'organisator@demo.aanschuiftafel.nl', name: 'Youssef El Amrani', roles: ['organiser'] as const },
  { email: 'medewerker@demo.aanschuiftafel.nl', name: 'Marleen Jansen', roles: ['staff'] as const },
  { email: 'organisator2@demo.aanschuiftafel.nl', name: 'Kasia Nowak', roles: ['organiser', 'staff'] as const },
];

export function isDatabaseEmpty(db: Db): boolean {
  return (db.select({ n: count() }).from(users).get()?.n ?? 0) === 0;
}

/** Fills an empty database with the demo neighbourhood, through the feature services. */
export async function seedDemo({ db, mailer, now }: SeedDeps): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  db.transaction((tx) => {
    for (const account of DEMO_ACCOUNTS) {
      createUser(tx, { email: account.email, name: account.name, roles: [...account.roles], locale: 'nl', passwordHash }, now());
    }
  });
  // Venues, a fortnightly series, one-off and past dinners (scheduling, issue 4).
  const organiser = db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_ACCOUNTS[1]!.email)).get();
  seedScheduling(db, mailer, { now: now(), organiserId: organiser?.id ?? null });
  // Residents with consents, invitations, answers and a waiting list (RSVP, issue 5).
  seedRsvp(db, mailer, { now: now(), baseUrl: 'http://localhost:3000', timeZone: 'Europe/Amsterdam', organiserId: organiser?.id ?? null });
  // Notes, ideas with follow-up, a dinner report and reference figures (notes, issue 6).
  seedNotes(db, mailer, { now: now(), baseUrl: 'http://localhost:3000', organiserId: organiser?.id ?? null, staffEmail: DEMO_ACCOUNTS[2]!.email });
  // Table plans: locked plans for past dinners (the history), a draft for the next one (matching, issue 3).
  seedMatching(db, mailer, { now: now(), baseUrl: 'http://localhost:3000', timeZone: 'Europe/Amsterdam', organiserId: organiser?.id ?? null });
}

async function resetFromCommandLine(): Promise<void> {
  const { loadConfig } = await import('../src/config.ts');
  const { openDatabase } = await import('../src/db/client.ts');
  const { createMailer } = await import('../src/features/mail/outbox.service.ts');
  const config = loadConfig();
  if (config.env === 'production') {
    console.error('Refusing to reset a production database. Unset NODE_ENV=production to reset a development database.');
    process.exit(1);
  }
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(config.databasePath + suffix, { force: true });
  const db = openDatabase(config.databasePath);
  const mailer = createMailer(config.baseUrl);
  await seedDemo({ db, mailer, now: () => new Date() });
  db.$client.close();
  console.log(`Demo neighbourhood loaded into ${config.databasePath}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  await resetFromCommandLine();
}
