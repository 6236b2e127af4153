import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents, outbox } from '../../src/db/schema.ts';
import { hearBackConsents, ideaStatusChanges, noteThemeLinks, noteThemes, notes } from '../../src/features/notes/notes.schema.ts';
import { listNotesDataForResident } from '../../src/features/notes/notes.service.ts';
import { venueTables } from '../../src/features/scheduling/scheduling.schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildAttendee, buildNote, noteLinkPath } from '../support/notes-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

async function signedIn(roles: ('organiser' | 'staff' | 'admin')[]) {
  const world = makeTestApp();
  const user = await buildUser(world.db, { roles });
  const browser = browserAgent(world.app);
  await browser.signIn(user);
  return { ...world, user, browser };
}

describe('POST /notes/dinners/:dinnerId', () => {
  it('saves one anonymous note with its themes and table, then shows the form again with 303', async () => {
    const { db, browser, user } = await signedIn(['organiser']);
    const dinner = buildDinner(db);
    const table = db.insert(venueTables).values({ venueId: dinner.venueId, label: 'Tafel 3', seats: 8 }).returning().get();
    await browser.get(`/notes/dinners/${dinner.id}`);

    const res = await browser.post(`/notes/dinners/${dinner.id}`, {
      kind: 'idea',
      body: 'Een moestuin op het binnenplein',
      themes: ['green', 'living_together'],
      tableId: String(table.id),
      locationKind: 'complex',
      locationName: 'De Linde',
    });

    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/notes/dinners/${dinner.id}\\?kind=idea&tableId=${table.id}&saved=\\d+#note-form$`));
    const saved = db.select().from(notes).all();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ kind: 'idea', status: 'new', residentId: null, recordedByUserId: user.id, venueTableId: table.id, neighbourhood: 'Oost', locationName: 'De Linde' });
    expect(db.select().from(noteThemeLinks).all()).toHaveLength(2);
    expect(db.select().from(ideaStatusChanges).all()).toHaveLength(1);
  });

  it('answers JSON 201 to the background submit of the phone form, so the form stays filled in', async () => {
    const { db, browser } = await signedIn(['organiser']);
    const dinner = buildDinner(db);
    const page = await browser.get(`/notes/dinners/${dinner.id}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;

    const res = await browser.agent.post(`/notes/dinners/${dinner.id}`).set('Accept', 'application/json').type('form').send({ _csrf: csrf, kind: 'story', body: 'Vroeger was hier een markt' });

    expect(res.status).toBe(201);
    expect(res.body.id).toBeGreaterThan(0);
    expect(db.select().from(notes).all()).toHaveLength(1);
  });

  it('answers 422 naming the field and stores nothing for an empty note', async () => {
    const { db, browser } = await signedIn(['organiser']);
    const dinner = buildDinner(db);
    await browser.get(`/notes/dinners/${dinner.id}`);

    const res = await browser.post(`/notes/dinners/${dinner.id}`, { kind: 'idea', body: '   ' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-body"');
    expect(res.text).toContain('Wat werd er gezegd?: Vul dit veld in.');
    expect(db.select().from(notes).all()).toHaveLength(0);
  });

  it('answers 422 and stores nothing half for a theme that does not exist', async () => {
    const { db, browser } = await signedIn(['organiser']);
    const dinner = buildDinner(db);
    await browser.get(`/notes/dinners/${dinner.id}`);

    const res = await browser.post(`/notes/dinners/${dinner.id}`, { kind: 'idea', body: 'Meer licht', themes: ['green', 'aliens'] });

    expect(res.status).toBe(422);
    expect(res.text).toContain('Kies alleen thema');
    expect(db.select().from(notes).all()).toHaveLength(0);
    expect(db.select().from(noteThemeLinks).all()).toHaveLength(0);
  });

  it('answers 422 for a quote without the recorded consent to quote it', async () => {
    const { db, browser } = await signedIn(['organiser']);
    const dinner = buildDinner(db);
    await browser.get(`/notes/dinners/${dinner.id}`);

    const res = await browser.post(`/notes/dinners/${dinner.id}`, { kind: 'story', body: 'Over de buren', quote: 'Wij kennen elkaar nu' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-quoteConsent"');
    expect(db.select().from(notes).all()).toHaveLength(0);
  });

  it('answers 409 and stores nothing for a cancelled dinner', async () => {
    const { db, browser } = await signedIn(['organiser']);
    const dinner = buildDinner(db, { status: 'cancelled', cancelReason: 'Storm' });
    await browser.get(`/notes/dinners/${dinner.id}`);

    const res = await browser.post(`/notes/dinners/${dinner.id}`, { kind: 'story', body: 'Toch iets' });

    expect(res.status).toBe(409);
    expect(res.text).toContain('niet doorgegaan');
    expect(db.select().from(notes).all()).toHaveLength(0);
  });

  it('sends an anonymous visitor to the sign-in page', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);

    const res = await request(app).get(`/notes/dinners/${dinner.id}`);

    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/login?next=%2Fnotes%2Fdinners%2F${dinner.id}`);
  });

  it('answers 404 for an unknown dinner and for an id like 12abc', async () => {
    const { browser } = await signedIn(['organiser']);

    expect((await browser.get('/notes/dinners/999')).status).toBe(404);
    expect((await browser.get('/notes/dinners/12abc')).status).toBe(404);
  });
});

