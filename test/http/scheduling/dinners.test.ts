import { asc, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../../src/db/schema.ts';
import { cancelDinners, updateDinner } from '../../../src/features/scheduling/dinners.service.ts';
import { toLocal } from '../../../src/features/scheduling/local-time.ts';
import { dinners, dinnerSeries } from '../../../src/features/scheduling/scheduling.schema.ts';
import { fixedClock, makeTestApp } from '../../support/app.ts';
import { browserAgent, buildUser } from '../../support/builders.ts';
import { buildScheduledDinners, buildVenue, dinnerForm, schedulingContext } from '../../support/scheduling-builders.ts';
import { composeMail } from '../../support/mail.ts';

const ZONE = 'Europe/Amsterdam';

async function signedInOrganiser(now?: Date) {
  const world = makeTestApp(now ? { clock: fixedClock(now) } : {});
  const organiser = await buildUser(world.db, { roles: ['organiser'] });
  const browser = browserAgent(world.app);
  await browser.signIn(organiser);
  await browser.get('/agenda/dinners/new');
  return { ...world, browser, organiser };
}

function localTimes(rows: Array<{ startsAt: Date }>) {
  return rows.map((row) => {
    const local = toLocal(row.startsAt, ZONE);
    return `${local.date} ${local.time}`;
  });
}

describe('POST /agenda/dinners', () => {
  it('plans a one-off dinner with the venue capacity and a deadline two days before, stored as UTC instants', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db, { capacity: 36 });

    const res = await browser.post('/agenda/dinners', dinnerForm(venue.id));

    expect(res.status).toBe(303);
    const dinner = db.select().from(dinners).get()!;
    expect(res.headers.location).toBe(`/agenda/dinners/${dinner.id}`);
    expect(dinner).toMatchObject({ venueId: venue.id, capacity: 36, status: 'published', visibility: 'public', localDate: '2030-02-02', diets: '["vegetarian","halal"]' });
    expect(dinner.startsAt.toISOString()).toBe('2030-02-02T17:00:00.000Z');
    expect(dinner.endsAt.toISOString()).toBe('2030-02-02T20:00:00.000Z');
    expect(dinner.rsvpDeadline.toISOString()).toBe('2030-01-31T17:00:00.000Z');
  });

  it.each([
    ['endTime', { endTime: '17:00' }, 'De eindtijd moet na de begintijd liggen'],
    ['venueId', { venueId: '999' }, 'Deze locatie bestaat niet of is gearchiveerd'],
    ['capacity', { capacity: '0' }, 'Vul een aantal personen tussen 1 en 1.000 in'],
    ['capacity', { capacity: '10000' }, 'Vul een aantal personen tussen 1 en 1.000 in'],
    ['date', { date: '2030-02-31' }, 'Vul een datum in die bestaat'],
    ['untilDate', { repeat: 'weekly', intervalWeeks: '1', endType: 'until', untilDate: '2030-01-20' }, 'De laatste datum moet na de eerste datum liggen'],
    ['count', { repeat: 'weekly', intervalWeeks: '1', endType: 'count', count: '500' }, 'Een reeks heeft tussen 2 en 104 diners'],
    ['intervalWeeks', { repeat: 'weekly', intervalWeeks: '0', endType: 'count', count: '4' }, 'Kies elke 1 tot 12 weken'],
  ])('answers 422 naming %s and stores nothing', async (field, overrides, message) => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);

    const res = await browser.post('/agenda/dinners', dinnerForm(venue.id, overrides));

    expect(res.status).toBe(422);
    expect(res.text).toContain(`href="#field-${field}"`);
    expect(res.text).toContain(message);
    expect(db.select().from(dinners).all()).toHaveLength(0);
    expect(db.select().from(dinnerSeries).all()).toHaveLength(0);
  });

  it('refuses a capacity above the venue’s with a message that says how to fix it', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db, { name: 'De Linde', capacity: 20 });

    const res = await browser.post('/agenda/dinners', dinnerForm(venue.id, { capacity: '30' }));

    expect(res.status).toBe(422);
    expect(res.text).toContain('De Linde heeft 20 zitplaatsen; dit diner staat op 30. Verlaag het aantal plaatsen of kies een grotere locatie.');
    expect(db.select().from(dinners).all()).toHaveLength(0);
  });

  it('refuses a dinner that overlaps another one including the set-up and clean-up margins, and suggests a time', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db, { name: 'De Linde' });
    buildScheduledDinners(db, venue.id, { title: 'Vroeg diner', startTime: '17:30', endTime: '19:30' });

    const res = await browser.post('/agenda/dinners', dinnerForm(venue.id, { startTime: '20:00', endTime: '22:00' }));

    expect(res.status).toBe(422);
    expect(res.text).toContain('De Linde is al bezet door “Vroeg diner” (17:30–19:30)');
    expect(res.text).toContain('Begin om 20:30 of later');
    expect(db.select().from(dinners).all()).toHaveLength(1);
  });

  it('refuses a start in the past and a deadline after the start', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);

    const past = await browser.post('/agenda/dinners', dinnerForm(venue.id, { date: '2030-01-05' }));
    const lateDeadline = await browser.post('/agenda/dinners', dinnerForm(venue.id, { deadlineDate: '2030-02-03' }));

    expect(past.status).toBe(422);
    expect(past.text).toContain('Deze begintijd is al voorbij');
    expect(lateDeadline.status).toBe(422);
    expect(lateDeadline.text).toContain('href="#field-deadlineDate"');
    expect(db.select().from(dinners).all()).toHaveLength(0);
  });

  it('plans a fortnightly series, skips and lists the dates the venue is closed', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db, { closures: [{ startsOn: '2030-02-14', endsOn: '2030-02-20', reason: 'Voorjaarsvakantie' }] });

    const res = await browser.post('/agenda/dinners', dinnerForm(venue.id, { date: '2030-02-02', repeat: 'weekly', intervalWeeks: '2', endType: 'count', count: '4' }));
    const page = await browser.get(res.headers.location!);

    expect(res.status).toBe(303);
    const rows = db.select().from(dinners).orderBy(asc(dinners.startsAt)).all();
    expect(localTimes(rows)).toEqual(['2030-02-02 18:00', '2030-03-02 18:00', '2030-03-16 18:00']);
    const series = db.select().from(dinnerSeries).get()!;
    expect(JSON.parse(series.skippedDates)).toEqual([{ date: '2030-02-16', reason: 'Voorjaarsvakantie' }]);
    expect(page.text).toContain('zaterdag 16 februari 2030');
    expect(page.text).toContain('Voorjaarsvakantie');
  });

  it('checks every occurrence of a series before saving and lists all clashes together', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);
    buildScheduledDinners(db, venue.id, { title: 'Bingo', date: '2030-02-09' });
    buildScheduledDinners(db, venue.id, { title: 'Koor', date: '2030-02-23' });

    const res = await browser.post('/agenda/dinners', dinnerForm(venue.id, { repeat: 'weekly', intervalWeeks: '1', endType: 'count', count: '4' }));

    expect(res.status).toBe(422);
    expect(res.text).toContain('2 problemen om op te lossen voor het opslaan');
    expect(res.text).toContain('zaterdag 9 februari 2030');
    expect(res.text).toContain('“Bingo”');
    expect(res.text).toContain('zaterdag 23 februari 2030');
    expect(res.text).toContain('“Koor”');
    expect(db.select().from(dinners).all()).toHaveLength(2);
    expect(db.select().from(dinnerSeries).all()).toHaveLength(0);
  });

  it('shows the dates a series would get without saving when asked to check', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);

    const res = await browser.post('/agenda/dinners', dinnerForm(venue.id, { repeat: 'monthly', nthWeek: '1', endType: 'count', count: '3', intent: 'check' }));

    expect(res.status).toBe(200);
    expect(res.text).toContain('3 diners zouden worden gepland');
    expect(res.text).toContain('zaterdag 2 maart 2030');
    expect(res.text).toContain('zaterdag 6 april 2030');
    expect(db.select().from(dinners).all()).toHaveLength(0);
  });

  it('sends an anonymous visitor to sign in and refuses staff with 403, storing nothing', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db);
    const staff = await buildUser(db, { roles: ['staff'] });
    const staffBrowser = browserAgent(app);
    await staffBrowser.signIn(staff);

    const anonymous = await browserAgent(app).get('/agenda');
    const forbidden = await staffBrowser.post('/agenda/dinners', dinnerForm(venue.id));

    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe('/login?next=%2Fagenda');
    expect(forbidden.status).toBe(403);
    expect(db.select().from(dinners).all()).toHaveLength(0);
  });
});

