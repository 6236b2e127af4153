import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildScheduledDinners, buildVenue } from '../support/scheduling-builders.ts';

describe('GET / (reused for anonymous visitors)', () => {
  it('shows a dinner planned after the page was last shown', async () => {
    const { app, db } = makeTestApp();
    const venue = buildVenue(db);
    buildScheduledDinners(db, venue.id, { title: 'Eerste diner' });
    await request(app).get('/');

    buildScheduledDinners(db, venue.id, { title: 'Tweede diner', date: '2030-02-09' });
    const res = await request(app).get('/');

    expect(res.text).toContain('Eerste diner');
    expect(res.text).toContain('Tweede diner');
  });

  it('stops listing a dinner once it has started, without any write in between', async () => {
    const { app, db, clock } = makeTestApp();
    buildScheduledDinners(db, buildVenue(db).id, { title: 'Winterdiner' });
    expect((await request(app).get('/')).text).toContain('Winterdiner');

    clock.set(new Date('2030-02-02T20:00:00Z'));
    const res = await request(app).get('/');

    expect(res.text).not.toContain('Winterdiner');
  });

  it('keeps each language apart', async () => {
    const { app, db } = makeTestApp();
    buildScheduledDinners(db, buildVenue(db).id);
    await request(app).get('/');

    const res = await request(app).get('/').set('Cookie', 'lang=en');

    expect(res.text).toContain('<html lang="en"');
  });

  it('never gives a signed-in organiser the anonymous page', async () => {
    const { app, db } = makeTestApp();
    const organiser = await buildUser(db, { name: 'Ria Organisator', roles: ['organiser'] });
    await request(app).get('/');
    const browser = browserAgent(app);
    await browser.signIn(organiser);

    const res = await browser.get('/');

    expect(res.text).toContain('Ria Organisator');
    expect(res.text).toContain('action="/logout"');
  });
});
