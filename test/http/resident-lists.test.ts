import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { residentListMembers, residentLists, residents } from '../../src/features/residents/residents.schema.ts';
import { makeTestApp, type TestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildResident, buildResidentList } from '../support/rsvp-builders.ts';

describe('saved lists: rename, members, delete', () => {
  let world: TestApp;
  let browser: ReturnType<typeof browserAgent>;
  beforeAll(async () => {
    world = makeTestApp();
    browser = browserAgent(world.app);
    await browser.signIn(await buildUser(world.db, { roles: ['organiser'] }));
  });

  const memberIds = (listId: number) => world.db.select().from(residentListMembers).where(eq(residentListMembers.listId, listId)).all().map((m) => m.residentId);
  const listName = (listId: number) => world.db.select().from(residentLists).where(eq(residentLists.id, listId)).get()?.name;

  it('renames a list and confirms the new name', async () => {
    const list = buildResidentList(world.db, [], 'Senioren');
    await browser.get(`/admin/residents/lists/${list.id}`);

    const res = await browser.post(`/admin/residents/lists/${list.id}`, { name: 'Senioren De Linde' });
    const page = await browser.get(res.headers.location!);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/residents/lists/${list.id}`);
    expect(page.text).toContain('De lijst heet nu &#34;Senioren De Linde&#34;.');
    expect(listName(list.id)).toBe('Senioren De Linde');
  });

  it('answers 422 naming the field for an empty name or the name of another list, and keeps the old name', async () => {
    const list = buildResidentList(world.db, [], 'Jongeren');
    buildResidentList(world.db, [], 'Gezinnen');
    await browser.get(`/admin/residents/lists/${list.id}`);

    const empty = await browser.post(`/admin/residents/lists/${list.id}`, { name: '  ' });
    const taken = await browser.post(`/admin/residents/lists/${list.id}`, { name: 'Gezinnen' });

    expect([empty.status, taken.status]).toEqual([422, 422]);
    expect(empty.text).toContain('href="#field-name"');
    expect(taken.text).toContain('Er is al een lijst met deze naam.');
    expect(listName(list.id)).toBe('Jongeren');
  });

  it('adds a resident found by search and removes a member, confirming each, and audits both', async () => {
    const member = buildResident(world.db, { name: 'Henk Lid' });
    const found = buildResident(world.db, { name: 'Zeynep Zoeker' });
    const list = buildResidentList(world.db, [member.id]);

    const search = await browser.get(`/admin/residents/lists/${list.id}?q=Zeynep`);
    const added = await browser.post(`/admin/residents/lists/${list.id}/members`, { residentId: String(found.id), q: 'Zeynep' });
    const afterAdd = await browser.get(added.headers.location!);
    const removed = await browser.post(`/admin/residents/lists/${list.id}/members/${member.id}/remove`);
    const afterRemove = await browser.get(removed.headers.location!);

    expect(search.text).toContain('Zeynep Zoeker');
    expect(added.status).toBe(303);
    expect(afterAdd.text).toContain('Zeynep Zoeker staat op de lijst');
    expect(removed.status).toBe(303);
    expect(afterRemove.text).toContain('Henk Lid is van de lijst');
    expect(memberIds(list.id)).toEqual([found.id]);
    expect(world.db.select().from(residents).where(eq(residents.id, member.id)).get()).toBeDefined();
    const actions = world.db.select().from(auditEvents).where(eq(auditEvents.objectId, String(list.id))).all().map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['residents.list_member_added', 'residents.list_member_removed']));
  });

  it('answers 422 for an add with an unknown or missing resident, and adds no one', async () => {
    const list = buildResidentList(world.db);
    await browser.get(`/admin/residents/lists/${list.id}`);

    const unknown = await browser.post(`/admin/residents/lists/${list.id}/members`, { residentId: '999999' });
    const missing = await browser.post(`/admin/residents/lists/${list.id}/members`, {});

    expect([unknown.status, missing.status]).toEqual([422, 422]);
    expect(unknown.text).toContain('Deze bewoner bestaat niet (meer).');
    expect(memberIds(list.id)).toEqual([]);
  });

  it('deletes a list only when the deletion is ticked, confirms it, and keeps its residents', async () => {
    const resident = buildResident(world.db);
    const list = buildResidentList(world.db, [resident.id], 'Tijdelijk');
    await browser.get(`/admin/residents/lists/${list.id}`);

    const unticked = await browser.post(`/admin/residents/lists/${list.id}/delete`);
    const kept = listName(list.id);
    const deleted = await browser.post(`/admin/residents/lists/${list.id}/delete`, { sure: 'on' });
    const overview = await browser.get(deleted.headers.location!);

    expect(unticked.status).toBe(422);
    expect(unticked.text).toContain('Vink aan dat u de lijst wilt verwijderen.');
    expect(kept).toBe('Tijdelijk');
    expect(deleted.status).toBe(303);
    expect(deleted.headers.location).toBe('/admin/residents');
    expect(overview.text).toContain('De lijst &#34;Tijdelijk&#34; is verwijderd.');
    expect(listName(list.id)).toBeUndefined();
    expect(memberIds(list.id)).toEqual([]);
    expect(world.db.select().from(residents).where(eq(residents.id, resident.id)).get()).toBeDefined();
  });

  it('answers 404 for a list that does not exist and for removing someone who is not on the list', async () => {
    const list = buildResidentList(world.db);
    const outsider = buildResident(world.db);

    const page = await browser.get('/admin/residents/lists/999999');
    const remove = await browser.post(`/admin/residents/lists/${list.id}/members/${outsider.id}/remove`);

    expect([page.status, remove.status]).toEqual([404, 404]);
  });
});
