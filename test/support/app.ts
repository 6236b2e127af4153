import type { Express } from 'express';
import { createApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { createMailer, type Mailer } from '../../src/features/mail/outbox.service.ts';
import { createI18n } from '../../src/i18n/i18n.ts';

export const TEST_BASE_URL = 'http://127.0.0.1:3999';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({
    env: 'test',
    port: 0,
    databasePath: ':memory:',
    baseUrl: TEST_BASE_URL,
    smtpUrl: undefined,
    mailFrom: 'Aanschuiftafel <noreply@test.example>',
    sessionSecret: 'test-secret-test-secret-test-secret-0123456789',
    timeZone: 'Europe/Amsterdam',
    trustProxy: false,
    rateLimits: { windowMs: 60_000, perIp: 1000, perAccount: 1000 },
    session: { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 },
    ...overrides,
  });
}

/** A clock tests can move: clock.now() is what the app sees. */
export function fixedClock(start = new Date('2030-01-10T12:00:00Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
    set(date: Date) {
      current = date.getTime();
    },
  };
}
export type TestClock = ReturnType<typeof fixedClock>;

export type TestApp = { app: Express; db: Db; clock: TestClock; mailer: Mailer; config: Config };

/** A whole app on a fresh in-memory database, with a movable clock; mail lands in the outbox table. */
export function makeTestApp(options: { config?: Partial<Config>; db?: Db; clock?: TestClock } = {}): TestApp {
  const config = testConfig(options.config);
  const db = options.db ?? openDatabase(':memory:');
  const clock = options.clock ?? fixedClock();
  const i18n = createI18n();
  const mailer = createMailer(config.baseUrl);
  const app = createApp({ db, config, now: clock.now, i18n, mailer });
  return { app, db, clock, mailer, config };
}
