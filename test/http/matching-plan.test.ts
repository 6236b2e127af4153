import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { seatingPlans, tableSeats } from '../../src/features/matching/seating.schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { listSeatingsUpTo } from '../../src/features/notes/notes-report.service.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildConfirmedGuest, buildDinnerWithGuests, buildVenueTables } from '../support/matching-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

async function signedIn(roles: ('organiser' | 'staff' | 'admin')[] = ['organiser'], locale = 'en') {
  const world = makeTestApp();
  const user = await buildUser(world.db, { roles, locale });
  const browser = browserAgent(world.app);
  await browser.signIn(user);
  return { ...world, user, browser };
}

function storedPlan(db: ReturnType<typeof makeTestApp>['db'], dinnerId: number) {
  const row = db.select().from(seatingPlans).where(eq(seatingPlans.dinnerId, dinnerId)).get();
  return row ? { ...row, parsed: JSON.parse(row.plan) as { tables: { id: string; language: string; parties: string[] }[]; unseated: { party: string; code: string }[]; pinned: string[] } } : undefined;
}

describe('GET /matching', () => {
  it('lists dinners with their plan state and links to the plan, in the organiser navigation', async () => {
    const { db, browser } = await signedIn();
    const { dinner } = buildDinnerWithGuests(db);
    await browser.post(`/agenda/dinners/${dinner.id}/plan`);

    const res = await browser.get('/matching');

    expect(res.status).toBe(200);
    expect(res.text).toContain(`href="/agenda/dinners/${dinner.id}/plan"`);
    expect(res.text).toContain('Draft');
    expect(res.text).toContain('href="/matching"');
  });
});

describe('GET /agenda/dinners/:id/plan', () => {
  it('offers to make a plan when there is none, counting confirmed households and tables', async () => {
    const { db, browser } = await signedIn();
    const { dinner } = buildDinnerWithGuests(db);

    const res = await browser.get(`/agenda/dinners/${dinner.id}/plan`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('Make a table plan');
    expect(res.text).toContain('8 confirmed households, 2 tables');
  });

  it('sends anonymous visitors to sign in, refuses staff without the organiser role, and answers 404 for unknown dinners', async () => {
    const { app, db, browser: organiser } = await signedIn();
    const { dinner } = buildDinnerWithGuests(db);
    const staff = browserAgent(app);
    await staff.signIn(await buildUser(db, { roles: ['staff'] }));

    const anonymous = await request(app).get(`/agenda/dinners/${dinner.id}/plan`);
    const forbidden = await staff.get(`/agenda/dinners/${dinner.id}/plan`);
    const unknown = await organiser.get('/agenda/dinners/999999/plan');
    const postedAnonymously = await request(app).post(`/agenda/dinners/${dinner.id}/plan`).type('form').send({});

    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    expect(forbidden.status).toBe(403);
    expect(unknown.status).toBe(404);
    expect(postedAnonymously.status).toBe(403); // no CSRF token: refused before the role check
    expect(storedPlan(db, dinner.id)).toBeUndefined();
  });
});

describe('POST /agenda/dinners/:id/plan', () => {
  it('seats every confirmed household, shows the mix in counts only and never a background by name', async () => {
    const { db, browser } = await signedIn();
    const { dinner } = buildDinnerWithGuests(db);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/plan`);
    const page = await browser.get(`/agenda/dinners/${dinner.id}/plan`);

    expect(res.status).toBe(303);
    const plan = storedPlan(db, dinner.id)!;
    expect(plan.status).toBe('draft');
    expect(plan.parsed.tables.flatMap((t) => t.parties)).toHaveLength(8);
    expect(plan.parsed.unseated).toEqual([]);
    expect(page.text).toContain('8 of 8');
    expect(page.text).toContain('different backgrounds among');
    expect(page.text.toLowerCase()).not.toContain('moroccan');
    expect(page.text.toLowerCase()).not.toContain('marokkaans');
  });

  it('uses a background only with an active consent', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db, { minTableSize: 2 });
    buildVenueTables(db, dinner, [{ seats: 6 }]);
    buildConfirmedGuest(db, dinner, { unconsentedBackground: 'syrian' });
    buildConfirmedGuest(db, dinner, { background: 'polish' });

    await browser.post(`/agenda/dinners/${dinner.id}/plan`);

    const problem = storedPlan(db, dinner.id)!.problem;
    expect(problem).toContain('polish');
    expect(problem).not.toContain('syrian');
  });

  it('reports a household nobody shares a language with as unseated, with a reason the organiser can act on', async () => {
    const { db, browser } = await signedIn();
    const { dinner } = buildDinnerWithGuests(db);
    const alone = buildConfirmedGuest(db, dinner, { languages: 'Tigrinya', locale: 'ar', name: 'Selam Tesfay' });

    await browser.post(`/agenda/dinners/${dinner.id}/plan`);
    const page = await browser.get(`/agenda/dinners/${dinner.id}/plan`);

    expect(storedPlan(db, dinner.id)!.parsed.unseated).toEqual([{ party: `h${alone.rsvpId}`, code: 'no_shared_language' }]);
    expect(page.text).toContain('Selam Tesfay');
    expect(page.text).toContain('arrange an interpreter');
  });

  it('answers 409 and keeps the plan once it is locked', async () => {
    const { db, browser } = await signedIn();
    const { dinner } = buildDinnerWithGuests(db);
    await browser.post(`/agenda/dinners/${dinner.id}/plan`);
    await browser.post(`/agenda/dinners/${dinner.id}/plan/lock`);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/plan`);

    expect(res.status).toBe(409);
    expect(storedPlan(db, dinner.id)!.version).toBe(1);
  });
});

