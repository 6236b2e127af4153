import { and, eq } from 'drizzle-orm';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { consents, residentSensitive } from '../../src/features/residents/residents.schema.ts';
import { rsvpLinks, rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { dinners } from '../../src/features/scheduling/scheduling.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, linkIn } from '../support/builders.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

const KEY = 'abcdefghijklmnop1234';

describe('GET /r/:token', () => {
  it('shows the dinner and the answer form in the resident\'s own language', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db, { title: 'Soep & verhalen' });
    const resident = buildResident(db, { name: 'Ayşe', locale: 'en' });
    const browser = browserAgent(app);

    const res = await browser.get(personalLink(db, resident.id, dinner));

    expect(res.status).toBe(200);
    expect(res.text).toContain('Soep &amp; verhalen');
    expect(res.text).toContain('Will you come?');
    expect(res.text).toContain('lang="en"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers 410 with a "send me a new link" form for an unknown or expired link, and changes nothing', async () => {
    const { app, db, clock } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);
    clock.set(new Date(dinner.endsAt.getTime() + 25 * 60 * 60_000));

    const expired = await browser.get(link);
    const unknown = await browser.get('/r/' + 'x'.repeat(43));

    expect(expired.status).toBe(410);
    expect(unknown.status).toBe(410);
    expect(expired.text).toContain('action="/r-new-link"');
    expect(expired.text).not.toContain(resident.name);
    expect(db.select().from(rsvps).all()).toHaveLength(0);
  });
});