describe('daylight-saving days (test plan I2)', () => {
  it.each([
    ['2026-03-29', 'bestaat niet op zondag 29 maart 2026: de klok gaat van 02:00 naar 03:00'],
    ['2026-10-25', 'komt twee keer voor op zondag 25 oktober 2026'],
  ])('rejects a dinner at 02:30 on %s with a clear message and stores nothing', async (date, message) => {
    const { db, browser } = await signedInOrganiser(new Date('2026-01-01T12:00:00Z'));
    const venue = buildVenue(db, { openingHours: [] });

    const res = await browser.post('/agenda/dinners', dinnerForm(venue.id, { date, startTime: '02:30', endTime: '04:00' }));

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-startTime"');
    expect(res.text).toContain(message);
    expect(db.select().from(dinners).all()).toHaveLength(0);
  });

  it('keeps a weekly Saturday 18:00 series at 18:00 local across both changes (test plan I3)', async () => {
    const { db, browser } = await signedInOrganiser(new Date('2026-01-01T12:00:00Z'));
    const venue = buildVenue(db);

    await browser.post('/agenda/dinners', dinnerForm(venue.id, { date: '2026-03-21', repeat: 'weekly', intervalWeeks: '1', endType: 'until', untilDate: '2026-11-07' }));

    const rows = db.select().from(dinners).orderBy(asc(dinners.startsAt)).all();
    expect(rows).toHaveLength(34);
    expect(new Set(localTimes(rows).map((text) => text.slice(11)))).toEqual(new Set(['18:00']));
    const gaps = new Set(rows.slice(1).map((row, i) => (row.startsAt.getTime() - rows[i]!.startsAt.getTime()) / 3_600_000));
    expect(gaps).toEqual(new Set([168, 167, 169]));
  });
});

