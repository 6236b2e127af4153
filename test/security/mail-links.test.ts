import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { TEST_BASE_URL } from '../support/app.ts';
import { allowedActor, bodyFor, entryFor, inventory, makeMatrixWorld, pathFor, send } from '../support/matrix.ts';
import { UNSAFE_METHODS } from '../support/routes.ts';
import { totalChanges, watchWrites } from '../support/security.ts';

// Test plan E2: mail scanners (Outlook Safe Links) open every link in a mail, with HEAD and GET and
// no cookies, the moment it arrives. None of those visits may change anything.

/** Every link to our own site in a mail's HTML and text parts. */
function ownLinks(html: string, text: string): string[] {
  const links = new Set<string>();
  for (const match of `${html}\n${text}`.matchAll(/https?:\/\/[^\s"'<>)]+/g)) {
    const url = match[0].replace(/&amp;/g, '&').replace(/[.,;]+$/, '');
    if (url.startsWith(TEST_BASE_URL)) links.add(url.slice(TEST_BASE_URL.length) || '/');
  }
  return [...links];
}

describe('links in mail, opened by a scanner', () => {
  it('change nothing when every link in every mail the app sends is fetched with HEAD and GET without cookies', async () => {
    // Make the app send every mail it can: each unsafe route, once, as the role the matrix allows.
    const world = await makeMatrixWorld();
    for (const route of inventory().filter((r) => UNSAFE_METHODS.includes(r.method) && entryFor(r) && !/logout/.test(r.path))) {
      const creds = await world.credentials(allowedActor(route) ?? 'admin');
      await send(world.app, route, await pathFor(route, world.ctx), creds, await bodyFor(route, world.ctx));
    }
    const mails = world.db.select({ id: outbox.id, template: outbox.template, html: outbox.html, text: outbox.text }).from(outbox).all();
    const links = mails.flatMap((mail) => ownLinks(mail.html, mail.text).map((link) => ({ template: mail.template, link })));
    const writes = watchWrites(world.db);
    writes.reset();
    const before = totalChanges(world.db);
    const statuses: string[] = [];

    for (const { template, link } of links) {
      const head = await request(world.app).head(link);
      const get = await request(world.app).get(link);
      statuses.push(`${template} ${head.status}/${get.status}`);
    }

    console.info(`E2: ${mails.length} mails (${[...new Set(mails.map((m) => m.template))].join(', ')}), ${links.length} links fetched`);
    expect(links.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => /\/5\d\d$|^\S+ 5\d\d/.test(s))).toEqual([]);
    expect(writes.writes()).toEqual([]);
    expect(totalChanges(world.db)).toBe(before);
  });
});
