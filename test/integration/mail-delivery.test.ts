import { eq } from 'drizzle-orm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { auditEvents, outbox, type OutboxRow } from '../../src/db/schema.ts';
import { createOutboxWorker, defaultBackoffMs, type OutboxWorkerOptions } from '../../src/features/mail/outbox-worker.ts';
import { claimDueMessages, clearOldMailBodies, markRetry, markSent, type Mailer } from '../../src/features/mail/outbox.service.ts';
import { makeTestApp, type TestClock } from '../support/app.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { composeMail, testRenderMail } from '../support/mail.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** The production back-off table without its jitter, so the gaps can be checked exactly. */
const backoffWithoutJitter = (attempt: number) => defaultBackoffMs(attempt, () => 0.5);

type World = {
  db: Db;
  mailer: Mailer;
  clock: TestClock;
  smtp: TestSmtpServer;
  logs: string[];
  transport(options?: { pool?: boolean; maxConnections?: number }): Transporter;
  worker(options?: Partial<OutboxWorkerOptions>): ReturnType<typeof createOutboxWorker>;
  queueInvitation(to: string, locals?: Record<string, unknown>): OutboxRow;
  row(id: number): OutboxRow;
};

/** A fresh database, a real SMTP server on loopback and a worker factory; everything is closed after the test. */
async function deliveryWorld(options: { db?: Db; maxSessions?: number } = {}): Promise<World> {
  const smtp = await startSmtpServer({ maxSessions: options.maxSessions });
  const { db, mailer, clock, config } = makeTestApp(options.db ? { db: options.db } : {});
  const transports: Transporter[] = [];
  const logs: string[] = [];
  onTestFinished(async () => {
    for (const transport of transports) transport.close();
    await smtp.close();
  });

  const world: World = {
    db,
    mailer,
    clock,
    smtp,
    logs,
    transport(transportOptions = {}) {
      const transport = nodemailer.createTransport({ ...smtp.transportOptions(), ...transportOptions });
      transports.push(transport);
      return transport;
    },
    worker(workerOptions = {}) {
      return createOutboxWorker({
        db,
        renderMail: testRenderMail(),
        transport: world.transport(),
        from: config.mailFrom,
        now: clock.now,
        backoffMs: backoffWithoutJitter,
        log: (message) => logs.push(message),
        ...workerOptions,
      });
    },
    queueInvitation(to, locals = {}) {
      const row = mailer.enqueue(
        db,
        {
          to,
          locale: 'nl',
          template: 'invitation',
          locals: { name: 'Fatma Yilmaz', inviter: 'Kees de Vries', link: 'http://127.0.0.1:3999/invitation/abc', ...locals },
        },
        clock.now(),
      );
      if (!row) throw new Error('enqueue returned nothing');
      return world.row(row.id);
    },
    row(id) {
      return composeMail(db).select().from(outbox).where(eq(outbox.id, id)).get()!;
    },
  };
  return world;
}

function tempDatabaseFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-mail-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'test.sqlite');
}

