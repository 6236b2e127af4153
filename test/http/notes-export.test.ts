import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent, buildUser } from '../support/builders.ts';
import { buildAttendee, buildNote } from '../support/notes-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';

async function signedIn(roles: ('organiser' | 'staff' | 'admin')[]) {
  const world = makeTestApp();
  const user = await buildUser(world.db, { roles });
  const browser = browserAgent(world.app);
  await browser.signIn(user);
  await browser.get('/notes');
  return { ...world, user, browser };
}

/** Collects a binary response body (supertest buffers only text by default). */
function binary(res: Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('POST /notes/export', () => {
  it('exports the filtered set as CSV with BOM, neutralised formulas and no personal columns, and audits it', async () => {
    const { db, browser, user } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    const resident = buildAttendee(db, dinner, { name: 'Jan Jansen' });
    buildNote(db, dinner, { body: '=HYPERLINK("http://evil","x")', residentId: resident.id, nameConsent: true });
    buildNote(db, dinner, { kind: 'story', status: null, body: 'Een verhaal, met "komma"' });

    const res = await browser.post('/notes/export', { format: 'csv', kind: 'idea' });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="notes-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const records = parse(res.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(1);
    expect(records[0]!['Tekst']).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(records[0]!['Status']).toBe('Nieuw');
    expect(Object.keys(records[0]!)).not.toContain('Naam bewoner');
    expect(res.text).not.toContain('Jan Jansen');
    expect(res.text).not.toContain(resident.email!);
    const audit = db.select().from(auditEvents).where(eq(auditEvents.action, 'notes.export')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorUserId).toBe(user.id);
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ format: 'csv', filter: { kind: 'idea' } });
  });

  it('exports XLSX that exceljs reads back', async () => {
    const { db, browser } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    buildNote(db, dinner, { body: '+31 6 12345678 belde over de lift' });

    const res = await browser.agent.post('/notes/export').type('form').send({ _csrf: await csrfOf(browser), format: 'xlsx' }).buffer(true).parse(binary);

    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(12).value).toBe('Tekst');
    expect(sheet.getRow(2).getCell(12).value).toBe("'+31 6 12345678 belde over de lift");
  });

  it('exports JSON with the same rows', async () => {
    const { db, browser } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    buildNote(db, dinner, { body: 'Speeltuin opknappen' });

    const res = await browser.post('/notes/export', { format: 'json' });

    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([expect.objectContaining({ text: 'Speeltuin opknappen', kind: 'Idee', status: 'Nieuw' })]);
  });

  it('lets admins export with names and contact details, only for residents who agreed, and audits it as personal', async () => {
    const { db, browser } = await signedIn(['admin']);
    const dinner = buildDinner(db);
    const named = buildAttendee(db, dinner, { name: 'Amina Bakri' });
    buildNote(db, dinner, { body: 'Met naam', residentId: named.id, nameConsent: true });
    buildNote(db, dinner, { body: 'Zonder naam' });

    const res = await browser.post('/notes/export', { format: 'csv', personal: 'yes', sort: 'oldest' });

    expect(res.status).toBe(200);
    const records = parse(res.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(records.map((record) => [record['Tekst'], record['Naam bewoner'], record['E-mail bewoner']])).toEqual([
      ['Met naam', 'Amina Bakri', named.email],
      ['Zonder naam', '', ''],
    ]);
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'notes.export_personal')).all()).toHaveLength(1);
  });

  it('refuses the personal export to staff without the admin role, and records no export', async () => {
    const { db, browser } = await signedIn(['staff']);

    const res = await browser.post('/notes/export', { format: 'csv', personal: 'yes' });

    expect(res.status).toBe(403);
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'notes.export_personal')).all()).toHaveLength(0);
  });

  it('answers 422 naming the field for a bad date and exports nothing', async () => {
    const { db, browser } = await signedIn(['staff']);

    const res = await browser.post('/notes/export', { format: 'csv', from: '14-03-2026' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('href="#field-from"');
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'notes.export')).all()).toHaveLength(0);
  });

  it('answers 400 for an unknown format', async () => {
    const { browser } = await signedIn(['staff']);

    expect((await browser.post('/notes/export', { format: 'exe' })).status).toBe(400);
  });

  it('renders an idea bundle for one complex as a printable page without names', async () => {
    const { db, browser } = await signedIn(['staff']);
    const dinner = buildDinner(db);
    const named = buildAttendee(db, dinner, { name: 'Piet Paulusma' });
    buildNote(db, dinner, { body: 'Fietsenstalling bij De Linde', locationKind: 'complex', locationName: 'De Linde', residentId: named.id, nameConsent: true });
    buildNote(db, dinner, { body: 'Iets over een andere straat', locationKind: 'street', locationName: 'Kerkstraat' });

    const bundles = await browser.get('/notes/bundles');
    const res = await browser.post('/notes/export', { format: 'print', kind: 'idea', neighbourhood: 'Oost', location: 'De Linde' });

    expect(bundles.text).toContain('De Linde');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Fietsenstalling bij De Linde');
    expect(res.text).not.toContain('Kerkstraat');
    expect(res.text).not.toContain('Piet Paulusma');
  });
});

async function csrfOf(browser: ReturnType<typeof browserAgent>): Promise<string> {
  const page = await browser.get('/notes');
  return /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
}