describe('POST /agenda/dinners/:id (editing)', () => {
  it('moves one occurrence alone and leaves the rest of the series as it was', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);
    const ids = buildScheduledDinners(db, venue.id, { repeat: 'weekly', intervalWeeks: '1', endType: 'count', count: '3' });
    const edit = await browser.get(`/agenda/dinners/${ids[1]}/edit`);

    const res = await browser.post(`/agenda/dinners/${ids[1]}`, dinnerForm(venue.id, { date: '2030-02-10', startTime: '17:30', endTime: '20:30', scope: 'this' }));

    expect(edit.status).toBe(200);
    expect(res.status).toBe(303);
    const rows = db.select().from(dinners).orderBy(asc(dinners.id)).all();
    expect(localTimes(rows)).toEqual(['2030-02-02 18:00', '2030-02-10 17:30', '2030-02-16 18:00']);
    expect(rows.map((row) => row.detached)).toEqual([false, true, false]);
    expect(rows[1]!.sequence).toBe(1);
  });

  it('changes the rest of the series from a date on, leaving earlier dinners and the one moved alone untouched', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);
    const ids = buildScheduledDinners(db, venue.id, { repeat: 'weekly', intervalWeeks: '1', endType: 'count', count: '5' });
    await browser.post(`/agenda/dinners/${ids[3]}`, dinnerForm(venue.id, { date: '2030-02-24', scope: 'this' }));

    const res = await browser.post(`/agenda/dinners/${ids[2]}`, dinnerForm(venue.id, { title: 'Nieuw thema-diner', date: '2030-02-16', startTime: '19:00', endTime: '22:00', scope: 'following' }));

    expect(res.status).toBe(303);
    const rows = db.select().from(dinners).orderBy(asc(dinners.id)).all();
    expect(localTimes(rows)).toEqual(['2030-02-02 18:00', '2030-02-09 18:00', '2030-02-16 19:00', '2030-02-24 18:00', '2030-03-02 19:00']);
    expect(rows.map((row) => row.title)).toEqual(['Buurtdiner', 'Buurtdiner', 'Nieuw thema-diner', 'Buurtdiner', 'Nieuw thema-diner']);
  });

  it('answers 422 with the clash and changes nothing when the new time is taken', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);
    const [first] = buildScheduledDinners(db, venue.id, { date: '2030-02-02' });
    buildScheduledDinners(db, venue.id, { title: 'Bingo', date: '2030-02-03' });

    const res = await browser.post(`/agenda/dinners/${first}`, dinnerForm(venue.id, { date: '2030-02-03', scope: 'this' }));

    expect(res.status).toBe(422);
    expect(res.text).toContain('“Bingo”');
    expect(localTimes(db.select().from(dinners).where(eq(dinners.id, first!)).all())).toEqual(['2030-02-02 18:00']);
  });

  it('answers 404 for a dinner that does not exist', async () => {
    const { db, browser } = await signedInOrganiser();
    const venue = buildVenue(db);

    const page = await browser.get('/agenda/dinners/999');
    const post = await browser.post('/agenda/dinners/999', dinnerForm(venue.id));
    const cancel = await browser.post('/agenda/dinners/999/cancel', { reason: '' });

    expect(page.status).toBe(404);
    expect(post.status).toBe(404);
    expect(cancel.status).toBe(404);
  });
});