describe('GET /notes (staff list)', () => {
  it('filters by kind and finds notes by full-text search, ignoring accents and FTS syntax', async () => {
    const { db, browser } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    buildNote(db, dinner, { body: 'Een café op de hoek zou fijn zijn' });
    buildNote(db, dinner, { body: 'Meer bankjes in het park' });
    buildNote(db, dinner, { kind: 'story', status: null, body: 'Het cafe van vroeger' });

    const res = await browser.get('/notes?q=cafe&kind=idea');
    const tricky = await browser.get(`/notes?q=${encodeURIComponent('" OR 1=1 -- NEAR(')}`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('Een café op de hoek');
    expect(res.text).not.toContain('Meer bankjes');
    expect(res.text).not.toContain('Het cafe van vroeger');
    expect(tricky.status).toBe(200);
  });

  it('answers 422 naming the field for a filter with a bad date', async () => {
    const { browser } = await signedIn(['staff']);

    const res = await browser.get('/notes?from=2026-02-31');

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-from"');
  });

  it('answers 400 for an unknown sort key', async () => {
    const { browser } = await signedIn(['staff']);

    expect((await browser.get('/notes?sort=id;drop table notes')).status).toBe(400);
  });

  it('refuses organisers with 403', async () => {
    const { browser } = await signedIn(['organiser']);

    expect((await browser.get('/notes')).status).toBe(403);
  });
});

describe('POST /notes/:id/follow-up', () => {
  it('changes the status, keeps history and audit, and mails only attendees who asked to hear back, in their language', async () => {
    const { db, browser, user } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    const note = buildNote(db, dinner);
    const listener = buildAttendee(db, dinner, { hearBack: true, locale: 'tr' });
    buildAttendee(db, dinner, { hearBack: false });
    await browser.get(`/notes/${note.id}`);

    const res = await browser.post(`/notes/${note.id}/follow-up`, { status: 'planned', ownerId: String(user.id), publicAnswer: 'In het voorjaar komt er een bankje.', isPublic: 'on' });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/notes/${note.id}`);
    const updated = db.select().from(notes).where(eq(notes.id, note.id)).get()!;
    expect(updated).toMatchObject({ status: 'planned', ownerUserId: user.id, isPublic: true, publicAnswer: 'In het voorjaar komt er een bankje.' });
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'notes.idea_status_changed')).all()).toHaveLength(1);
    const mails = composeMail(db).select().from(outbox).all();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.toAddress).toBe(listener.email);
    expect(mails[0]!.locale).toBe('tr');
    expect(mails[0]!.text).toContain('Planlandı');
    expect(mails[0]!.text).toContain('In het voorjaar komt er een bankje.');
  });

  it('answers 422 and changes nothing when "not possible" comes without a reason', async () => {
    const { db, browser } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    const note = buildNote(db, dinner);
    buildAttendee(db, dinner, { hearBack: true });
    await browser.get(`/notes/${note.id}`);

    const res = await browser.post(`/notes/${note.id}/follow-up`, { status: 'not_possible', statusReason: '' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-statusReason"');
    expect(db.select().from(notes).where(eq(notes.id, note.id)).get()!.status).toBe('new');
    expect(composeMail(db).select().from(outbox).all()).toHaveLength(0);
  });

  it('answers 404 for an unknown note', async () => {
    const { browser } = await signedIn(['staff']);
    await browser.get('/notes');

    expect((await browser.post('/notes/999/follow-up', { status: 'done' })).status).toBe(404);
  });
});

describe('POST /notes/bulk-status', () => {
  it('sets one status on the selected ideas and skips notes that are not ideas', async () => {
    const { db, browser } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    const first = buildNote(db, dinner);
    const second = buildNote(db, dinner);
    const story = buildNote(db, dinner, { kind: 'story', status: null });
    await browser.get('/notes');

    const res = await browser.post('/notes/bulk-status', { ids: [String(first.id), String(second.id), String(story.id)], status: 'under_review' });

    expect(res.status).toBe(303);
    const rows = db.select({ id: notes.id, status: notes.status }).from(notes).orderBy(notes.id).all();
    expect(rows).toEqual([
      { id: first.id, status: 'under_review' },
      { id: second.id, status: 'under_review' },
      { id: story.id, status: null },
    ]);
  });

  it('answers 422 and changes nothing for "not possible" without a reason', async () => {
    const { db, browser } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    const idea = buildNote(db, dinner);
    await browser.get('/notes');

    const res = await browser.post('/notes/bulk-status', { ids: [String(idea.id)], status: 'not_possible' });

    expect(res.status).toBe(422);
    expect(db.select().from(notes).get()!.status).toBe('new');
  });
});

describe('themes (admins)', () => {
  it('adds a theme that organisers can then choose', async () => {
    const { db, browser } = await signedIn(['admin']);
    await browser.get('/admin/themes');

    const res = await browser.post('/admin/themes', { code: 'energy', label: 'Energie', labelEn: 'Energy', position: '90' });

    expect(res.status).toBe(303);
    expect(db.select().from(noteThemes).where(eq(noteThemes.code, 'energy')).get()).toMatchObject({ label: 'Energie', archivedAt: null });
  });

  it('answers 422 for a code with capitals or a taken code', async () => {
    const { db, browser } = await signedIn(['admin']);
    await browser.get('/admin/themes');

    const bad = await browser.post('/admin/themes', { code: 'Green Space!', label: 'x' });
    const taken = await browser.post('/admin/themes', { code: 'green', label: 'Groen 2' });

    expect(bad.status).toBe(422);
    expect(bad.text).toContain('href="#field-code"');
    expect(taken.status).toBe(422);
    expect(db.select().from(noteThemes).all()).toHaveLength(8);
  });

  it('refuses staff with 403', async () => {
    const { browser } = await signedIn(['staff']);

    expect((await browser.get('/admin/themes')).status).toBe(403);
  });

  it('makes an archived theme unchoosable for new notes', async () => {
    const { db, browser } = await signedIn(['admin', 'organiser']);
    const dinner = buildDinner(db);
    const play = db.select().from(noteThemes).where(eq(noteThemes.code, 'play')).get()!;
    await browser.get('/admin/themes');
    await browser.post(`/admin/themes/${play.id}`, { label: play.label, labelEn: play.labelEn, position: String(play.position), archived: 'on' });

    const res = await browser.post(`/notes/dinners/${dinner.id}`, { kind: 'wish', body: 'Een schommel', themes: 'play' });

    expect(res.status).toBe(422);
    expect(db.select().from(notes).all()).toHaveLength(0);
  });
});

describe('public ideas and the personal link', () => {
  it('shows public ideas of a neighbourhood with status and answer but without names or private ideas', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const named = buildAttendee(db, dinner, { name: 'Fatima Yilmaz' });
    buildNote(db, dinner, { body: 'Een pingpongtafel', isPublic: true, status: 'planned', publicAnswer: 'Komt in mei', residentId: named.id, nameConsent: true });
    buildNote(db, dinner, { body: 'Geheim idee', isPublic: false });

    const res = await request(app).get('/ideas/n/Oost').set('Cookie', 'lang=pl');

    expect(res.status).toBe(200);
    expect(res.text).toContain('Een pingpongtafel');
    expect(res.text).toContain('Zaplanowany');
    expect(res.text).toContain('Komt in mei');
    expect(res.text).not.toContain('Geheim idee');
    expect(res.text).not.toContain('Fatima');
  });

  it('lets a resident add an idea through their link, anonymous unless they tick the box, and asks to hear back', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildAttendee(db, dinner, { locale: 'ar' });
    const link = noteLinkPath(db, dinner.id, resident.id);
    const browser = browserAgent(app);
    const page = await browser.get(link);

    const res = await browser.post(link, { kind: 'idea', body: 'Een buurtbibliotheek', hearBack: 'on' });

    expect(page.status).toBe(200);
    expect(page.text).toContain('dir="rtl"');
    expect(res.status).toBe(303);
    expect(db.select().from(notes).get()).toMatchObject({ source: 'resident', residentId: null, status: 'new', body: 'Een buurtbibliotheek' });
    expect(db.select().from(hearBackConsents).get()).toMatchObject({ residentId: resident.id, withdrawnAt: null });
  });

  it('answers 410 for an unknown or expired personal link', async () => {
    const { app, db, clock } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildAttendee(db, dinner);
    const link = noteLinkPath(db, dinner.id, resident.id, clock.now());

    clock.advance(31 * 24 * 60 * 60_000);

    expect((await request(app).get(link)).status).toBe(410);
    expect((await request(app).get('/ideas/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(410);
  });
});

describe('escaping (test plan D1)', () => {
  const PAYLOAD = '<img src=x onerror=alert(1) data-xss-canary>"\'><script>alert(2)</script>';

  it('shows a hostile note text escaped on the staff list, detail, capture, print and public pages, and in mails', async () => {
    const { db, browser, user } = await signedIn(['staff', 'organiser']);
    const dinner = buildDinner(db);
    const note = buildNote(db, dinner, { body: PAYLOAD, locationKind: 'complex', locationName: PAYLOAD, isPublic: true, publicAnswer: PAYLOAD });
    buildAttendee(db, dinner, { hearBack: true });
    await browser.get(`/notes/${note.id}`);
    await browser.post(`/notes/${note.id}/follow-up`, { status: 'done', ownerId: String(user.id), publicAnswer: `${PAYLOAD}!`, isPublic: 'on' });

    const pages = [
      await browser.get('/notes'),
      await browser.get(`/notes/${note.id}`),
      await browser.get(`/notes/dinners/${dinner.id}`),
      await browser.get('/ideas/n/Oost'),
      await browser.post('/notes/export', { format: 'print' }),
    ];
    const mail = composeMail(db).select().from(outbox).get()!;

    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<img src=x');
      expect(page.text).not.toContain('<script>alert(2)');
    }
    expect(pages[0]!.text).toContain('&lt;img src=x');
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.text).toContain('<img src=x onerror=alert(1) data-xss-canary>');
  });
});

describe('POST /ideas/t/:token/updates', () => {
  it('stops the update mails for a resident who withdraws', async () => {
    const { app, db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildAttendee(db, dinner, { hearBack: true });
    const link = noteLinkPath(db, dinner.id, resident.id);
    const browser = browserAgent(app);
    await browser.get(link);

    const res = await browser.post(`${link}/updates`, { wanted: 'no' });

    expect(res.status).toBe(303);
    expect(db.select().from(hearBackConsents).get()!.withdrawnAt).not.toBeNull();
  });
});

describe('personal link guessing', () => {
  it('answers 429 with Retry-After once one address tried too many unknown links', async () => {
    const { app } = makeTestApp({ config: { rateLimits: { windowMs: 60_000, perIp: 3, perAccount: 3 } } });
    const guess = (n: number) => `/ideas/t/${String(n).padStart(43, 'A')}`;
    for (let n = 0; n < 3; n++) expect((await request(app).get(guess(n))).status).toBe(410);

    const res = await request(app).get(guess(99));

    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('listNotesDataForResident', () => {
  it('lists only the notes a resident chose to be named on, and their hear-back choices', async () => {
    const { db } = makeTestApp();
    const dinner = buildDinner(db);
    const resident = buildAttendee(db, dinner, { hearBack: true });
    buildNote(db, dinner, { body: 'Met naam', residentId: resident.id, nameConsent: true });
    buildNote(db, dinner, { body: 'Anoniem' });

    const data = listNotesDataForResident(db, resident.id);

    expect(data.namedNotes.map((note) => note.body)).toEqual(['Met naam']);
    expect(data.hearBack).toEqual([expect.objectContaining({ dinnerId: dinner.id, withdrawnAt: null })]);
  });
});
