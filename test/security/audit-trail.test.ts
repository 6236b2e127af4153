import { eq, gt, max } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, type User } from '../../src/db/schema.ts';
import { createOutboxWorker } from '../../src/features/mail/outbox-worker.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildDinnerWithGuests } from '../support/matching-builders.ts';
import { formBody } from '../support/matrix.ts';
import { buildNote } from '../support/notes-builders.ts';
import { buildResident, personalLink } from '../support/rsvp-builders.ts';
import { credentialsForUser, type Credentials } from '../support/security.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { testRenderMail } from '../support/mail.ts';

// Test plan H5 (and G5): every export, every view of a guest list, every role change, every erasure
// and every refused authorisation leaves exactly one audit event with actor, UTC time and object id.

describe('audit trail', () => {
  let world: TestApp;
  let organiser: User;
  let staff: User;
  let admin: User;
  let as: Record<'organiser' | 'staff' | 'admin', Credentials>;
  let dinnerId: number;
  beforeAll(async () => {
    world = makeTestApp();
    organiser = await buildUser(world.db, { roles: ['organiser'] });
    staff = await buildUser(world.db, { roles: ['staff'] });
    admin = await buildUser(world.db, { roles: ['admin'] });
    const now = world.clock.now();
    as = {
      organiser: await credentialsForUser(world.app, world.db, organiser.id, now),
      staff: await credentialsForUser(world.app, world.db, staff.id, now),
      admin: await credentialsForUser(world.app, world.db, admin.id, now),
    };
    const { dinner } = buildDinnerWithGuests(world.db);
    dinnerId = dinner.id;
    buildNote(world.db, dinner, { body: 'Een moestuin op het dak' });
    expect((await post('/agenda/dinners/' + dinnerId + '/plan', as.organiser)).status).toBe(303);
  });

  function post(path: string, creds: Credentials, fields: Record<string, string | string[]> = {}) {
    return request(world.app).post(path).set('Cookie', creds.cookie).type('form').send(formBody({ _csrf: creds.csrf, ...fields }));
  }

  /** Runs the action and returns the audit events it wrote. */
  async function auditedBy(action: () => Promise<unknown>) {
    const before = world.db.select({ id: max(auditEvents.id) }).from(auditEvents).get()?.id ?? 0;
    await action();
    return world.db.select().from(auditEvents).where(gt(auditEvents.id, before)).all();
  }

  it('records one event per view of the guest list, door list, call list, check-in page and each printed sheet, with actor, time and dinner', async () => {
    const lists = ['guests', 'door-list', 'call-list', 'check-in', 'plan/print', 'plan/place-cards', 'plan/kitchen'];

    const events = await auditedBy(async () => {
      for (const list of lists) expect((await request(world.app).get(`/agenda/dinners/${dinnerId}/${list}`).set('Cookie', as.organiser.cookie)).status).toBe(200);
    });

    expect(events.map((event) => [event.action, event.actorUserId, event.objectType, event.objectId, JSON.parse(event.details!).list])).toEqual(
      ['guests', 'door-list', 'call-list', 'check-in', 'plan-print', 'plan-place-cards', 'plan-kitchen'].map((list) => ['attendees.viewed', organiser.id, 'dinner', String(dinnerId), list]),
    );
    expect(events.every((event) => event.at.getTime() === world.clock.now().getTime())).toBe(true);
  });

  it('records no view of a guest list for a dinner that does not exist (404)', async () => {
    const events = await auditedBy(async () => {
      expect((await request(world.app).get('/agenda/dinners/999999/guests').set('Cookie', as.organiser.cookie)).status).toBe(404);
    });

    expect(events).toEqual([]);
  });

  it('records one event for each notes export, in every format, and one for the export with personal data', async () => {
    const formats = ['csv', 'xlsx', 'json', 'print'];

    const events = await auditedBy(async () => {
      for (const format of formats) expect((await post('/notes/export', as.staff, { format })).status).toBe(200);
      expect((await post('/notes/export', as.admin, { format: 'csv', personal: 'yes' })).status).toBe(200);
    });

    expect(events.map((event) => [event.action, event.actorUserId, JSON.parse(event.details!).format])).toEqual([
      ...formats.map((format) => ['notes.export', staff.id, format]),
      ['notes.export_personal', admin.id, 'csv'],
    ]);
  });

  it('records one event for a resident data download by staff, naming the resident', async () => {
    const resident = buildResident(world.db);

    const events = await auditedBy(async () => {
      expect((await post(`/admin/residents/${resident.id}/export`, as.staff)).status).toBe(200);
    });

    expect(events.map((event) => [event.action, event.actorUserId, event.objectId])).toEqual([['residents.data_downloaded', staff.id, String(resident.id)]]);
  });

  it('records one event for the resident\'s own download of their data, and none for a second try of the used file', async () => {
    const resident = buildResident(world.db);
    const link = personalLink(world.db, resident.id, buildDinnerWithGuests(world.db).dinner, world.clock.now());
    const browser = browserAgent(world.app);
    await browser.get(`${link}/data`);

    const events = await auditedBy(async () => {
      expect((await browser.post(`${link}/data/download`)).status).toBe(303);
      expect((await browser.post(`${link}/data/download/file`)).status).toBe(200);
      expect((await browser.post(`${link}/data/download/file`)).status).toBe(410);
    });

    expect(events.map((event) => [event.action, event.actorUserId, event.objectId])).toEqual([
      ['residents.data_requested', null, String(resident.id)],
      ['residents.data_downloaded', null, String(resident.id)],
    ]);
  });

  it('records one event for a role change, naming the account', async () => {
    const colleague = await buildUser(world.db, { roles: ['staff'] });

    const events = await auditedBy(async () => {
      expect((await post(`/admin/users/${colleague.id}/roles`, as.admin, { roles: ['staff', 'organiser'] })).status).toBe(303);
    });

    expect(events.map((event) => [event.action, event.actorUserId, event.objectType, event.objectId])).toEqual([['accounts.roles_changed', admin.id, 'user', String(colleague.id)]]);
  });

  it('records one event for an erasure, by staff and by the resident', async () => {
    const byStaff = buildResident(world.db);
    const bySelf = buildResident(world.db);
    const link = personalLink(world.db, bySelf.id, buildDinnerWithGuests(world.db).dinner, world.clock.now());
    const anonymous = await credentialsForUser(world.app, world.db, null, world.clock.now());

    const events = await auditedBy(async () => {
      expect((await post(`/admin/residents/${byStaff.id}/delete`, as.staff)).status).toBe(303);
      expect((await post(`${link}/delete`, anonymous)).status).toBe(200);
    });

    expect(events.map((event) => [event.action, event.actorUserId, event.objectId])).toEqual([
      ['residents.deleted', staff.id, String(byStaff.id)],
      ['residents.deleted', null, String(bySelf.id)],
    ]);
  });

  it('records one event for each refused authorisation (403), naming the route, and none for a refused CSRF token', async () => {
    const events = await auditedBy(async () => {
      expect((await request(world.app).get('/admin/users').set('Cookie', as.staff.cookie)).status).toBe(403);
      expect((await post('/notes/export', as.staff, { format: 'csv', personal: 'yes' })).status).toBe(403);
      expect((await post('/notes/export', { ...as.staff, csrf: 'wrong' }, { format: 'csv' })).status).toBe(403);
    });

    expect(events.map((event) => [event.action, event.actorUserId, event.objectType, event.objectId])).toEqual([
      ['auth.forbidden', staff.id, 'route', 'GET /admin/users'],
      ['auth.forbidden', staff.id, 'route', 'POST /notes/export'],
    ]);
  });

  it('keeps audit events as written: UPDATE and DELETE on audit_events are aborted by the database', () => {
    const first = world.db.select().from(auditEvents).orderBy(auditEvents.id).get()!;
    const client = world.db.$client;

    expect(() => client.prepare('UPDATE audit_events SET actor_user_id = NULL WHERE id = ?').run(first.id)).toThrow(/append-only/);
    expect(() => client.prepare('DELETE FROM audit_events WHERE id = ?').run(first.id)).toThrow(/append-only/);
    expect(world.db.select().from(auditEvents).where(eq(auditEvents.id, first.id)).get()).toEqual(first);
  });

  it('refuses the very next organiser page and form (403) once an admin has removed the organiser role, and records both refusals', async () => {
    const planner = await buildUser(world.db, { roles: ['organiser', 'staff'] });
    const session = await credentialsForUser(world.app, world.db, planner.id, world.clock.now());
    expect((await request(world.app).get('/agenda').set('Cookie', session.cookie)).status).toBe(200);

    expect((await post(`/admin/users/${planner.id}/roles`, as.admin, { roles: 'staff' })).status).toBe(303);
    const events = await auditedBy(async () => {
      expect((await request(world.app).get('/agenda').set('Cookie', session.cookie)).status).toBe(403);
      expect((await post(`/agenda/dinners/${dinnerId}/plan`, session)).status).toBe(403);
    });

    expect(events.map((event) => [event.action, event.actorUserId, event.objectId])).toEqual([
      ['auth.forbidden', planner.id, 'GET /agenda'],
      ['auth.forbidden', planner.id, `POST /agenda/dinners/${dinnerId}/plan`],
    ]);
  });
});

describe('text log', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.close());

  it('keeps a mail failure on one line when the refusing server echoes a name with a line break', async () => {
    const { db, mailer, clock } = makeTestApp();
    const name = 'Jan\n[audit] admin exported everything';
    mailer.enqueue(db, { to: 'jan@test.example', locale: 'nl', template: 'invitation', locals: { name, inviter: 'Admin', link: 'http://127.0.0.1/x' } }, clock.now());
    smtp.failNext(1, { code: 550, stage: 'rcpt', message: `No mailbox for ${name}` });
    const transport = nodemailer.createTransport(smtp.transportOptions());
    const lines: string[] = [];
    const worker = createOutboxWorker({ db, renderMail: testRenderMail(), transport, from: 'noreply@test.example', now: clock.now, log: (message) => lines.push(...message.split('\n')) });

    await worker.runOnce();
    transport.close();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mail \d+ failed after 1 attempt\(s\): .*No mailbox for Jan \[audit\] admin exported everything/);
  });
});
