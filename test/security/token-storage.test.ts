import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { createOutboxWorker } from '../../src/features/mail/outbox-worker.ts';
import { newToken } from '../../src/lib/tokens.ts';
import { allowedActor, bodyFor, entryFor, inventory, makeMatrixWorld, pathFor, send, type MatrixWorld } from '../support/matrix.ts';
import { UNSAFE_METHODS } from '../support/routes.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { composeMail, testRenderMail } from '../support/mail.ts';

// Test plan E1: tokens are long and random, and the database holds only their hashes, so a
// stolen backup opens no resident's link, no invitation and no password reset.

describe('token generation', () => {
  it('gives 100,000 distinct tokens of 43 base64url characters (256 bits)', () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 100_000; i += 1) tokens.add(newToken());
    expect(tokens.size).toBe(100_000);
    expect([...tokens].every((token) => /^[A-Za-z0-9_-]{43}$/.test(token))).toBe(true);
  });
});

describe('tokens in the database', () => {
  let world: MatrixWorld;
  let smtp: TestSmtpServer;
  let mailedTokens: string[];

  beforeAll(async () => {
    // Every unsafe route once, as the role allowed to use it: invitations, answers, join requests,
    // new links, password resets, account invitations… every kind of mail the app sends. Not the
    // erasures: what they remove is checked in resident-erasure.test.ts, and here only the outbox
    // may have to forget the tokens.
    world = await makeMatrixWorld();
    for (const route of inventory().filter((r) => UNSAFE_METHODS.includes(r.method) && entryFor(r) && !/logout|\/delete$/.test(r.path))) {
      const creds = await world.credentials(allowedActor(route) ?? 'admin');
      await send(world.app, route, await pathFor(route, world.ctx), creds, await bodyFor(route, world.ctx));
    }
    smtp = await startSmtpServer();
    const transport = nodemailer.createTransport(smtp.transportOptions());
    const worker = createOutboxWorker({ db: world.db, renderMail: testRenderMail(), transport, from: world.config.mailFrom, now: world.clock.now, log: () => {} });
    while ((await worker.runOnce()) > 0);
    transport.close();
    mailedTokens = [...new Set(smtp.received.flatMap((mail) => [...`${mail.parsed.text}\n${mail.parsed.html}`.matchAll(/\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g)].map((m) => m[1]!)))];
  }, 120_000);

  afterAll(async () => {
    await smtp?.close();
  });

  it('delivers every queued mail, with working links in them', () => {
    expect(composeMail(world.db).select({ status: outbox.status }).from(outbox).all().every((row) => row.status === 'sent')).toBe(true);
    expect(mailedTokens.length).toBeGreaterThan(5);
  });

  it('holds none of the mailed tokens anywhere in the database file once the mails are delivered', () => {
    const image = world.db.$client.serialize().toString('latin1');
    expect(mailedTokens.filter((token) => image.includes(token))).toEqual([]);
  });

  it('keeps the delivered copy of each mail readable, with its links shortened', () => {
    const invitation = composeMail(world.db).select({ text: outbox.text }).from(outbox).all().find((row) => row.text.includes('/r/'));
    expect(invitation?.text).toMatch(/\/r\/…/);
  });
});
