import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startCheckpointThread } from './db/checkpoints.ts';
import { openDatabase } from './db/client.ts';
import { createMailer } from './features/mail/outbox.service.ts';
import { createRsvpScheduler } from './features/rsvp/rsvp-reminders.ts';
import { createNotesScheduler } from './features/notes/notes.jobs.ts';
import { createI18n } from './i18n/i18n.ts';
import { startBackgroundThread } from './lib/threads.ts';
import { isDatabaseEmpty, seedDemo } from '../db/seed.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDatabase(config.databasePath);
  const now = () => new Date();
  const i18n = createI18n();
  const mailer = createMailer(config.baseUrl);

  if (config.env !== 'production' && isDatabaseEmpty(db)) {
    await seedDemo({ db, mailer, now });
    console.log('A new database: loaded the demo neighbourhood (see README, "Demo accounts").');
  }

  const rsvpScheduler = createRsvpScheduler({
    db,
    mailer,
    settings: { baseUrl: config.baseUrl, timeZone: config.timeZone },
    reminders: { daysBefore: config.rsvp?.reminderDaysBefore ?? 2, time: config.rsvp?.reminderTime ?? '09:00', morning: true },
    retentionDays: config.rsvp?.sensitiveRetentionDays ?? 30,
    anonymiseAfterMonths: config.rsvp?.anonymiseAfterMonths ?? 12,
    now,
  });
  const app = createApp({ db, config, now, i18n, mailer });

  const server = app.listen(config.port, (error) => {
    if (error) {
      console.error(`Cannot listen on port ${config.port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`Aanschuiftafel listens on ${config.baseUrl} (port ${config.port}, ${config.env})`);
    if (!config.smtpUrl) console.log('No SMTP_URL: mail is delivered to the mailbox page, /admin/mail');
  });
  // Checkpoints and mail delivery run in threads of their own, beside the requests (ADR 010).
  const checkpoints = startCheckpointThread(db, config.databasePath);
  const delivery = startBackgroundThread(new URL('./features/mail/delivery-thread.ts', import.meta.url), { name: 'mail delivery' });
  rsvpScheduler.start();
  const notesJobs = createNotesScheduler({ db, mailer, baseUrl: config.baseUrl, timeZone: config.timeZone, now });
  notesJobs.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      notesJobs.stop();
      rsvpScheduler.stop();
      await delivery.stop();
      await checkpoints.stop();
      db.$client.pragma('wal_checkpoint(TRUNCATE)');
      db.$client.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
