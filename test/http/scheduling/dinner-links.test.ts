import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../../support/app.ts';
import { browserAgent, buildUser } from '../../support/builders.ts';
import { buildScheduledDinners, buildVenue } from '../../support/scheduling-builders.ts';

describe('GET /dinners/:id', () => {
  it('offers the join form for a published public dinner whose deadline has not passed', async () => {
    const { app, db } = makeTestApp();
    const [dinnerId] = buildScheduledDinners(db, buildVenue(db).id);

    const res = await request(app).get(`/dinners/${dinnerId}`);

    expect(res.status).toBe(200);
    expect(res.text).toContain(`href="/dinners/${dinnerId}/join"`);
    expect(res.text).toContain('Ik wil aanschuiven');
  });

  it('offers no join form once the answer deadline has passed', async () => {
    const { app, db, clock } = makeTestApp();
    const [dinnerId] = buildScheduledDinners(db, buildVenue(db).id);

    clock.set(new Date('2030-02-01T12:00:00Z'));
    const res = await request(app).get(`/dinners/${dinnerId}`);

    expect(res.status).toBe(200);
    expect(res.text).not.toContain(`/dinners/${dinnerId}/join`);
  });
});

describe('GET /agenda/dinners/:id', () => {
  it('links the organiser to guests, invitations, door list, check-in, table plan, home dinners and notes', async () => {
    const { app, db } = makeTestApp();
    const organiser = await buildUser(db, { roles: ['organiser'] });
    const [dinnerId] = buildScheduledDinners(db, buildVenue(db).id);
    const browser = browserAgent(app);
    await browser.signIn(organiser);

    const res = await browser.get(`/agenda/dinners/${dinnerId}`);

    expect(res.status).toBe(200);
    for (const path of ['guests', 'invite', 'door-list', 'check-in', 'plan', 'home-dinners']) {
      expect(res.text).toContain(`href="/agenda/dinners/${dinnerId}/${path}"`);
    }
    expect(res.text).toContain(`href="/notes/dinners/${dinnerId}"`);
  });
});
