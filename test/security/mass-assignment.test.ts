import { eq } from 'drizzle-orm';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { userRoles, users } from '../../src/db/schema.ts';
import { issueUserToken } from '../../src/features/auth/auth.service.ts';
import { notes } from '../../src/features/notes/notes.schema.ts';
import { residents } from '../../src/features/residents/residents.schema.ts';
import { joinRequests, rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { dinners } from '../../src/features/scheduling/scheduling.schema.ts';
import { buildUser } from '../support/builders.ts';
import { formBody, makeMatrixWorld, type MatrixWorld } from '../support/matrix.ts';
import { buildNote } from '../support/notes-builders.ts';
import { buildConfirmedRsvp, buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { buildScheduledDinners, buildVenue, dinnerForm } from '../support/scheduling-builders.ts';
import type { Credentials } from '../support/security.ts';

// Test plan G4: fields a form does not have are ignored. A browser can post anything; the stored rows
// show no change to role, status, owner, dinner, resident, capacity or id.

describe('extra fields on the main forms (mass assignment)', () => {
  let world: MatrixWorld;
  let organiser: Credentials;
  let admin: Credentials;
  let anonymous: Credentials;
  /** Another dinner and resident, whose ids the extra fields point at. */
  const other = { dinnerId: 0, residentId: 0, rsvpId: 0, noteId: 0 };
  let otherBefore: string;

  beforeAll(async () => {
    world = await makeMatrixWorld();
    organiser = await world.credentials('organiser');
    admin = await world.credentials('admin');
    anonymous = await world.credentials('anonymous');
    const dinner = buildDinner(world.db);
    const rsvp = buildConfirmedRsvp(world.db, dinner);
    Object.assign(other, { dinnerId: dinner.id, residentId: rsvp.residentId!, rsvpId: rsvp.id, noteId: buildNote(world.db, dinner).id });
    otherBefore = otherRows();
  });

  function post(path: string, creds: Credentials, fields: Record<string, string | string[]>) {
    return request(world.app).post(path).set('Cookie', creds.cookie).type('form').send(formBody({ _csrf: creds.csrf, ...fields }));
  }

  function rolesOf(userId: number): string[] {
    return world.db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)).all().map((row) => row.role).sort();
  }

  /** The other dinner, its resident, answer and note, as stored. */
  function otherRows(): string {
    return JSON.stringify([
      world.db.select().from(dinners).where(eq(dinners.id, other.dinnerId)).get(),
      world.db.select().from(residents).where(eq(residents.id, other.residentId)).get(),
      world.db.select().from(rsvps).where(eq(rsvps.dinnerId, other.dinnerId)).all(),
      world.db.select().from(notes).where(eq(notes.dinnerId, other.dinnerId)).all(),
    ]);
  }

  /** What an attacker adds to every form. */
  const extras = () => ({
    role: 'admin',
    roles: 'admin',
    status: 'confirmed',
    dinner_id: String(other.dinnerId),
    dinnerId: String(other.dinnerId),
    residentId: String(other.residentId),
    resident_id: String(other.residentId),
    capacity: '999',
    seats: '999',
    id: String(other.rsvpId),
  });

  it('RSVP answer: a "no" with status=confirmed, another dinner, resident and id is stored as this resident\'s "no" for this dinner', async () => {
    const dinner = buildDinner(world.db);
    const resident = buildResident(world.db);
    const link = personalLink(world.db, resident.id, dinner, world.clock.now());

    const res = await post(link, anonymous, { ...extras(), answer: 'no' });

    expect(res.status).toBe(303);
    const answers = world.db.select({ dinnerId: rsvps.dinnerId, status: rsvps.status, people: rsvps.people }).from(rsvps).where(eq(rsvps.residentId, resident.id)).all();
    expect(answers).toEqual([{ dinnerId: dinner.id, status: 'declined', people: 0 }]);
    expect(world.db.select({ capacity: dinners.capacity }).from(dinners).where(eq(dinners.id, dinner.id)).get()!.capacity).toBe(dinner.capacity);
    expect(otherRows()).toBe(otherBefore);
  });

  it('join form: the request is for the dinner in the address and carries none of the extra fields', async () => {
    const dinner = buildDinner(world.db);

    const res = await post(`/dinners/${dinner.id}/join`, anonymous, { ...extras(), name: 'Nieuwe Buur', email: 'nieuwe.buur@test.example', people: '2' });

    expect(res.status).toBe(200);
    const stored = world.db.select().from(joinRequests).where(eq(joinRequests.email, 'nieuwe.buur@test.example')).all();
    expect(stored.map((row) => row.dinnerId)).toEqual([dinner.id]);
    for (const key of Object.keys(extras())) expect(JSON.parse(stored[0]!.payload)).not.toHaveProperty(key);
    expect(world.db.select().from(rsvps).where(eq(rsvps.dinnerId, dinner.id)).all()).toEqual([]);
    expect(otherRows()).toBe(otherBefore);
  });

  it('resident edit: saves this resident\'s fields only, whatever id or resident id is posted', async () => {
    const resident = buildResident(world.db, { name: 'Oude Naam' });

    const res = await post(`/admin/residents/${resident.id}`, organiser, {
      ...extras(),
      id: String(other.residentId),
      name: 'Nieuwe Naam',
      email: resident.email!,
      locale: 'nl',
      adults: '1',
      children: '0',
      createdAt: '0',
    });

    expect(res.status).toBe(303);
    const stored = world.db.select().from(residents).where(eq(residents.id, resident.id)).get()!;
    expect(stored.name).toBe('Nieuwe Naam');
    expect(stored.createdAt).toEqual(resident.createdAt);
    expect(otherRows()).toBe(otherBefore);
  });

  it('answer on behalf by staff: a resident id in the form does not redirect the answer to another resident', async () => {
    const dinner = buildDinner(world.db);
    const resident = buildResident(world.db);

    const res = await post(`/admin/residents/${resident.id}/answer`, organiser, { ...extras(), dinnerId: String(dinner.id), answer: 'yes', people: '1' });

    expect(res.status).toBe(303);
    expect(world.db.select({ residentId: rsvps.residentId }).from(rsvps).where(eq(rsvps.dinnerId, dinner.id)).all()).toEqual([{ residentId: resident.id }]);
    expect(otherRows()).toBe(otherBefore);
  });

  it('dinner edit: status, uid, series and another dinner\'s id in the form leave those fields as they were', async () => {
    const venue = buildVenue(world.db);
    const [dinnerId] = buildScheduledDinners(world.db, venue.id);
    const before = world.db.select().from(dinners).where(eq(dinners.id, dinnerId!)).get()!;

    const res = await post(`/agenda/dinners/${dinnerId}`, organiser, {
      ...dinnerForm(venue.id, { title: 'Buurtdiner met een nieuwe titel' }),
      ...extras(),
      capacity: '',
      status: 'cancelled',
      uid: 'forged@evil.example',
      seriesId: '1',
      createdByUserId: String(world.actors.admin.id),
    });

    expect(res.status).toBe(303);
    const after = world.db.select().from(dinners).where(eq(dinners.id, dinnerId!)).get()!;
    expect(after.title).toBe('Buurtdiner met een nieuwe titel');
    expect({ id: after.id, status: after.status, uid: after.uid, seriesId: after.seriesId, capacity: after.capacity }).toEqual({
      id: before.id,
      status: before.status,
      uid: before.uid,
      seriesId: before.seriesId,
      capacity: before.capacity,
    });
    expect(otherRows()).toBe(otherBefore);
  });

  it('note capture: the note belongs to the dinner in the address, to nobody, with status "new", whatever the form adds', async () => {
    const dinner = buildDinner(world.db);

    const res = await post(`/notes/dinners/${dinner.id}`, organiser, {
      ...extras(),
      kind: 'idea',
      body: 'Een picknicktafel bij de vijver',
      status: 'done',
      source: 'resident',
      nameConsent: 'on',
      recordedByUserId: String(world.actors.admin.id),
      id: String(other.noteId),
    });

    expect(res.status).toBe(303);
    const stored = world.db.select().from(notes).where(eq(notes.body, 'Een picknicktafel bij de vijver')).all();
    expect(stored.map((note) => ({ dinnerId: note.dinnerId, residentId: note.residentId, status: note.status, source: note.source, by: note.recordedByUserId, nameConsent: note.nameConsent }))).toEqual([
      { dinnerId: dinner.id, residentId: null, status: 'new', source: 'staff', by: world.actors.organiser.id, nameConsent: false },
    ]);
    expect(otherRows()).toBe(otherBefore);
  });

  it('account invitation: the new account gets only the ticked roles, never an id or role from extra fields', async () => {
    const res = await post('/admin/users', admin, { ...extras(), id: String(world.actors.admin.id), name: 'Nieuwe Collega', email: 'collega@test.example', locale: 'nl', roles: 'staff', isAdmin: 'true' });

    expect(res.status).toBe(303);
    const created = world.db.select().from(users).where(eq(users.email, 'collega@test.example')).get()!;
    expect(rolesOf(created.id)).toEqual(['staff']);
    expect(created.id).not.toBe(world.actors.admin.id);
    expect(world.db.select({ name: users.name }).from(users).where(eq(users.id, world.actors.admin.id)).get()!.name).toBe(world.actors.admin.name);
  });

  it('accepting an invitation: roles, e-mail and id in the form leave the account\'s roles and address as invited', async () => {
    const invited = await buildUser(world.db, { withPassword: false, roles: ['organiser'], email: 'uitgenodigd@test.example' });
    const token = issueUserToken(world.db, invited.id, 'invitation', world.clock.now());

    const res = await post(`/invitation/${token}`, anonymous, {
      ...extras(),
      roles: ['admin', 'staff'],
      email: world.actors.admin.email,
      id: String(world.actors.admin.id),
      name: 'Uitgenodigde',
      password: 'a long enough passphrase',
      confirm: 'a long enough passphrase',
    });

    expect(res.status).toBe(303);
    const stored = world.db.select().from(users).where(eq(users.id, invited.id)).get()!;
    expect([rolesOf(invited.id), stored.email, stored.name]).toEqual([['organiser'], 'uitgenodigd@test.example', 'Uitgenodigde']);
    expect(rolesOf(world.actors.admin.id)).toEqual(['admin']);
  });
});