describe('outbox worker delivering to a real SMTP server', () => {
  it('delivers a queued mail with an HTML part, a text part and the Message-ID stored in the outbox', async () => {
    const world = await deliveryWorld();
    const queued = world.queueInvitation('fatma@test.example');
    const worker = world.worker();

    const attempted = await worker.runOnce();

    expect(attempted).toBe(1);
    expect(world.smtp.received).toHaveLength(1);
    const mail = world.smtp.received[0]!;
    expect(mail.envelope.to).toEqual(['fatma@test.example']);
    expect(mail.parsed.messageId).toBe(queued.messageId);
    expect(mail.parsed.subject).toBe('Uw account voor Aanschuiftafel');
    expect(mail.parsed.from?.value).toEqual([{ name: 'Aanschuiftafel', address: 'noreply@test.example' }]);
    expect(mail.parsed.html).toContain('<html lang="nl"');
    expect(mail.parsed.html).toContain('href="http://127.0.0.1:3999/invitation/abc"');
    expect(mail.parsed.text).toContain('Beste Fatma Yilmaz,');
    expect(mail.parsed.text).toContain('http://127.0.0.1:3999/invitation/abc');
    const row = world.row(queued.id);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(1);
    expect(row.sentAt).toEqual(world.clock.now());
    expect(row.lockedUntil).toBeNull();
  });

  it('keeps a mail queued with back-off while the server refuses connections, and delivers it once the server is back', async () => {
    const world = await deliveryWorld();
    const queued = world.queueInvitation('fatma@test.example');
    const worker = world.worker();
    await world.smtp.refuseConnections();

    await worker.runOnce();
    const afterFirst = world.row(queued.id);
    const notYetDue = await worker.runOnce();
    world.clock.advance(30 * SECOND);
    await worker.runOnce();
    const afterSecond = world.row(queued.id);
    await world.smtp.acceptConnections();
    world.clock.advance(2 * MINUTE);
    await worker.runOnce();

    expect(afterFirst.status).toBe('pending');
    expect(afterFirst.attempts).toBe(1);
    expect(afterFirst.lastError).toContain('ECONNREFUSED');
    expect(afterFirst.nextAttemptAt.getTime() - queued.createdAt.getTime()).toBe(30 * SECOND);
    expect(notYetDue).toBe(0);
    expect(afterSecond.status).toBe('pending');
    expect(afterSecond.attempts).toBe(2);
    const delivered = world.row(queued.id);
    expect(delivered.status).toBe('sent');
    expect(delivered.attempts).toBe(3);
    expect(delivered.lastError).toBeNull();
    expect(world.smtp.received).toHaveLength(1);
    expect(world.smtp.received[0]!.parsed.messageId).toBe(queued.messageId);
  });

  it('delivers all 100 mails queued during a 10-minute outage within 15 minutes of its start, each exactly once', async () => {
    const world = await deliveryWorld();
    await world.smtp.refuseConnections();
    for (let i = 0; i < 100; i++) world.queueInvitation(`resident${i}@test.example`);
    const worker = world.worker({ transport: world.transport({ pool: true, maxConnections: 5 }), concurrency: 5, batchSize: 100 });
    const start = world.clock.now().getTime();
    let deliveredAt: number | null = null;

    // The polling loop, stepped every 30 simulated seconds; the server comes back after 10 minutes.
    for (let elapsed = 0; elapsed <= 20 * MINUTE && deliveredAt === null; elapsed += 30 * SECOND) {
      world.clock.set(new Date(start + elapsed));
      if (elapsed === 10 * MINUTE) await world.smtp.acceptConnections();
      await worker.runOnce();
      if (world.smtp.received.length === 100) deliveredAt = elapsed;
    }

    expect(deliveredAt).not.toBeNull();
    expect(deliveredAt!).toBeLessThanOrEqual(15 * MINUTE);
    const messageIds = world.smtp.received.map((mail) => mail.parsed.messageId);
    expect(new Set(messageIds).size).toBe(100);
    const rows = composeMail(world.db).select().from(outbox).all();
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    expect(rows.every((row) => row.attempts === 4)).toBe(true); // 0 s, 30 s, 2.5 min refused; 12.5 min delivered
  });

  it.each([
    { code: 421, stage: 'connect' as const },
    { code: 451, stage: 'data' as const },
    { code: 452, stage: 'rcpt' as const },
  ])('delivers at attempt 4 when the server answers $code ($stage) three times, waiting 30 s, 2 min and 10 min in between', async ({ code, stage }) => {
    const world = await deliveryWorld();
    const queued = world.queueInvitation('fatma@test.example');
    const worker = world.worker();
    world.smtp.failNext(3, { code, stage });
    const gaps: number[] = [];
    const errors: (string | null)[] = [];

    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = world.clock.now().getTime();
      await worker.runOnce();
      const row = world.row(queued.id);
      gaps.push(row.nextAttemptAt.getTime() - before);
      errors.push(row.lastError);
      world.clock.set(row.nextAttemptAt);
    }
    await worker.runOnce();

    expect(gaps).toEqual([30 * SECOND, 2 * MINUTE, 10 * MINUTE]);
    expect(errors.every((error) => error?.includes(String(code)))).toBe(true);
    const row = world.row(queued.id);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(4);
    expect(world.smtp.stats.faults).toBe(3);
    expect(world.smtp.received).toHaveLength(1);
  });

  it('marks a mail failed after one attempt when the server answers 550, never tries again and records it in the audit log', async () => {
    const world = await deliveryWorld();
    const queued = world.queueInvitation('nobody@test.example');
    const worker = world.worker();
    world.smtp.failNext(1, { code: 550, stage: 'rcpt', message: 'Mailbox unavailable' });

    await worker.runOnce();
    world.clock.advance(DAY);
    const later = await worker.runOnce();

    const row = world.row(queued.id);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.lastError).toContain('550 Mailbox unavailable');
    expect(later).toBe(0);
    expect(world.smtp.stats.connections).toBe(1);
    expect(world.smtp.received).toHaveLength(0);
    const audit = world.db.select().from(auditEvents).where(eq(auditEvents.action, 'mail.failed')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.objectId).toBe(String(queued.id));
    expect(world.logs.join('\n')).toContain(`mail ${queued.id} failed after 1 attempt(s)`);
  });

  it('sends nothing twice when a new worker starts on the same database after a restart', async () => {
    const file = tempDatabaseFile();
    const firstDb = openDatabase(file);
    const first = await deliveryWorld({ db: firstDb });
    for (const name of ['a', 'b', 'c']) first.queueInvitation(`${name}@test.example`);
    await first.worker().runOnce();
    firstDb.$client.close();
    const secondDb = openDatabase(file);
    onTestFinished(() => {
      secondDb.$client.close();
    });
    const restarted = createOutboxWorker({
      db: secondDb,
      renderMail: testRenderMail(),
      transport: first.transport(),
      from: 'Aanschuiftafel <noreply@test.example>',
      now: first.clock.now,
      log: () => undefined,
    });

    first.clock.advance(DAY);
    const attempted = await restarted.runOnce();

    expect(attempted).toBe(0);
    expect(first.smtp.received).toHaveLength(3);
    expect(composeMail(secondDb).select().from(outbox).where(eq(outbox.status, 'sent')).all()).toHaveLength(3);
  });

  it('resends a mail left "sending" by a worker that died after the server accepted it, with the same Message-ID, once its lease ran out', async () => {
    const file = tempDatabaseFile();
    const dyingDb = openDatabase(file);
    const world = await deliveryWorld({ db: dyingDb });
    const queued = world.queueInvitation('fatma@test.example');
    const leaseMs = 5 * MINUTE;
    // The process "dies" the moment the server has the message: its database connection is gone
    // before the worker can record the delivery.
    world.smtp.onMessage(() => {
      dyingDb.$client.close();
    });
    await expect(world.worker({ leaseMs }).runOnce()).rejects.toThrow(/database connection is not open/);
    world.smtp.onMessage(null);
    const db = openDatabase(file);
    onTestFinished(() => {
      db.$client.close();
    });
    const restarted = createOutboxWorker({ db, renderMail: testRenderMail(), transport: world.transport(), from: 'x@test.example', now: world.clock.now, leaseMs, log: () => undefined });
    const stuck = composeMail(db).select().from(outbox).where(eq(outbox.id, queued.id)).get()!;

    const whileLeased = await restarted.runOnce();
    world.clock.advance(leaseMs + SECOND);
    const afterLease = await restarted.runOnce();

    expect(stuck.status).toBe('sending');
    expect(whileLeased).toBe(0);
    expect(afterLease).toBe(1);
    const row = composeMail(db).select().from(outbox).where(eq(outbox.id, queued.id)).get()!;
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(2);
    expect(world.smtp.received.map((mail) => mail.parsed.messageId)).toEqual([queued.messageId, queued.messageId]);
  });

  it('delivers all 50 queued mails through a pooled transport when the server allows 2 connections at a time, with at most 20 % refused attempts', async () => {
    const world = await deliveryWorld({ maxSessions: 2 });
    for (let i = 0; i < 50; i++) world.queueInvitation(`resident${i}@test.example`);
    const worker = world.worker({ transport: world.transport({ pool: true, maxConnections: 2 }), concurrency: 5, batchSize: 50 });

    for (let round = 0; round < 10 && world.smtp.received.length < 50; round++) {
      await worker.runOnce();
      world.clock.advance(10 * MINUTE);
    }

    const rows = composeMail(world.db).select().from(outbox).all();
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    expect(new Set(world.smtp.received.map((mail) => mail.parsed.messageId)).size).toBe(50);
    const attempts = rows.reduce((sum, row) => sum + row.attempts, 0);
    expect((attempts - 50) / attempts).toBeLessThanOrEqual(0.2);
    expect(world.smtp.stats.peakSessions).toBeLessThanOrEqual(2);
  });

  it('gets 421 for connections over the limit and still delivers everything later (control: the limit really refuses)', async () => {
    const world = await deliveryWorld({ maxSessions: 2 });
    for (let i = 0; i < 8; i++) world.queueInvitation(`resident${i}@test.example`);
    const worker = world.worker({ concurrency: 4, batchSize: 8 });

    await worker.runOnce();
    const refusedInFirstRound = world.smtp.stats.overLimit;
    for (let round = 0; round < 10 && world.smtp.received.length < 8; round++) {
      world.clock.advance(10 * MINUTE);
      await worker.runOnce();
    }

    expect(refusedInFirstRound).toBeGreaterThan(0);
    expect(composeMail(world.db).select().from(outbox).where(eq(outbox.status, 'sent')).all()).toHaveLength(8);
    expect(world.smtp.received).toHaveLength(8);
  });

  it('keeps names out of the headers: no Bcc, no extra header lines; the HTML part escapes them and the text part shows them verbatim', async () => {
    const world = await deliveryWorld();
    world.queueInvitation('fatma@test.example', { name: 'Jan\r\nBcc: x@evil.nl', inviter: '<b>Ad</b> & co' });

    await world.worker().runOnce();

    const mail = world.smtp.received[0]!;
    expect(mail.envelope.to).toEqual(['fatma@test.example']);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.rawHeaders).not.toMatch(/^bcc:/im);
    expect(mail.rawHeaders).not.toContain('evil');
    const headerNames = mail.rawHeaders
      .split('\r\n')
      .filter((line) => !/^[ \t]/.test(line)) // folded continuation lines belong to the header above
      .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
    expect(headerNames.sort()).toEqual(['content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to']);
    expect(mail.parsed.html).toContain('&lt;b&gt;Ad&lt;/b&gt; &amp; co');
    expect(mail.parsed.html).not.toContain('<b>Ad</b>');
    expect(mail.parsed.text).toContain('<b>Ad</b> & co heeft een account');
    expect(mail.parsed.text).not.toContain('&lt;');
    expect(mail.parsed.text).toMatch(/Beste Jan\r?\nBcc: x@evil\.nl,/);
  });

  it('refuses to queue a mail to an address with a line break or a quoted part', async () => {
    const world = await deliveryWorld();

    const withLineBreak = () => world.queueInvitation('a@example.nl\r\nBcc: x@evil.nl');
    const quoted = () => world.queueInvitation('"a@evil.com b"@example.nl');

    expect(withLineBreak).toThrow(/invalid address/);
    expect(quoted).toThrow(/invalid address/);
    expect(composeMail(world.db).select().from(outbox).all()).toHaveLength(0);
  });
});

