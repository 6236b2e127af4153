import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildUser } from '../support/builders.ts';
import { buildVenueTables } from '../support/matching-builders.ts';
import { formBody, makeMatrixWorld, type MatrixWorld } from '../support/matrix.ts';
import { buildNote } from '../support/notes-builders.ts';
import { buildDinner, buildResident } from '../support/rsvp-builders.ts';
import type { Credentials } from '../support/security.ts';

// Test plan D3, across every spreadsheet the app writes (the notes exports, anonymous and with
// personal data, as CSV and XLSX; JSON and the printed idea bundle are not opened by spreadsheets).
// A cell that a spreadsheet would run as a formula starts with an apostrophe; CSV is RFC 4180 with a
// UTF-8 BOM; a phone number "+31 6 12345678" keeps its digits after the apostrophe (documented).
const FORMULAS = ['=1+1', '+1+1', '-1+1', '@SUM(A1:A2)', '\t=1+1', '\r=1+1', '\0=1+1', '=HYPERLINK("http://evil","x")'];
const QUOTING = ['een, twee', 'zei "hallo"', 'regel een\nregel twee', 'regel een\r\nregel twee'];
const PHONE = '+31 6 12345678';

/** Collects a binary response body (supertest buffers only text by default). */
function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** The body's length check stops at a NUL (SQLite length()), and the forms strip NUL anyway: the body goes without it. */
function bodyOf(value: string): string {
  return value.replace(/^\0/, '');
}

/** What a spreadsheet cell must hold for a stored value: the value, behind an apostrophe if it starts like a formula. */
function neutralised(value: string): string {
  return /^[=+\-@\t\r\0]/.test(value) ? `'${value}` : value;
}

describe('spreadsheet exports (CSV and XLSX)', () => {
  let world: MatrixWorld;
  let staff: Credentials;
  let admin: Credentials;
  const values = [...FORMULAS, ...QUOTING];

  beforeAll(async () => {
    world = await makeMatrixWorld();
    staff = await world.credentials('staff');
    admin = await world.credentials('admin');
    // Every text that reaches an export column carries the value: note fields, dinner, venue,
    // table, neighbourhood, owner and the named resident.
    for (const [i, value] of values.entries()) {
      const dinner = buildDinner(world.db, { title: value });
      world.db.$client.prepare('UPDATE venues SET name = ? WHERE id = ?').run(value, dinner.venueId);
      const [table] = buildVenueTables(world.db, dinner, [{ seats: 6, label: value }]);
      const owner = await buildUser(world.db, { roles: ['staff'], name: value, email: `owner-${i}@test.example` });
      const resident = buildResident(world.db, { name: value, phone: i === 0 ? PHONE : null });
      buildNote(world.db, dinner, {
        body: bodyOf(value),
        quote: value,
        quoteConsent: true,
        locationKind: 'street',
        locationName: value,
        neighbourhood: value,
        statusReason: value,
        publicAnswer: value,
        internalNotes: value,
        ownerUserId: owner.id,
        venueTableId: table!.id,
        residentId: resident.id,
        nameConsent: true,
      });
    }
  });

  async function exportCsv(creds: Credentials, personal: boolean) {
    const res = await request(world.app).post('/notes/export').set('Cookie', creds.cookie).type('form').send(formBody({ _csrf: creds.csrf, format: 'csv', sort: 'oldest', ...(personal ? { personal: 'yes' } : {}) }));
    expect(res.status).toBe(200);
    return res.text;
  }

  async function exportXlsxRows(creds: Credentials, personal: boolean): Promise<string[][]> {
    const res = await request(world.app)
      .post('/notes/export')
      .set('Cookie', creds.cookie)
      .type('form')
      .send(formBody({ _csrf: creds.csrf, format: 'xlsx', sort: 'oldest', ...(personal ? { personal: 'yes' } : {}) }))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as ArrayBuffer);
    const rows: string[][] = [];
    workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((cell) => (cell === null || cell === undefined ? '' : String(cell)))));
    return rows;
  }

  /** Text columns (Dutch headers) whose every row holds the note's value. */
  const TEXT_COLUMNS = ['Tekst', 'Citaat', 'Plek', 'Buurt', 'Maaltijd', 'Locatie', 'Tafel', 'Eigenaar', 'Reden', 'Antwoord aan de buurt'];

  for (const personal of [false, true]) {
    const which = personal ? 'with personal data (admin)' : 'anonymous (staff)';

    it(`CSV ${which}: UTF-8 with BOM, RFC 4180 quoting read back exactly, and every formula cell behind an apostrophe`, async () => {
      const text = await exportCsv(personal ? admin : staff, personal);

      expect(text.charCodeAt(0)).toBe(0xfeff);
      const grid = parse(text, { bom: true }) as string[][];
      const [header, ...rows] = grid;
      expect(rows).toHaveLength(values.length);
      expect(new Set(grid.map((row) => row.length)).size, 'every record has the same number of fields').toBe(1);
      for (const cell of grid.flat()) expect(cell, JSON.stringify(cell)).not.toMatch(/^[=+\-@\t\r\0]/);
      const names = TEXT_COLUMNS.concat(personal ? ['Naam bewoner', 'Interne notities'] : []);
      const columns = names.map((name) => header!.indexOf(name));
      expect(columns, `columns ${names.join(', ')} in ${header!.join(', ')}`).not.toContain(-1);
      for (const [i, value] of values.entries()) {
        for (const column of columns) {
          const stored = header![column] === 'Tekst' ? bodyOf(value) : value;
          expect(rows[i]![column], `${header![column]} of ${JSON.stringify(value)}`).toBe(neutralised(stored));
        }
      }
    });

    it(`XLSX ${which}: every formula cell behind an apostrophe, as exceljs reads it`, async () => {
      const [header, ...rows] = await exportXlsxRows(personal ? admin : staff, personal);

      expect(rows).toHaveLength(values.length);
      for (const cell of [header!, ...rows].flat()) expect(cell, JSON.stringify(cell)).not.toMatch(/^[=+\-@\t\r\0]/);
      const text = header!.indexOf('Tekst');
      // XML reads every line end back as LF, so a CR in a cell returns as LF; the apostrophe stays in front.
      expect(rows.map((row) => row[text])).toEqual(values.map((value) => neutralised(bodyOf(value)).replace(/\r\n?/g, '\n')));
    });
  }

  it('keeps the digits of a phone number behind the apostrophe in the personal export, CSV and XLSX', async () => {
    const [header, ...rows] = parse(await exportCsv(admin, true), { bom: true }) as string[][];
    const [xlsxHeader, ...xlsxRows] = await exportXlsxRows(admin, true);

    const phones = rows.map((row) => row[header!.indexOf('Telefoon bewoner')]).filter(Boolean);
    const xlsxPhones = xlsxRows.map((row) => row[xlsxHeader!.indexOf('Telefoon bewoner')]).filter(Boolean);
    expect(phones).toEqual([`'${PHONE}`]);
    expect(xlsxPhones).toEqual([`'${PHONE}`]);
    expect(phones[0]!.slice(1).replace(/\D/g, '')).toBe('31612345678');
  });
});
