import { eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { buildUser, sessionCookie } from '../support/builders.ts';
import { composeMail } from '../support/mail.ts';

/** A queued invitation, composed as the delivery worker would before sending it. */
function queueInvitation(world: TestApp, to: string, locals: Record<string, unknown> = {}) {
  const queued = enqueueInvitation(world, to, locals);
  composeMail(world.db);
  return world.db.select().from(outbox).where(eq(outbox.id, queued.id)).get()!;
}

function enqueueInvitation(world: TestApp, to: string, locals: Record<string, unknown> = {}) {
  return world.mailer.enqueue(
    world.db,
    {
      to,
      locale: 'nl',
      template: 'invitation',
      locals: { name: 'Fatma Yilmaz', inviter: 'Kees de Vries', link: 'http://127.0.0.1:3999/invitation/abc', ...locals },
    },
    world.clock.now(),
  )!;
}

async function signedInAs(world: TestApp, roles: ('admin' | 'organiser' | 'staff')[]) {
  const user = await buildUser(world.db, { roles });
  return sessionCookie(world.db, user.id, world.clock.now());
}

describe('GET /admin/mail', () => {
  it('lists every mail with recipient, subject and status for an admin', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    const mail = queueInvitation(world, 'fatma@test.example');

    const res = await request(world.app).get('/admin/mail').set('Cookie', cookie);

    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Mailbox</h1>');
    expect(res.text).toContain('fatma@test.example');
    expect(res.text).toContain(`<a href="/admin/mail/${mail.id}">Uw account voor Aanschuiftafel</a>`);
    expect(res.text).toContain('Wacht');
    expect(res.text).toContain('Er is geen SMTP-server ingesteld');
  });

  it('shows the empty state when no mail was sent yet', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);

    const res = await request(world.app).get('/admin/mail').set('Cookie', cookie);

    expect(res.status).toBe(200);
    expect(res.text).toContain('Er is nog geen mail verstuurd.');
    expect(res.text).not.toContain('<table');
  });

  it('pages by 50, newest first, with links to the next and previous page', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    for (let i = 1; i <= 51; i++) queueInvitation(world, `resident${i}@test.example`);

    const first = await request(world.app).get('/admin/mail').set('Cookie', cookie);
    const second = await request(world.app).get('/admin/mail?page=2').set('Cookie', cookie);

    expect(first.status).toBe(200);
    expect(first.text.match(/<tr>/g)).toHaveLength(51); // header row + 50 mails
    expect(first.text).toContain('resident51@test.example');
    expect(first.text).not.toContain('resident1@test.example<');
    expect(first.text).toContain('href="/admin/mail?page=2" rel="next"');
    expect(first.text).not.toContain('rel="prev"');
    expect(second.status).toBe(200);
    expect(second.text.match(/<tr>/g)).toHaveLength(2);
    expect(second.text).toContain('resident1@test.example<');
    expect(second.text).toContain('href="/admin/mail?page=1" rel="prev"');
    expect(second.text).not.toContain('rel="next"');
  });

  it('treats a page number that is not a number as the first page', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    queueInvitation(world, 'fatma@test.example');

    const res = await request(world.app).get('/admin/mail?page=1%27%20OR%201=1--').set('Cookie', cookie);

    expect(res.status).toBe(200);
    expect(res.text).toContain('fatma@test.example');
  });

  it('answers 403 to an organiser', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['organiser', 'staff']);
    queueInvitation(world, 'fatma@test.example');

    const res = await request(world.app).get('/admin/mail').set('Cookie', cookie);

    expect(res.status).toBe(403);
    expect(res.text).not.toContain('fatma@test.example');
  });

  it('sends an anonymous visitor to sign in and back', async () => {
    const world = makeTestApp();

    const res = await request(world.app).get('/admin/mail');

    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fmail');
  });
});

