import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { issueUserToken } from '../../src/features/auth/auth.service.ts';
import type { Resident } from '../../src/features/residents/residents.schema.ts';
import type { Dinner } from '../../src/features/scheduling/scheduling.schema.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { browserAgent, buildUser, lastMail, linkIn } from '../support/builders.ts';
import { buildDinner, buildJoinToken, buildResident, personalLink } from '../support/rsvp-builders.ts';

// Test plan E3: an expired, used, revoked or wrong-purpose link gets the very same 410 page as a
// link that never existed: nothing about the resident or the dinner, a "send me a new link" form.
// A dead link used to act (POST) leaves an audit entry; opening one (GET) writes nothing.
// The page's own address (in the language links) and the CSRF token differ per request; the rest may not.
const generalised = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '').replace(/\?next=[^"]*"/g, '"');

describe('dead personal links', () => {
  let world: TestApp;
  let resident: Resident;
  let dinner: Dinner;
  let generic: string;
  beforeAll(async () => {
    world = makeTestApp();
    dinner = buildDinner(world.db, { title: 'Couscous bij Fatima' });
    resident = buildResident(world.db, { name: 'Zeynep Kaya' });
    generic = generalised((await request(world.app).get(`/r/${crypto.randomBytes(32).toString('base64url')}`)).text);
  });
  const refusals = () => world.db.select().from(auditEvents).where(eq(auditEvents.action, 'rsvp.link_refused')).all();

  /** GET and POST on the dead link: both the generic page; only the POST is audited, without the token. */
  async function expectDead(path: string, form: Record<string, string> = {}) {
    const before = refusals().length;
    const visitor = browserAgent(world.app);
    const get = await visitor.get(path);
    const afterGet = refusals().length;
    const post = await visitor.post(path, form);

    expect([get.status, post.status]).toEqual([410, 410]);
    expect(generalised(get.text)).toBe(generic);
    expect(generalised(post.text)).toBe(generic);
    expect(get.text).toContain('action="/r-new-link"');
    for (const personal of [resident.name, resident.email!, dinner.title]) expect(get.text).not.toContain(personal);
    expect(afterGet).toBe(before);
    const audited = refusals().slice(before);
    expect(audited).toHaveLength(1);
    expect(audited[0]!.details).not.toContain(path.split('/')[2]!);
  }

  it('refuses a personal link one second after it expired (a day after the dinner), and not a second before', async () => {
    const link = personalLink(world.db, resident.id, dinner);
    const expiresAt = dinner.endsAt.getTime() + 24 * 60 * 60_000;
    const start = world.clock.now();
    try {
      world.clock.set(new Date(expiresAt - 1000));
      expect((await request(world.app).get(link)).status).toBe(200);
      world.clock.set(new Date(expiresAt + 1000));
      await expectDead(link, { answer: 'yes', people: '1' });
    } finally {
      world.clock.set(start);
    }
  });

  it('refuses a personal link revoked by a cancellation, on the answer page and the home-dinner page alike', async () => {
    const link = personalLink(world.db, resident.id, dinner);
    const browser = browserAgent(world.app);
    await browser.get(link);
    await browser.post(link, { answer: 'yes', people: '1' });
    await browser.post(`${link}/cancel`);

    await expectDead(link, { answer: 'yes', people: '1' });
    await expectDead(`${link}/home`, { role: 'guest', people: '1', postcode: '3512 AB' });
  });

  it('refuses a join confirmation link that was already used', async () => {
    const browser = browserAgent(world.app);
    await browser.get(`/dinners/${dinner.id}/join`);
    await browser.post(`/dinners/${dinner.id}/join`, { name: 'Nieuwe Buur', email: 'used-link@test.example', people: '1' });
    const link = linkIn(lastMail(world.db)!.text, '/join/');
    await browser.get(link);
    expect((await browser.post(link)).status).toBe(303);

    await expectDead(link);
  });

  it('refuses a join token as a personal link, and a personal link as a join link', async () => {
    const personalToken = personalLink(world.db, resident.id, dinner).slice('/r/'.length);

    await expectDead(`/r/${buildJoinToken(world.db, dinner)}`, { answer: 'yes', people: '1' });
    await expectDead(`/join/${personalToken}`);
  });

  it('refuses a password-reset token as a personal link', async () => {
    const token = issueUserToken(world.db, (await buildUser(world.db)).id, 'password_reset', world.clock.now());

    await expectDead(`/r/${token}`, { answer: 'yes', people: '1' });
  });
});