describe('cancelling and moving published dinners', () => {
  const recipients = () => [
    { email: 'ayse@example.org', name: 'Ayşe', locale: 'tr' },
    { email: 'jan@example.org', name: 'Jan', locale: 'nl' },
    { email: 'JAN@example.org', name: 'Jan', locale: 'nl' },
  ];

  function parseAttachment(row: { attachments: string | null }) {
    const [attachment] = JSON.parse(row.attachments!) as Array<{ contentType: string; content: string }>;
    const calendar = new ICAL.Component(ICAL.parse(attachment!.content));
    const event = calendar.getFirstSubcomponent('vevent')!;
    return { contentType: attachment!.contentType, method: calendar.getFirstPropertyValue('method'), event, ics: new ICAL.Event(event) };
  }

  it('mails everyone who answered once, in their language, with METHOD:CANCEL, the same UID and a higher SEQUENCE', () => {
    const { db, mailer } = makeTestApp();
    const venue = buildVenue(db, { name: 'De Linde' });
    const [id] = buildScheduledDinners(db, venue.id, { title: 'Lentediner' });
    const before = db.select().from(dinners).get()!;

    const result = cancelDinners(db, mailer, id!, { reason: 'Ziekte van de kok', scope: 'this' }, schedulingContext(undefined, { listRecipients: recipients }));

    expect(result).toEqual({ changed: 1, notified: 2 });
    const mails = composeMail(db).select().from(outbox).orderBy(asc(outbox.id)).all();
    expect(mails.map((m) => [m.toAddress, m.locale, m.subject])).toEqual([
      ['ayse@example.org', 'tr', 'İptal edildi: Lentediner'],
      ['jan@example.org', 'nl', 'Gaat niet door: Lentediner'],
    ]);
    expect(mails[1]!.text).toContain('Reden: Ziekte van de kok');
    const parsed = parseAttachment(mails[1]!);
    expect(parsed.contentType).toContain('method=CANCEL');
    expect(parsed.method).toBe('CANCEL');
    expect(parsed.ics.uid).toBe(before.uid);
    expect(parsed.ics.sequence).toBe(before.sequence + 1);
    expect(parsed.event.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('mails the new time of a moved dinner as an updated entry (METHOD:REQUEST, same UID, higher SEQUENCE)', () => {
    const { db, mailer } = makeTestApp();
    const venue = buildVenue(db);
    const [id] = buildScheduledDinners(db, venue.id);
    const before = db.select().from(dinners).get()!;

    updateDinner(db, mailer, id!, { ...dinnerEdit(venue.id), date: '2030-02-03', startTime: '18:30', endTime: '21:30' }, schedulingContext(undefined, { listRecipients: () => recipients().slice(1, 2) }));

    const mail = composeMail(db).select().from(outbox).get()!;
    expect(mail.subject).toBe('Nieuwe tijd: Buurtdiner');
    expect(mail.text).toContain('Nieuwe tijd: zo 3 feb. 2030, 18:30–21:30');
    const parsed = parseAttachment(mail);
    expect(parsed.method).toBe('REQUEST');
    expect(parsed.ics.uid).toBe(before.uid);
    expect(parsed.ics.sequence).toBe(before.sequence + 1);
    expect(parsed.ics.startDate.toJSDate().toISOString()).toBe('2030-02-03T17:30:00.000Z');
  });

  it('cancels a published dinner from its page and shows it as cancelled on the public page', async () => {
    const { db, browser, app } = await signedInOrganiser();
    const venue = buildVenue(db);
    const [id] = buildScheduledDinners(db, venue.id);
    await browser.get(`/agenda/dinners/${id}`);

    const res = await browser.post(`/agenda/dinners/${id}/cancel`, { reason: 'Storm', scope: 'this' });
    const publicPage = await browserAgent(app).get(`/dinners/${id}`);

    expect(res.status).toBe(303);
    expect(db.select().from(dinners).get()!.status).toBe('cancelled');
    expect(publicPage.text).toContain('Dit diner is geannuleerd.');
    expect(publicPage.text).toContain('Storm');
  });

  it('does not mail anybody about a draft', () => {
    const { db, mailer } = makeTestApp();
    const venue = buildVenue(db);
    const [id] = buildScheduledDinners(db, venue.id, { status: 'draft' });

    const result = cancelDinners(db, mailer, id!, { reason: '', scope: 'this' }, schedulingContext(undefined, { listRecipients: recipients }));

    expect(result.notified).toBe(0);
    expect(composeMail(db).select().from(outbox).all()).toHaveLength(0);
  });
});

function dinnerEdit(venueId: number) {
  return {
    title: 'Buurtdiner',
    theme: '',
    description: '',
    venueId,
    date: '2030-02-02',
    startTime: '18:00',
    endTime: '21:00',
    capacity: null,
    deadlineDate: '',
    deadlineTime: '',
    minTableSize: 4,
    maxTableSize: 8,
    menu: '',
    diets: [],
    languages: '',
    host: '',
    visibility: 'public' as const,
    scope: 'this' as const,
  };
}

describe('GET /agenda', () => {
  it('shows a month of dinners, filtered by neighbourhood', async () => {
    const { db, browser } = await signedInOrganiser();
    const east = buildVenue(db, { name: 'Oostzaal', neighbourhood: 'Oost' });
    const west = buildVenue(db, { name: 'Westzaal', neighbourhood: 'West' });
    buildScheduledDinners(db, east.id, { title: 'Oost-diner' });
    buildScheduledDinners(db, west.id, { title: 'West-diner' });

    const all = await browser.get('/agenda?view=month&date=2030-02-01');
    const east2 = await browser.get('/agenda?view=month&date=2030-02-01&neighbourhood=Oost');

    expect(all.status).toBe(200);
    expect(all.text).toContain('Oost-diner');
    expect(all.text).toContain('West-diner');
    expect(east2.text).toContain('Oost-diner');
    expect(east2.text).not.toContain('West-diner');
  });

  it('shows a week of dinners, filtered by venue', async () => {
    const { db, browser } = await signedInOrganiser();
    const east = buildVenue(db, { name: 'Oostzaal' });
    const west = buildVenue(db, { name: 'Westzaal' });
    buildScheduledDinners(db, east.id, { title: 'Oost-diner' });
    buildScheduledDinners(db, west.id, { title: 'West-diner' });

    const res = await browser.get(`/agenda?view=week&date=2030-01-30&venue=${west.id}`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('Week van ma 28 jan. tot zo 3 feb.');
    expect(res.text).toContain('18:00–21:00 West-diner');
    expect(res.text).not.toContain('Oost-diner');
  });
});
