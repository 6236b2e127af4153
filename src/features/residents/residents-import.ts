import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { DbOrTx } from '../../db/client.ts';
import { cleanText, parseForm } from '../../lib/forms.ts';
import { residentFormIn, type ResidentInput } from './residents.forms.ts';
import { residents } from './residents.schema.ts';

/** Column names in the file (lower case, spaces or dashes as underscores) → form fields. */
const COLUMNS: Record<string, keyof ResidentInput> = {
  name: 'name',
  naam: 'name',
  email: 'email',
  e_mail: 'email',
  phone: 'phone',
  telefoon: 'phone',
  locale: 'locale',
  language: 'locale',
  taal: 'locale',
  street: 'street',
  straat: 'street',
  house_number: 'houseNumber',
  huisnummer: 'houseNumber',
  postcode: 'postcode',
  complex: 'complex',
  neighbourhood: 'neighbourhood',
  buurt: 'neighbourhood',
  adults: 'adults',
  volwassenen: 'adults',
  children: 'children',
  kinderen: 'children',
  household_names: 'householdNames',
  languages: 'languages',
  talen: 'languages',
  birth_year: 'birthYear',
  geboortejaar: 'birthYear',
};
export const MAX_IMPORT_ROWS = 5000;

export type FileRow = { line: number; cells: Record<string, string> };
export type ReadResult = { ok: true; rows: FileRow[] } | { ok: false; key: string; values?: Record<string, string | number> };

function normaliseHeader(header: string): string {
  return cleanText(header).toLowerCase().replace(/[\s-]+/g, '_');
}

/** Reads a CSV (UTF-8, comma or semicolon) or XLSX file into rows keyed by form field, with file line numbers. */
export async function readResidentFile(data: Buffer, filename: string): Promise<ReadResult> {
  let table: string[][];
  if (/\.xlsx$/i.test(filename) || data.subarray(0, 2).toString('latin1') === 'PK') {
    try {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(data as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      if (!sheet) return { ok: false, key: 'residents:import.empty' };
      table = [];
      sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
        const cells: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell, column) => {
          cells[column - 1] = cell.text ?? '';
        });
        table[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
      });
      table = Array.from(table, (r) => r ?? []);
    } catch {
      return { ok: false, key: 'residents:import.unreadable' };
    }
  } else {
    if (!isUtf8(data)) return { ok: false, key: 'residents:import.badEncoding' };
    const text = data.toString('utf8').replace(/^\uFEFF/, '');
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    try {
      table = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false }) as string[][];
    } catch {
      return { ok: false, key: 'residents:import.unreadable' };
    }
  }
  const [header, ...body] = table;
  if (!header) return { ok: false, key: 'residents:import.empty' };
  const fields = header.map((h) => COLUMNS[normaliseHeader(h ?? '')]);
  const missing = [];
  if (!fields.includes('name')) missing.push('name');
  if (!fields.includes('email') && !fields.includes('phone')) missing.push('email/phone');
  if (missing.length > 0) return { ok: false, key: 'residents:import.missingColumns', values: { columns: missing.join(', ') } };
  const rows: FileRow[] = [];
  body.forEach((cells, index) => {
    if (cells.every((c) => !c || !String(c).trim())) return;
    const record: Record<string, string> = {};
    fields.forEach((field, column) => {
      if (field) record[field] = String(cells[column] ?? '');
    });
    rows.push({ line: index + 2, cells: record });
  });
  if (rows.length === 0) return { ok: false, key: 'residents:import.empty' };
  if (rows.length > MAX_IMPORT_ROWS) return { ok: false, key: 'residents:import.tooMany', values: { max: MAX_IMPORT_ROWS } };
  return { ok: true, rows };
}

export type ImportProblem = { line: number; field: string; reason: string; values?: Record<string, string | number> };
export type ImportPreview = { valid: { line: number; input: ResidentInput }[]; problems: ImportProblem[] };

/**
 * Checks every row like the add form does, plus duplicates (same e-mail or phone) within the file
 * and against residents already stored. Saves nothing. Birth years may go up to currentYear.
 */
export function previewImport(db: DbOrTx, rows: FileRow[], currentYear: number): ImportPreview {
  const existingEmails = new Set<string>();
  const existingPhones = new Set<string>();
  for (const row of db.select({ email: residents.email, phone: residents.phone }).from(residents).all()) {
    if (row.email) existingEmails.add(row.email);
    if (row.phone) existingPhones.add(row.phone);
  }
  const seenEmail = new Map<string, number>();
  const seenPhone = new Map<string, number>();
  const preview: ImportPreview = { valid: [], problems: [] };
  const schema = residentFormIn(currentYear);
  for (const row of rows) {
    const form = parseForm(schema, { locale: 'nl', adults: '1', children: '0', ...withoutEmpty(row.cells) });
    if (!form.ok) {
      for (const [field, messages] of Object.entries(form.errors)) {
        for (const reason of messages) preview.problems.push({ line: row.line, field, reason });
      }
      continue;
    }
    const input = form.data;
    const problems: ImportProblem[] = [];
    const checks: [string | null, Map<string, number>, Set<string>, 'email' | 'phone'][] = [
      [input.email, seenEmail, existingEmails, 'email'],
      [input.phone, seenPhone, existingPhones, 'phone'],
    ];
    for (const [value, seen, existing, field] of checks) {
      if (!value) continue;
      const earlier = seen.get(value);
      if (earlier !== undefined) problems.push({ line: row.line, field, reason: 'residents:import.duplicateInFile', values: { field, line: earlier } });
      else if (existing.has(value)) problems.push({ line: row.line, field, reason: 'residents:import.duplicateExisting', values: { field } });
      else seen.set(value, row.line);
    }
    if (problems.length > 0) preview.problems.push(...problems);
    else preview.valid.push({ line: row.line, input });
  }
  return preview;
}

function withoutEmpty(cells: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(cells)) if (value.trim() !== '') result[key] = value;
  return result;
}