describe('moving, swapping and pinning households', () => {
  async function planned() {
    const world = await signedIn();
    const { dinner, tables, guests } = buildDinnerWithGuests(world.db);
    await world.browser.post(`/agenda/dinners/${dinner.id}/plan`);
    return { ...world, dinner, tables, guests };
  }

  it('moves a household to the other table when the rules allow it', async () => {
    const { db, browser, dinner, tables } = await planned();
    const before = storedPlan(db, dinner.id)!;
    // Eight people at two tables of six: the fuller table has at least four, the other room for one more.
    const from = [...before.parsed.tables].sort((x, y) => y.parties.length - x.parties.length)[0]!;
    const party = from.parties[0]!;
    const target = tables.find((t) => `t${t.id}` !== from.id)!;

    const res = await browser.post(`/agenda/dinners/${dinner.id}/plan/move`, { household: party.slice(1), table: String(target.id) });

    expect(res.status).toBe(303);
    const after = storedPlan(db, dinner.id)!;
    expect(after.parsed.tables.find((t) => t.id === `t${target.id}`)!.parties).toContain(party);
    expect(after.version).toBe(before.version + 1);
  });

  it('refuses a move that overfills a table with a warning, and keeps it only when confirmed deliberately', async () => {
    const { db, browser, dinner, tables } = await signedIn().then(async (world) => {
      const dinner = buildDinner(world.db, { minTableSize: 2 });
      const tables = buildVenueTables(world.db, dinner, [{ seats: 4 }, { seats: 4 }]);
      for (let i = 0; i < 4; i++) buildConfirmedGuest(world.db, dinner, { people: 2 });
      await world.browser.post(`/agenda/dinners/${dinner.id}/plan`);
      return { ...world, dinner, tables };
    });
    const before = storedPlan(db, dinner.id)!;
    const party = before.parsed.tables.find((t) => t.id === `t${tables[0]!.id}`)!.parties[0]!;

    const refused = await browser.post(`/agenda/dinners/${dinner.id}/plan/move`, { household: party.slice(1), table: String(tables[1]!.id) });

    expect(refused.status).toBe(409);
    expect(refused.text).toContain('This change breaks a rule and was not saved');
    expect(refused.text).toContain('more people than seats');
    expect(storedPlan(db, dinner.id)!.version).toBe(before.version);

    const kept = await browser.post(`/agenda/dinners/${dinner.id}/plan/move`, { household: party.slice(1), table: String(tables[1]!.id), override: 'on' });
    const page = await browser.get(`/agenda/dinners/${dinner.id}/plan`);

    expect(kept.status).toBe(303);
    expect(storedPlan(db, dinner.id)!.parsed.tables.find((t) => t.id === `t${tables[1]!.id}`)!.parties).toContain(party);
    expect(page.text).toContain('This plan breaks a rule');
  });

  it('answers 422 for a move without a valid household or table, and stores nothing', async () => {
    const { db, browser, dinner } = await planned();
    const before = storedPlan(db, dinner.id)!;

    const res = await browser.post(`/agenda/dinners/${dinner.id}/plan/move`, { household: 'abc', table: '' });
    const unknownTable = await browser.post(`/agenda/dinners/${dinner.id}/plan/move`, { household: before.parsed.tables[0]!.parties[0]!.slice(1), table: '999999' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('Choose a household.');
    expect(unknownTable.status).toBe(422);
    expect(storedPlan(db, dinner.id)!.version).toBe(before.version);
  });

  it('answers 422 for a swap of a household with itself or a pin without a choice, and stores nothing', async () => {
    const { db, browser, dinner } = await planned();
    const before = storedPlan(db, dinner.id)!;
    const party = before.parsed.tables[0]!.parties[0]!.slice(1);

    const swap = await browser.post(`/agenda/dinners/${dinner.id}/plan/swap`, { household: party, other: party });
    const pin = await browser.post(`/agenda/dinners/${dinner.id}/plan/pin`, { household: party, pinned: 'maybe' });

    expect(swap.status).toBe(422);
    expect(swap.text).toContain('Choose two different households.');
    expect(pin.status).toBe(422);
    expect(storedPlan(db, dinner.id)!.version).toBe(before.version);
  });

  it('swaps two households between tables', async () => {
    const { db, browser, dinner } = await planned();
    const before = storedPlan(db, dinner.id)!.parsed;
    const a = before.tables[0]!.parties[0]!;
    const b = before.tables[1]!.parties[0]!;

    const res = await browser.post(`/agenda/dinners/${dinner.id}/plan/swap`, { household: a.slice(1), other: b.slice(1) });

    expect(res.status).toBe(303);
    const after = storedPlan(db, dinner.id)!.parsed;
    expect(after.tables.find((t) => t.id === before.tables[0]!.id)!.parties).toContain(b);
    expect(after.tables.find((t) => t.id === before.tables[1]!.id)!.parties).toContain(a);
  });

  it('keeps a pinned household at its table when the plan is made again', async () => {
    const { db, browser, dinner } = await planned();
    const before = storedPlan(db, dinner.id)!.parsed;
    const party = before.tables[1]!.parties[0]!;

    const pinned = await browser.post(`/agenda/dinners/${dinner.id}/plan/pin`, { household: party.slice(1), pinned: '1' });
    const again = await browser.post(`/agenda/dinners/${dinner.id}/plan`, { keepPinned: 'on' });

    expect(pinned.status).toBe(303);
    expect(again.status).toBe(303);
    const after = storedPlan(db, dinner.id)!.parsed;
    expect(after.pinned).toEqual([party]);
    expect(after.tables.find((t) => t.parties.includes(party))!.id).toBe(before.tables[1]!.id);
  });
});

describe('POST /agenda/dinners/:id/plan/lock', () => {
  it('records who sat where, mails each seated resident their table in their language once per plan version', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db, { minTableSize: 2 });
    buildVenueTables(db, dinner, [{ seats: 6, label: 'Linde' }]);
    const dutch = buildConfirmedGuest(db, dinner, { people: 2, languages: 'Nederlands, Turks' });
    const turkish = buildConfirmedGuest(db, dinner, { languages: 'Nederlands', locale: 'tr' });
    buildConfirmedGuest(db, dinner, { email: null });
    await browser.post(`/agenda/dinners/${dinner.id}/plan`);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/plan/lock`, { notify: 'on' });
    const again = await browser.post(`/agenda/dinners/${dinner.id}/plan/lock`, { notify: 'on' });

    expect(res.status).toBe(303);
    expect(again.status).toBe(303);
    const seats = db.select().from(tableSeats).where(eq(tableSeats.dinnerId, dinner.id)).all();
    expect(seats.map((s) => [s.residentId, s.people]).sort()).toEqual(expect.arrayContaining([[dutch.resident.id, 2], [turkish.resident.id, 1]]));
    expect(seats).toHaveLength(3);
    const mails = composeMail(db).select().from(outbox).where(eq(outbox.template, 'matching-table')).all();
    expect(mails.map((m) => [m.toAddress, m.locale]).sort()).toEqual([[dutch.resident.email, 'nl'], [turkish.resident.email, 'tr']].sort());
    expect(mails.find((m) => m.locale === 'tr')!.subject).toContain('Linde');
    expect(mails.find((m) => m.locale === 'nl')!.text).toContain('tafel Linde');
    expect(storedPlan(db, dinner.id)!.status).toBe('locked');
  });

  it('answers 409 without a plan and stores nothing', async () => {
    const { db, browser } = await signedIn();
    const { dinner } = buildDinnerWithGuests(db);

    const res = await browser.post(`/agenda/dinners/${dinner.id}/plan/lock`, { notify: 'on' });

    expect(res.status).toBe(409);
    expect(db.select().from(tableSeats).all()).toHaveLength(0);
  });

  it('gives the next dinner its history: residents who sat together count as repeat meetings, and the report reads the seats', async () => {
    const { db, browser } = await signedIn();
    const first = buildDinner(db, { minTableSize: 2, startsAt: new Date('2029-12-01T17:00:00Z'), localDate: '2029-12-01' });
    buildVenueTables(db, first, [{ seats: 6 }]);
    const a = buildConfirmedGuest(db, first, { name: 'Anna Eerder' });
    const b = buildConfirmedGuest(db, first, { name: 'Bram Eerder' });
    await browser.post(`/agenda/dinners/${first.id}/plan`);
    await browser.post(`/agenda/dinners/${first.id}/plan/lock`);
    const second = buildDinner(db, { minTableSize: 2 });
    buildVenueTables(db, second, [{ seats: 6 }]);
    for (const guest of [a, b]) {
      db.insert(rsvps).values({ dinnerId: second.id, residentId: guest.resident.id, people: 1, status: 'confirmed', source: 'invitation', createdAt: new Date(), updatedAt: new Date() }).run();
    }

    await browser.post(`/agenda/dinners/${second.id}/plan`);
    const page = await browser.get(`/agenda/dinners/${second.id}/plan`);

    expect(JSON.parse(storedPlan(db, second.id)!.problem).metBefore).toEqual([[`r${a.resident.id}`, `r${b.resident.id}`]]);
    expect(page.text).toContain('1 pair sat together before');
    expect(listSeatingsUpTo(db, new Date('2030-01-01T00:00:00Z').getTime())).toEqual([{ dinnerId: first.id, startsAt: first.startsAt.getTime(), residentIds: [a.resident.id, b.resident.id] }]);
  });
});

describe('printable sheets', () => {
  it('prints the plan, place cards and a kitchen sheet with diet counts per table and names only for allergies', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db, { minTableSize: 2 });
    buildVenueTables(db, dinner, [{ seats: 8, label: 'Eik' }]);
    buildConfirmedGuest(db, dinner, { people: 3, diets: ['halal'], name: 'Halal Huis', background: 'moroccan' });
    buildConfirmedGuest(db, dinner, { diets: ['nut_allergy'], name: 'Noten Allergie' });
    await browser.post(`/agenda/dinners/${dinner.id}/plan`);

    const printed = await browser.get(`/agenda/dinners/${dinner.id}/plan/print`);
    const cards = await browser.get(`/agenda/dinners/${dinner.id}/plan/place-cards`);
    const kitchen = await browser.get(`/agenda/dinners/${dinner.id}/plan/kitchen`);

    expect(printed.status).toBe(200);
    expect(printed.text).toContain('Halal Huis +2');
    expect(cards.text).toContain('Table Eik');
    expect(kitchen.status).toBe(200);
    expect(kitchen.text).toContain('Halal: 3');
    expect(kitchen.text).toContain('Noten Allergie: Nut allergy');
    expect(kitchen.text).not.toContain('Halal Huis');
    for (const page of [printed, cards, kitchen]) expect(page.text.toLowerCase()).not.toContain('moroccan');
  });
});

describe('hostile names', () => {
  it('are escaped on the plan page and every printed sheet', async () => {
    const { db, browser } = await signedIn();
    const dinner = buildDinner(db, { minTableSize: 2 });
    buildVenueTables(db, dinner, [{ seats: 6, label: '<i>T</i>' }]);
    buildConfirmedGuest(db, dinner, { name: '<script>alert(1)</script>', diets: ['nut_allergy'] });
    buildConfirmedGuest(db, dinner, { name: 'Gewone Buur' });
    await browser.post(`/agenda/dinners/${dinner.id}/plan`);

    for (const path of ['', '/print', '/place-cards', '/kitchen']) {
      const page = await browser.get(`/agenda/dinners/${dinner.id}/plan${path}`);
      expect(page.text).not.toContain('<script>alert(1)</script>');
      expect(page.text).not.toContain('<i>T</i>');
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});