describe('GET /admin/mail/:id', () => {
  it('shows the details, the HTML part in a sandboxed frame and the text part', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    const mail = queueInvitation(world, 'fatma@test.example');

    const res = await request(world.app).get(`/admin/mail/${mail.id}`).set('Cookie', cookie);

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('<h1>Uw account voor Aanschuiftafel</h1>');
    expect(res.text).toContain(`<code>${mail.messageId.replace('<', '&lt;').replace('>', '&gt;')}</code>`);
    expect(res.text).toMatch(new RegExp(`<iframe class="mail-frame" src="/admin/mail/${mail.id}/html" title="Opgemaakte versie" sandbox></iframe>`));
    expect(res.text).toContain('Beste Fatma Yilmaz,');
    expect(res.text).toContain('http://127.0.0.1:3999/invitation/abc');
  });

  it('shows markup from a name in the text part as text, never as HTML', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    const mail = queueInvitation(world, 'fatma@test.example', { name: '<img src=x onerror=alert(1)>' });

    const res = await request(world.app).get(`/admin/mail/${mail.id}`).set('Cookie', cookie);

    expect(res.status).toBe(200);
    expect(res.text).toContain('Beste &lt;img src=x onerror=alert(1)&gt;,');
    expect(res.text).not.toContain('<img src=x');
  });

  it('says the content was removed once retention cleared it', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    const mail = queueInvitation(world, 'fatma@test.example');
    world.db.update(outbox).set({ status: 'sent', html: '', text: '' }).where(eq(outbox.id, mail.id)).run();

    const res = await request(world.app).get(`/admin/mail/${mail.id}`).set('Cookie', cookie);

    expect(res.status).toBe(200);
    expect(res.text).toContain('De inhoud van deze mail is verwijderd');
    expect(res.text).not.toContain('<iframe');
  });

  it('says a queued mail is still being composed, in the list and on its page', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    const mail = enqueueInvitation(world, 'fatma@test.example');

    const list = await request(world.app).get('/admin/mail').set('Cookie', cookie);
    const page = await request(world.app).get(`/admin/mail/${mail.id}`).set('Cookie', cookie);

    expect(list.text).toContain(`<a href="/admin/mail/${mail.id}">(wordt opgemaakt: invitation)</a>`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>(wordt opgemaakt: invitation)</h1>');
    expect(page.text).toContain('Deze mail wordt nog opgemaakt.');
    expect(page.text).not.toContain('<iframe');
  });

  it('says a mail that could not be composed could not be, in the list and on its page', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    const mail = world.mailer.enqueue(world.db, { to: 'fatma@test.example', locale: 'nl', template: 'no-such-template', locals: {} }, world.clock.now())!;
    composeMail(world.db);

    const list = await request(world.app).get('/admin/mail').set('Cookie', cookie);
    const page = await request(world.app).get(`/admin/mail/${mail.id}`).set('Cookie', cookie);

    expect(list.text).toContain(`<a href="/admin/mail/${mail.id}">(niet opgemaakt: no-such-template)</a>`);
    expect(page.text).toContain('Deze mail kon niet worden opgemaakt');
    expect(page.text).toContain('could not compose: Mail subject missing');
    expect(page.text).not.toContain('De inhoud van deze mail is verwijderd');
  });

  it.each(['999', '12abc', '0', '-1', '1e3'])('answers 404 for the id %s', async (id) => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    queueInvitation(world, 'fatma@test.example');

    const page = await request(world.app).get(`/admin/mail/${id}`).set('Cookie', cookie);
    const frame = await request(world.app).get(`/admin/mail/${id}/html`).set('Cookie', cookie);

    expect(page.status).toBe(404);
    expect(frame.status).toBe(404);
  });

  it('answers 403 to an organiser, for the page and the frame', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['organiser']);
    const mail = queueInvitation(world, 'fatma@test.example');

    const page = await request(world.app).get(`/admin/mail/${mail.id}`).set('Cookie', cookie);
    const frame = await request(world.app).get(`/admin/mail/${mail.id}/html`).set('Cookie', cookie);

    expect(page.status).toBe(403);
    expect(frame.status).toBe(403);
    expect(frame.text).not.toContain('Fatma');
  });

  it('sends an anonymous visitor to sign in, for the page and the frame', async () => {
    const world = makeTestApp();
    const mail = queueInvitation(world, 'fatma@test.example');

    const page = await request(world.app).get(`/admin/mail/${mail.id}`);
    const frame = await request(world.app).get(`/admin/mail/${mail.id}/html`);

    expect(page.status).toBe(302);
    expect(page.headers.location).toBe(`/login?next=%2Fadmin%2Fmail%2F${mail.id}`);
    expect(frame.status).toBe(302);
  });
});

describe('GET /admin/mail/:id/html', () => {
  it('serves the HTML part as it was sent, with its own CSP that allows no scripts and only framing by the app', async () => {
    const world = makeTestApp();
    const cookie = await signedInAs(world, ['admin']);
    const mail = queueInvitation(world, 'fatma@test.example', { inviter: '<b>Ad</b> & co' });

    const res = await request(world.app).get(`/admin/mail/${mail.id}/html`).set('Cookie', cookie);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBe(mail.html);
    expect(res.text).toContain('&lt;b&gt;Ad&lt;/b&gt; &amp; co');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('sandbox');
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toContain('script-src');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