describe('POST /r/:token', () => {
  it('confirms a household that fits, redirects 303 and queues a confirmation with a calendar file', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db, { capacity: 12 });
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);
    await browser.get(link);

    const res = await browser.post(link, { answer: 'yes', people: '3', _key: KEY });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(link);
    const row = db.select().from(rsvps).get()!;
    expect(row).toMatchObject({ status: 'confirmed', people: 3, residentId: resident.id });
    const mail = composeMail(db).select().from(outbox).where(eq(outbox.toAddress, resident.email!)).get()!;
    expect(mail.template).toBe('rsvp-confirmed');
    const attachments = JSON.parse(mail.attachments!) as { filename: string; content: string }[];
    expect(attachments[0]!.filename).toBe('aanschuiftafel.ics');
    expect(attachments[0]!.content).toContain(`UID:${dinner.uid}`);
    expect(linkIn(mail.text, '/r/')).toMatch(/^\/r\/[A-Za-z0-9_-]{43}$/);
    const page = await browser.get(link);
    expect(page.text).toContain('U komt met 3 personen');
  });

  it('puts a household that does not fit on the waiting list, in order of arrival', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db, { capacity: 4 });
    const [a, b, c] = [buildResident(db), buildResident(db), buildResident(db)];
    const browser = browserAgent(app);
    await browser.get(personalLink(db, a.id, dinner));

    await browser.post(personalLink(db, a.id, dinner), { answer: 'yes', people: '3' });
    await browser.post(personalLink(db, b.id, dinner), { answer: 'yes', people: '2' });
    await browser.post(personalLink(db, c.id, dinner), { answer: 'yes', people: '2' });

    const rows = db.select().from(rsvps).all();
    expect(rows.map((r) => [r.residentId, r.status, r.waitSeq])).toEqual([
      [a.id, 'confirmed', null],
      [b.id, 'waiting', 1],
      [c.id, 'waiting', 2],
    ]);
  });

  it('promotes the first waiting households that fit when a confirmed one cancels, and tells them', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db, { capacity: 4 });
    const [a, b, c, d] = [buildResident(db), buildResident(db), buildResident(db), buildResident(db)];
    const browser = browserAgent(app);
    const linkA = personalLink(db, a.id, dinner);
    await browser.get(linkA);
    await browser.post(linkA, { answer: 'yes', people: '4' });
    await browser.post(personalLink(db, b.id, dinner), { answer: 'yes', people: '5' });
    await browser.post(personalLink(db, c.id, dinner), { answer: 'yes', people: '2' });
    await browser.post(personalLink(db, d.id, dinner), { answer: 'yes', people: '2' });

    const res = await browser.post(`${linkA}/cancel`);

    expect(res.status).toBe(303);
    const status = (id: number) => db.select().from(rsvps).where(eq(rsvps.residentId, id)).get()!.status;
    expect([status(a.id), status(b.id), status(c.id), status(d.id)]).toEqual(['cancelled', 'waiting', 'confirmed', 'confirmed']);
    const promotedMails = composeMail(db).select().from(outbox).where(eq(outbox.template, 'rsvp-promoted')).all();
    expect(promotedMails.map((m) => m.toAddress).sort()).toEqual([c.email, d.email].sort());
  });

  it('records one answer and one mail when the same form is submitted twice', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);
    await browser.get(link);

    const first = await browser.post(link, { answer: 'yes', people: '2', _key: KEY });
    const second = await browser.post(link, { answer: 'yes', people: '2', _key: KEY });

    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.headers.location).toBe(first.headers.location);
    expect(db.select().from(rsvps).all()).toHaveLength(1);
    expect(composeMail(db).select().from(outbox).where(eq(outbox.template, 'rsvp-confirmed')).all()).toHaveLength(1);
  });

  it.each([
    ['0', 'people'],
    ['40', 'people'],
    ['2.5', 'people'],
  ])('re-renders with 422 naming the field and stores nothing for a household of %s', async (people, field) => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);
    await browser.get(link);

    const res = await browser.post(link, { answer: 'yes', people });

    expect(res.status).toBe(422);
    expect(res.text).toContain(`href="#field-${field}"`);
    expect(res.text).toContain(`value="${people}"`);
    expect(db.select().from(rsvps).all()).toHaveLength(0);
    expect(composeMail(db).select().from(outbox).all()).toHaveLength(0);
  });

  it('refuses an answer through a link that a cancellation committed together with it has revoked', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db, { capacity: 100 });
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);
    await browser.get(link);
    await browser.post(link, { answer: 'yes', people: '1' });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const page = await fetch(`http://127.0.0.1:${port}${link}`);
    const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;

    // Both requests are written in one turn, so the server reads them in one turn and the group
    // commit takes them into one transaction: the cancellation first, then the answer.
    const sockets = await Promise.all([0, 1].map(() => new Promise<net.Socket>((resolve) => { const socket = net.connect(port, '127.0.0.1', () => resolve(socket)); })));
    const replies = sockets.map((socket) => new Promise<string>((resolve) => { let text = ''; socket.on('data', (chunk) => { text += chunk; if (text.includes('\r\n\r\n')) resolve(text); }); }));
    const raw = (path: string, form: Record<string, string>) => {
      const body = new URLSearchParams({ _csrf: csrf, ...form }).toString();
      return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    };
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server has accepted both connections
    sockets[0]!.write(raw(`${link}/cancel`, {}));
    sockets[1]!.write(raw(link, { answer: 'yes', people: '2' }));
    const [cancel, answer] = await Promise.all(replies);
    sockets.forEach((socket) => socket.destroy());
    server.close();

    expect(cancel).toMatch(/^HTTP\/1\.1 303/);
    expect(answer).toMatch(/^HTTP\/1\.1 410/);
    expect(db.select().from(rsvps).where(eq(rsvps.residentId, resident.id)).get()!.status).toBe('cancelled');
  });

  it('refuses answers after the deadline and for a cancelled dinner with a clear message', async () => {
    const { app, db, clock } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);
    await browser.get(link);
    clock.set(new Date(dinner.rsvpDeadline.getTime() + 1000));

    const late = await browser.post(link, { answer: 'yes', people: '1' });
    clock.set(new Date(dinner.rsvpDeadline.getTime()));
    db.update(dinners).set({ status: 'cancelled' }).where(eq(dinners.id, dinner.id)).run();
    const cancelled = await browser.post(link, { answer: 'yes', people: '1' });

    expect(late.status).toBe(409);
    expect(late.text).toContain('niet meer antwoorden');
    expect(cancelled.status).toBe(409);
    expect(cancelled.text).toContain('gaat niet door');
    expect(db.select().from(rsvps).all()).toHaveLength(0);
  });

  it('accepts an answer at exactly the deadline', async () => {
    const { app, db, clock } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);
    await browser.get(link);
    clock.set(dinner.rsvpDeadline);

    const res = await browser.post(link, { answer: 'yes', people: '1' });

    expect(res.status).toBe(303);
    expect(db.select().from(rsvps).get()!.status).toBe('confirmed');
  });

  it('stores sensitive data only with its consent, and records wording, version and channel', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);
    await browser.get(link);

    await browser.post(link, { answer: 'yes', people: '1', consentDiet: 'on', diets: ['halal', 'nut_allergy'], background: 'moroccan', backgroundText: 'Rif' });

    const stored = db.select().from(residentSensitive).where(eq(residentSensitive.residentId, resident.id)).get()!;
    expect(JSON.parse(stored.diets!)).toEqual(['halal', 'nut_allergy']);
    expect(stored.background).toBeNull();
    expect(stored.backgroundText).toBeNull();
    const given = db.select().from(consents).where(eq(consents.residentId, resident.id)).all();
    expect(given).toHaveLength(1);
    expect(given[0]).toMatchObject({ purpose: 'diet', channel: 'online', textVersion: expect.any(String) });
    expect(given[0]!.wording).toContain('eten');
  });

  it('answers 403 without a CSRF token and stores nothing', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const link = personalLink(db, resident.id, dinner);
    const browser = browserAgent(app);

    const res = await browser.agent.post(link).type('form').send({ answer: 'yes', people: '1' });

    expect(res.status).toBe(403);
    expect(db.select().from(rsvps).all()).toHaveLength(0);
  });
});

