import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { paths } from './paths.ts';

const EnvSchema = z.object({
  // Where the app runs: production turns on secure cookies, view caching and a required SESSION_SECRET.
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // TCP port the HTTP server listens on.
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // SQLite database file; created and migrated on start.
  DATABASE_PATH: z.string().min(1).default(path.join(paths.dataDir, 'aanschuiftafel.sqlite')),
  // Public address of the app, used to build links in e-mails.
  BASE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  // SMTP server for outgoing mail (smtp:// or smtps://). Absent: mail goes to the in-app mailbox.
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  // Sender of every e-mail.
  MAIL_FROM: z.string().min(3).default('Aanschuiftafel <noreply@aanschuiftafel.local>'),
  // Secret for signing cookies and CSRF tokens; at least 32 characters. Required in production.
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  // IANA time zone in which dinners are entered, shown and computed.
  TIME_ZONE: z
    .string()
    .default('Europe/Amsterdam')
    .refine((zone) => isValidTimeZone(zone), 'TIME_ZONE must be an IANA zone such as Europe/Amsterdam'),
  // Set to "true" behind a reverse proxy, so rate limits see the client address.
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  // RSVP reminders: days before the dinner for the first one (0 = off), and the local time of day they go out.
  REMINDER_DAYS_BEFORE: z.coerce.number().int().min(0).max(14).default(2),
  REMINDER_TIME: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'REMINDER_TIME must be HH:MM').default('09:00'),
  // Days after a resident's last dinner before their diet, access needs and background are deleted.
  SENSITIVE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // Months after a dinner before its answers are anonymised (personal details and, for answers without a seat, the resident).
  RSVP_ANONYMISE_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  port: number;
  databasePath: string;
  baseUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionSecret: string;
  timeZone: string;
  trustProxy: boolean;
  /** Limits for sign-in and password-reset attempts (per IP and per account) within a window. */
  rateLimits: Readonly<{ windowMs: number; perIp: number; perAccount: number }>;
  /** How long an idle session lives, and how long any session lives at most. */
  session: Readonly<{ idleMs: number; absoluteMs: number }>;
  /** RSVP reminders, the retention of sensitive data and of answers; absent in tests that do not need them (defaults apply). */
  rsvp?: Readonly<{ reminderDaysBefore: number; reminderTime: string; sensitiveRetentionDays: number; anonymiseAfterMonths?: number }>;
}>;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {}

/** Parses the environment once; a bad value stops the boot with one readable line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  if (values.NODE_ENV === 'production' && !values.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required in production (32+ random characters)');
  }
  return Object.freeze({
    env: values.NODE_ENV,
    port: values.PORT,
    databasePath: values.DATABASE_PATH,
    baseUrl: values.BASE_URL.replace(/\/+$/, ''),
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    sessionSecret: values.SESSION_SECRET ?? developmentSecret(values.DATABASE_PATH),
    timeZone: values.TIME_ZONE,
    trustProxy: values.TRUST_PROXY === 'true',
    rateLimits: { windowMs: 15 * 60_000, perIp: 30, perAccount: 5 },
    session: { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 },
    rsvp: { reminderDaysBefore: values.REMINDER_DAYS_BEFORE, reminderTime: values.REMINDER_TIME, sensitiveRetentionDays: values.SENSITIVE_RETENTION_DAYS, anonymiseAfterMonths: values.RSVP_ANONYMISE_MONTHS },
  });
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}

/** Outside production the secret is generated once and kept next to the database, so sessions survive restarts. */
function developmentSecret(databasePath: string): string {
  const file = path.join(path.dirname(path.resolve(databasePath)), '.session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
