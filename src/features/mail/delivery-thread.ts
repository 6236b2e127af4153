/**
 * Background thread: delivers the outbox (outbox-worker.ts) on a database connection of its own,
 * so that sending mail, and recording it, never takes turns with requests on the event loop.
 * It reads the same environment as the server (SMTP_URL, MAIL_FROM, DATABASE_PATH).
 */
import nodemailer from 'nodemailer';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { onStopRequest } from '../../lib/threads.ts';
import { createOutboxWorker } from './outbox-worker.ts';

const config = loadConfig();
const db = openDatabase(config.databasePath);
const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
const worker = createOutboxWorker({ db, transport, from: config.mailFrom, now: () => new Date() });
worker.start();

onStopRequest(async () => {
  await worker.stop();
  transport?.close();
  db.$client.close();
});
