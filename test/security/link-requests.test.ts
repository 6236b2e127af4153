import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import type { Dinner } from '../../src/features/scheduling/scheduling.schema.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { browserAgent } from '../support/builders.ts';
import { buildDinner, buildResident } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

// Test plan E6 and E7: "send me my link" (POST /r-new-link) never tells whether an address is
// known, and cannot be used to flood a mailbox. The response time half of E6 is measured by
// bench/link-request.bench.ts; here: the page is the same, and a known address only queues a mail.
const page = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');

describe('"send me my link"', () => {
  let world: TestApp;
  let dinner: Dinner;
  let visitor: ReturnType<typeof browserAgent>;
  beforeAll(async () => {
    world = makeTestApp();
    dinner = buildDinner(world.db, { capacity: 200 });
    visitor = browserAgent(world.app);
    await visitor.get('/login');
  });
  /** A resident invited to the coming dinner: one whose request mails a link. */
  const invitedResident = () => {
    const resident = buildResident(world.db);
    const at = world.clock.now();
    world.db.insert(rsvps).values({ dinnerId: dinner.id, residentId: resident.id, status: 'invited', source: 'invitation', invitedAt: at, createdAt: at, updatedAt: at }).run();
    return resident;
  };
  const linkMails = () => composeMail(world.db).select().from(outbox).where(eq(outbox.template, 'rsvp-links')).all();

  it('gives 50 known and 50 unknown addresses the same status and page, and only queues the mails of the known ones', async () => {
    const known = Array.from({ length: 50 }, () => invitedResident().email!);
    const unknown = Array.from({ length: 50 }, (_, i) => `nobody-${i}@test.example`);
    const answers: { known: boolean; status: number; body: string }[] = [];

    for (let i = 0; i < 50; i += 1) {
      for (const [isKnown, email] of [[true, known[i]!], [false, unknown[i]!]] as const) {
        const res = await visitor.post('/r-new-link', { email });
        answers.push({ known: isKnown, status: res.status, body: page(res.text) });
      }
    }

    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const mails = linkMails();
    expect(mails.map((m) => m.toAddress).sort()).toEqual([...known].sort());
    expect(new Set(mails.map((m) => m.status))).toEqual(new Set(['pending']));
  });

  it('queues at most 3 mails for 100 requests for one address within an hour, and answers all 100 like an unknown address', async () => {
    const { email } = invitedResident();
    const neutral = page((await visitor.post('/r-new-link', { email: 'nobody-else@test.example' })).text);
    const answers: { status: number; body: string }[] = [];

    for (let i = 0; i < 100; i += 1) {
      const res = await visitor.post('/r-new-link', { email: email! });
      answers.push({ status: res.status, body: page(res.text) });
      world.clock.advance(30_000);
    }

    expect(answers.filter((a) => a.status !== 200 || a.body !== neutral)).toEqual([]);
    expect(composeMail(world.db).select().from(outbox).where(and(eq(outbox.template, 'rsvp-links'), eq(outbox.toAddress, email!))).all()).toHaveLength(3);
  });
});