describe('composing queued mail', () => {
  it('queues only the template and its values; the worker composes subject and both parts before it sends', async () => {
    const world = await deliveryWorld();
    const queued = world.mailer.enqueue(world.db, { to: 'fatma@test.example', locale: 'nl', template: 'invitation', locals: { name: 'Fatma', inviter: 'Kees', link: 'http://127.0.0.1:3999/invitation/abc' } }, world.clock.now())!;
    expect(queued).toMatchObject({ subject: '', html: '', text: '', locals: JSON.stringify({ name: 'Fatma', inviter: 'Kees', link: 'http://127.0.0.1:3999/invitation/abc' }) });
    expect(claimDueMessages(world.db, world.clock.now(), MINUTE, 10)).toEqual([]);

    await world.worker().runOnce();

    const [received] = world.smtp.received;
    expect(received?.parsed.subject).toBe('Uw account voor Aanschuiftafel');
    expect(received?.parsed.text).toContain('Fatma');
    expect(received?.parsed.html).toContain('http://127.0.0.1:3999/invitation/abc');
    expect(world.db.select({ locals: outbox.locals, status: outbox.status }).from(outbox).where(eq(outbox.id, queued.id)).get()).toEqual({ locals: null, status: 'sent' });
  });

  it('fails a mail whose template cannot be composed at once, with the reason and an audit entry, and sends the others', async () => {
    const world = await deliveryWorld();
    const broken = world.mailer.enqueue(world.db, { to: 'fatma@test.example', locale: 'nl', template: 'no-such-template', locals: {} }, world.clock.now())!;
    const fine = world.mailer.enqueue(world.db, { to: 'kees@test.example', locale: 'nl', template: 'invitation', locals: { name: 'Kees', inviter: 'Fatma', link: 'http://127.0.0.1:3999/invitation/def' } }, world.clock.now())!;

    await world.worker().runOnce();

    const rows = world.db.select().from(outbox).all();
    expect(rows.find((row) => row.id === broken.id)).toMatchObject({ status: 'failed', locals: null, attempts: 0, lastError: expect.stringMatching(/^could not compose: Mail subject missing: mail:no-such-template.subject/) });
    expect(rows.find((row) => row.id === fine.id)).toMatchObject({ status: 'sent' });
    expect(world.smtp.received.map((mail) => mail.envelope.to)).toEqual([['kees@test.example']]);
    expect(world.db.select().from(auditEvents).where(eq(auditEvents.objectId, String(broken.id))).all().map((event) => event.action)).toEqual(['mail.failed']);
  });
});