describe('POST /r-new-link', () => {
  it('mails fresh links to a known address and gives the same neutral page for an unknown one, at most 3 times an hour', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db);
    const browser = browserAgent(app);
    const link = personalLink(db, resident.id, dinner);
    await browser.get(link);
    await browser.post(link, { answer: 'no' });
    await browser.get('/r/' + 'x'.repeat(43));

    const known = await browser.post('/r-new-link', { email: resident.email! });
    const unknown = await browser.post('/r-new-link', { email: 'nobody@test.example' });
    for (let i = 0; i < 5; i += 1) await browser.post('/r-new-link', { email: resident.email! });

    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(unknown.text.replace(/name="_csrf" value="[^"]+"/, '')).toBe(known.text.replace(/name="_csrf" value="[^"]+"/, ''));
    const mails = composeMail(db).select().from(outbox).where(and(eq(outbox.template, 'rsvp-links'), eq(outbox.toAddress, resident.email!))).all();
    expect(mails).toHaveLength(3);
    const fresh = linkIn(mails[0]!.text, '/r/');
    expect((await browser.get(fresh)).status).toBe(200);
    expect(db.select().from(rsvpLinks).all().length).toBeGreaterThan(1);
  });
});

describe('resident pages in other languages', () => {
  it('shows an Arabic resident their page right to left, with all six languages offered', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db, { locale: 'ar' });

    const res = await browserAgent(app).get(personalLink(db, resident.id, dinner));

    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="ar" dir="rtl">');
    expect(res.text).toContain('هل ستأتي؟');
    for (const code of ['nl', 'en', 'tr', 'ar', 'pl', 'uk']) expect(res.text).toContain(`href="/language/${code}?`);
  });

  it('uses the language the resident switched to over their preferred one', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db, { locale: 'ar' });
    const browser = browserAgent(app);
    const link = personalLink(db, resident.id, dinner);
    await browser.get(`/language/uk?next=${encodeURIComponent(link)}`);

    const res = await browser.get(link);

    expect(res.text).toContain('<html lang="uk" dir="ltr">');
    expect(res.text).toContain('Ви прийдете?');
  });

  it('mails a Turkish resident in Turkish', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildResident(db, { locale: 'tr' });
    const browser = browserAgent(app);
    const link = personalLink(db, resident.id, dinner);
    await browser.get(link);

    await browser.post(link, { answer: 'yes', people: '2' });

    const mail = composeMail(db).select().from(outbox).get()!;
    expect(mail.subject).toBe(`Yeriniz var: ${dinner.title}`);
    expect(mail.text).toContain('2 kişilik yeriniz var');
  });
});

describe('changing the number of people', () => {
  it('frees seats for the waiting list when a household gets smaller, and refuses growing past the free seats', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db, { capacity: 5 });
    const [big, waiting] = [buildResident(db), buildResident(db)];
    const browser = browserAgent(app);
    const bigLink = personalLink(db, big.id, dinner);
    await browser.get(bigLink);
    await browser.post(bigLink, { answer: 'yes', people: '4' });
    await browser.post(personalLink(db, waiting.id, dinner), { answer: 'yes', people: '2' });

    const smaller = await browser.post(bigLink, { answer: 'yes', people: '3' });
    const tooBig = await browser.post(bigLink, { answer: 'yes', people: '4' });

    expect(smaller.status).toBe(303);
    expect(tooBig.status).toBe(409);
    expect(tooBig.text).toContain('Nog vrij: 0');
    const rows = db.select().from(rsvps).all();
    expect(rows.map((r) => [r.residentId, r.status, r.people])).toEqual([
      [big.id, 'confirmed', 3],
      [waiting.id, 'confirmed', 2],
    ]);
  });
});
