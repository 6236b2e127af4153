/**
 * Background thread: delivers the outbox (outbox-worker.ts) on a database connection of its own,
 * so that composing and sending mail, and recording it, never take turns with requests on the
 * event loop.
 * It reads the same environment as the server (SMTP_URL, MAIL_FROM, DATABASE_PATH).
 */
import nodemailer from 'nodemailer';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { createI18n } from '../../i18n/i18n.ts';
import { onStopRequest } from '../../lib/threads.ts';
import { createMailRenderer } from './mail-renderer.ts';
import { createOutboxWorker } from './outbox-worker.ts';

const config = loadConfig();
const db = openDatabase(config.databasePath);
const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
const renderMail = createMailRenderer({ i18n: createI18n(), baseUrl: config.baseUrl, cache: config.env === 'production' });
const worker = createOutboxWorker({ db, renderMail, transport, from: config.mailFrom, now: () => new Date() });
worker.start();

onStopRequest(async () => {
  await worker.stop();
  transport?.close();
  db.$client.close();
});
