import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { formBody, makeMatrixWorld, type MatrixWorld } from '../support/matrix.ts';
import { buildConfirmedGuest, buildVenueTables } from '../support/matching-builders.ts';
import { buildNote } from '../support/notes-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';
import type { Credentials } from '../support/security.ts';

// Test plan G3: what an organiser's lists and a staff export show of a person. Diets only where the
// kitchen or door needs them (allergies by name, other diets as counts); cultural background and
// languages only as counts; the notes export names nobody unless an admin asks for the audited
// export with personal data.

/** Collects a binary response body (supertest buffers only text by default). */
function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('field-level access', () => {
  let world: MatrixWorld;
  let organiser: Credentials;
  let staff: Credentials;
  let dinnerId: number;
  const amina = { name: 'Amina Achterberg', email: 'amina.achterberg@test.example', phone: '+31 6 11122233' };
  const bart = { name: 'Bart Bosveld' };

  beforeAll(async () => {
    world = await makeMatrixWorld();
    organiser = await world.credentials('organiser');
    staff = await world.credentials('staff');
    const dinner = buildDinner(world.db, { minTableSize: 2, maxTableSize: 8 });
    dinnerId = dinner.id;
    buildVenueTables(world.db, dinner, [{ seats: 6 }]);
    // Everyone shares Dutch, so the table's language says nothing about one person.
    const a = buildConfirmedGuest(world.db, dinner, { name: amina.name, email: amina.email, background: 'moroccan', languages: 'Nederlands, Tamazight', diets: ['halal'] });
    world.db.$client.prepare('UPDATE residents SET phone = ? WHERE id = ?').run(amina.phone, a.resident.id);
    buildConfirmedGuest(world.db, dinner, { name: bart.name, background: 'eritrean', languages: 'Nederlands, Tigrinya', diets: ['nut_allergy'] });
    buildConfirmedGuest(world.db, dinner, { languages: 'Nederlands' });
    buildNote(world.db, dinner, { body: 'Een buurtmoestuin', residentId: a.resident.id, nameConsent: true });
    const plan = await request(world.app).post(`/agenda/dinners/${dinnerId}/plan`).set('Cookie', organiser.cookie).type('form').send(formBody({ _csrf: organiser.csrf }));
    expect(plan.status).toBe(303);
  });

  const get = (path: string, creds: Credentials) => request(world.app).get(path).set('Cookie', creds.cookie);
  const exportAs = (creds: Credentials, fields: Record<string, string>) =>
    request(world.app).post('/notes/export').set('Cookie', creds.cookie).type('form').send(formBody({ _csrf: creds.csrf, ...fields }));

  const ORGANISER_LISTS = ['guests', 'door-list', 'check-in', 'plan', 'plan/print', 'plan/place-cards', 'plan/kitchen'];

  it('shows no cultural background and no language of any one guest on the organiser\'s lists', async () => {
    for (const list of ORGANISER_LISTS) {
      const res = await get(`/agenda/dinners/${dinnerId}/${list}`, organiser);

      expect(res.status, list).toBe(200);
      if (list !== 'plan/kitchen') expect(res.text, list).toContain(amina.name);
      for (const personal of ['Marokkaans', 'Eritrees', 'moroccan', 'eritrean', 'Tamazight', 'Tigrinya']) expect(res.text, `${list} shows ${personal}`).not.toContain(personal);
    }
  });

  it('shows the mix of backgrounds on the table plan only as counts', async () => {
    const res = await get(`/agenda/dinners/${dinnerId}/plan`, organiser);

    expect(res.text).toContain('Mix: 2 verschillende achtergronden bij 2 mensen');
  });

  it('names guests with an allergy for the kitchen, counts the other diets, and leaves diets off the door list', async () => {
    const guests = await get(`/agenda/dinners/${dinnerId}/guests`, organiser);
    const kitchen = await get(`/agenda/dinners/${dinnerId}/plan/kitchen`, organiser);
    const door = await get(`/agenda/dinners/${dinnerId}/door-list`, organiser);

    expect(guests.text).toMatch(/<li><strong>Notenallergie<\/strong>: [^<—]+ — Bart Bosveld<\/li>/);
    expect(guests.text).toMatch(/<li><strong>Halal<\/strong>: [^<—]+<\/li>/);
    expect(kitchen.text).toContain('Bart Bosveld');
    expect(kitchen.text).not.toContain(amina.name);
    expect(kitchen.text).toContain('Halal: 1');
    for (const diet of ['Halal', 'Notenallergie']) expect(door.text).not.toContain(diet);
  });

  it('exports notes as CSV, JSON and XLSX without name, e-mail or phone columns or values', async () => {
    const csv = await exportAs(staff, { format: 'csv' });
    const json = await exportAs(staff, { format: 'json' });
    const xlsx = await request(world.app).post('/notes/export').set('Cookie', staff.cookie).type('form').send(formBody({ _csrf: staff.csrf, format: 'xlsx' })).buffer(true).parse(binary);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;

    const headers = {
      csv: Object.keys((parse(csv.text, { bom: true, columns: true }) as Record<string, string>[])[0]!),
      json: Object.keys((JSON.parse(json.text) as Record<string, unknown>[])[0]!),
      xlsx: (sheet.getRow(1).values as unknown[]).filter((v): v is string => typeof v === 'string'),
    };
    const cells = [csv.text, json.text, JSON.stringify(sheet.getSheetValues())];

    for (const [format, columns] of Object.entries(headers)) {
      expect(columns.length, format).toBeGreaterThan(5);
      expect(columns.filter((c) => /naam bewoner|e-?mail|telefoon|phone|resident/i.test(c)), format).toEqual([]);
    }
    for (const text of cells) for (const value of [amina.name, amina.email, '11122233']) expect(text).not.toContain(value);
  });

  it('refuses the export with personal data to staff (403) and gives it, audited, to an admin', async () => {
    const admin = await world.credentials('admin');

    const refused = await exportAs(staff, { format: 'csv', personal: 'yes' });
    const given = await exportAs(admin, { format: 'csv', personal: 'yes' });

    expect(refused.status).toBe(403);
    expect(given.status).toBe(200);
    const row = (parse(given.text, { bom: true, columns: true }) as Record<string, string>[])[0]!;
    expect([row['Naam bewoner'], row['E-mail bewoner']]).toEqual([amina.name, amina.email]);
    const audited = world.db.$client.prepare("SELECT actor_user_id AS actor FROM audit_events WHERE action = 'notes.export_personal'").all() as { actor: number }[];
    expect(audited.map((event) => event.actor)).toEqual([world.actors.admin.id]);
  });
});