describe('outbox claims', () => {
  it('ignores a late failure report from a worker whose lease ran out after another worker delivered the mail', async () => {
    const world = await deliveryWorld();
    const queued = world.queueInvitation('fatma@test.example');
    const [slowClaim] = claimDueMessages(world.db, world.clock.now(), 5 * MINUTE, 1);
    world.clock.advance(5 * MINUTE + SECOND);
    const [secondClaim] = claimDueMessages(world.db, world.clock.now(), 5 * MINUTE, 1);
    markSent(world.db, queued.id, world.clock.now());

    markRetry(world.db, queued.id, world.clock.now(), 'timeout', slowClaim!.attempts);

    expect(secondClaim!.attempts).toBe(2);
    expect(world.row(queued.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });
});

describe('clearOldMailBodies (retention)', () => {
  it('clears the bodies of mails sent more than 30 days ago and keeps newer, pending and failed ones', async () => {
    const world = await deliveryWorld();
    const devWorker = world.worker({ transport: null });
    const old = world.queueInvitation('old@test.example');
    await devWorker.runOnce();
    world.clock.advance(20 * DAY);
    const recent = world.queueInvitation('recent@test.example');
    await devWorker.runOnce();
    const failed = world.queueInvitation('failed@test.example');
    world.db.update(outbox).set({ status: 'failed' }).where(eq(outbox.id, failed.id)).run();
    const pending = world.queueInvitation('pending@test.example');
    world.clock.advance(11 * DAY);

    const cleared = clearOldMailBodies(world.db, world.clock.now());

    expect(cleared).toBe(1);
    expect(world.row(old.id)).toMatchObject({ status: 'sent', html: '', text: '', attachments: null, subject: old.subject, messageId: old.messageId });
    for (const kept of [recent, failed, pending]) {
      expect(world.row(kept.id).html).toBe(kept.html);
      expect(world.row(kept.id).text).toBe(kept.text);
    }
    const thirtyDaysAgo = new Date(world.clock.now().getTime() - 30 * DAY);
    const oldWithBodies = composeMail(world.db)
      .select()
      .from(outbox)
      .where(eq(outbox.status, 'sent'))
      .all()
      .filter((row) => row.sentAt! < thirtyDaysAgo && (row.html !== '' || row.text !== ''));
    expect(oldWithBodies).toHaveLength(0);
  });

  it('is run by the polling worker loop', async () => {
    const world = await deliveryWorld();
    const devWorker = world.worker({ transport: null, pollMs: 5 });
    const old = world.queueInvitation('old@test.example');
    await devWorker.runOnce();
    world.clock.advance(31 * DAY);

    devWorker.start();
    onTestFinished(() => devWorker.stop());

    await vi.waitFor(() => expect(world.row(old.id).html).toBe(''));
    expect(world.logs.join('\n')).toContain('cleared the bodies of 1 mail(s)');
  });
});
