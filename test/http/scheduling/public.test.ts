import ICAL from 'ical.js';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../../support/app.ts';
import { browserAgent, buildUser } from '../../support/builders.ts';
import { buildScheduledDinners, buildVenue } from '../../support/scheduling-builders.ts';
import { cancelDinners } from '../../../src/features/scheduling/dinners.service.ts';
import { schedulingContext } from '../../support/scheduling-builders.ts';

function parseCalendar(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return { calendar, events: calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component)) };
}

describe('GET /', () => {
  it('lists upcoming public dinners with date, venue, theme, diets, places left and accessibility in words', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db, { name: 'Buurthuis De Linde', neighbourhood: 'Lombok', capacity: 24, hearingLoop: true });
    buildScheduledDinners(db, venue.id, { title: 'Lentediner', theme: 'De nieuwe speeltuin', diets: ['vegan', 'halal'] });
    buildScheduledDinners(db, venue.id, { title: 'Geheim concept', date: '2030-02-09', status: 'draft' });
    buildScheduledDinners(db, venue.id, { title: 'Op uitnodiging', date: '2030-02-16', visibility: 'invitation' });

    const res = await request(app).get('/');

    expect(res.status).toBe(200);
    expect(res.text).toContain('Lentediner');
    expect(res.text).toContain('zaterdag 2 februari 2030, 18:00');
    expect(res.text).toContain('Buurthuis De Linde · Lombok');
    expect(res.text).toContain('Thema: De nieuwe speeltuin');
    expect(res.text).toContain('Veganistisch');
    expect(res.text).toContain('Halal');
    expect(res.text).toContain('Nog 24 plekken vrij');
    expect(res.text).toContain('Drempelvrije ingang');
    expect(res.text).toContain('Ringleiding');
    expect(res.text).toContain('1 rolstoeltoegankelijke tafel');
    expect(res.text).not.toContain('Geheim concept');
    expect(res.text).not.toContain('Op uitnodiging');
  });

  it('shows an empty state when nothing is planned, and offers all six languages', async () => {
    const { app } = makeTestApp();

    const res = await request(app).get('/');

    expect(res.text).toContain('Nog geen etentjes gepland');
    for (const code of ['nl', 'en', 'tr', 'ar', 'pl', 'uk']) expect(res.text).toContain(`hreflang="${code}"`);
  });

  it('speaks Arabic, right to left, to a visitor who chose it', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db);
    buildScheduledDinners(db, venue.id, { diets: ['halal'] });

    const res = await request(app).get('/').set('Cookie', 'lang=ar');

    expect(res.text).toContain('<html lang="ar" dir="rtl">');
    expect(res.text).toContain('العشاءات القادمة');
    expect(res.text).toContain('حلال');
  });
});

describe('GET /dinners/:id', () => {
  it('shows a public dinner with a link to the venue on OpenStreetMap and an add-to-calendar link', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db, { name: 'De Linde', address: 'Lindenlaan 12', postcode: '3511 AB', city: 'Utrecht' });
    const [id] = buildScheduledDinners(db, venue.id, { title: 'Lentediner', menu: 'Harira & brood' });

    const res = await request(app).get(`/dinners/${id}`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('Lentediner');
    expect(res.text).toContain('Harira &amp; brood');
    expect(res.text).toContain('href="https://www.openstreetmap.org/search?query=Lindenlaan%2012%2C%203511%20AB%20Utrecht"');
    expect(res.text).toContain(`href="/dinners/${id}/calendar.ics"`);
  });

  it('answers 404 to a visitor for drafts, invitation-only dinners and unknown ids, but shows organisers a preview', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db);
    const [draft] = buildScheduledDinners(db, venue.id, { status: 'draft' });
    const [invited] = buildScheduledDinners(db, venue.id, { date: '2030-02-09', visibility: 'invitation' });
    const organiser = await buildUser(db, { roles: ['organiser'] });
    const browser = browserAgent(app);
    await browser.signIn(organiser);

    expect((await request(app).get(`/dinners/${draft}`)).status).toBe(404);
    expect((await request(app).get(`/dinners/${invited}`)).status).toBe(404);
    expect((await request(app).get('/dinners/999')).status).toBe(404);
    expect((await request(app).get('/dinners/12abc')).status).toBe(404);
    const preview = await browser.get(`/dinners/${draft}`);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Voorbeeld');
  });
});

describe('calendar feeds', () => {
  it('GET /calendar.ics lists upcoming public dinners with stable UID, UTC times, location, URL, SEQUENCE and STATUS', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db, { name: 'De Linde', address: 'Lindenlaan 12', postcode: '3511 AB', city: 'Utrecht' });
    const [id] = buildScheduledDinners(db, venue.id, { title: 'Lentediner, met soep; en brood' });
    buildScheduledDinners(db, venue.id, { title: 'Concept', date: '2030-02-09', status: 'draft' });

    const res = await request(app).get('/calendar.ics');
    const again = await request(app).get('/calendar.ics');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const { calendar, events } = parseCalendar(res.text);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.summary).toBe('Lentediner, met soep; en brood');
    expect(event!.location).toBe('De Linde, Lindenlaan 12, 3511 AB Utrecht');
    expect(event!.startDate.toJSDate().toISOString()).toBe('2030-02-02T17:00:00.000Z');
    expect(event!.endDate.toJSDate().toISOString()).toBe('2030-02-02T20:00:00.000Z');
    expect(event!.startDate.zone.tzid).toBe('UTC');
    expect(event!.sequence).toBe(0);
    expect(event!.component.getFirstPropertyValue('url')).toBe(`http://127.0.0.1:3999/dinners/${id}`);
    expect(event!.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(parseCalendar(again.text).events[0]!.uid).toBe(event!.uid);
  });

  it('GET /dinners/:id/calendar.ics shows a cancellation as the same entry with a higher SEQUENCE', async () => {
    const { app, db, mailer } = makeTestApp();
    const venue = buildVenue(db);
    const [id] = buildScheduledDinners(db, venue.id);
    const before = parseCalendar((await request(app).get(`/dinners/${id}/calendar.ics`)).text).events[0]!;

    cancelDinners(db, mailer, id!, { reason: '', scope: 'this' }, schedulingContext());
    const after = parseCalendar((await request(app).get(`/dinners/${id}/calendar.ics`)).text).events[0]!;

    expect(after.uid).toBe(before.uid);
    expect(after.sequence).toBe(before.sequence + 1);
    expect(after.component.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('GET /venues/:id/calendar.ics lists only that venue’s public dinners, and 404s for an unknown venue', async () => {
    const { app, db } = makeTestApp();
    const east = buildVenue(db, { name: 'Oostzaal' });
    const west = buildVenue(db, { name: 'Westzaal' });
    buildScheduledDinners(db, east.id, { title: 'Oost-diner' });
    buildScheduledDinners(db, west.id, { title: 'West-diner' });

    const res = await request(app).get(`/venues/${west.id}/calendar.ics`);
    const unknown = await request(app).get('/venues/999/calendar.ics');

    expect(parseCalendar(res.text).events.map((event) => event.summary)).toEqual(['West-diner']);
    expect(unknown.status).toBe(404);
  });
});
