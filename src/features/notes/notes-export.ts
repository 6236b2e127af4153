import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';

// Pure serialisers for exports: no database, no HTTP. Rows arrive as an iterable (the service
// reads them a page at a time), so a million rows never sit in memory at once.

export type Cell = string | number | null;
export type ExportColumn<R> = { header: string; value: (row: R) => Cell };

/** The characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection), plus NUL. */
const FORMULA_START = /^[=+\-@\t\r\0]/;

/**
 * Neutralises a text cell for spreadsheets: a value starting with =, +, -, @, tab, CR or NUL gets
 * a leading apostrophe, so Excel and LibreOffice show it as text instead of running it.
 * A phone number "+31 6 …" becomes "'+31 6 …": the digits stay, the apostrophe is documented.
 */
export function neutraliseCell(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function toRecord<R>(columns: ExportColumn<R>[], row: R, neutralise: boolean): Cell[] {
  const record: Cell[] = [];
  for (const column of columns) {
    const value = column.value(row);
    record.push(neutralise ? neutraliseCell(value) : value);
  }
  return record;
}

const CSV_BATCH = 500;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote or line break. */
function csvField(value: Cell): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(cells: Cell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i === 0 ? '' : ',') + csvField(cells[i]!);
  return `${line}\r\n`;
}

function* csvChunks<R>(columns: ExportColumn<R>[], rows: Iterable<R>): Generator<string> {
  // The BOM tells Excel the file is UTF-8; without it accents come out garbled.
  let chunk = '\uFEFF' + csvLine(columns.map((column) => neutraliseCell(column.header)));
  let count = 0;
  for (const row of rows) {
    chunk += csvLine(toRecord(columns, row, true));
    // Rows go out in batches: one stream chunk per row would cost more than the quoting itself.
    if (++count % CSV_BATCH === 0) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/**
 * Writes CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line break
 * quoted with quotes doubled; UTF-8 with BOM so Excel picks the encoding) to out. The quoting is
 * small enough to write here and about twice as fast as csv-stringify per row; the tests read the
 * output back with csv-parse. Streams with back-pressure: the next batch of rows is read only when the
 * previous one was taken.
 */
export async function writeCsv<R>(columns: ExportColumn<R>[], rows: Iterable<R>, out: Writable): Promise<void> {
  await pipeline(Readable.from(csvChunks(columns, rows), { objectMode: false }), out);
}

/**
 * Writes JSON: an array of objects keyed by the column keys. No neutralisation (JSON is not run by a
 * spreadsheet); written row by row so memory stays flat.
 */
export async function writeJson<R>(columns: (ExportColumn<R> & { key: string })[], rows: Iterable<R>, out: Writable): Promise<void> {
  function* chunks(): Generator<string> {
    yield '[';
    let first = true;
    let buffer = '';
    for (const row of rows) {
      const record: Record<string, Cell> = {};
      for (const column of columns) record[column.key] = column.value(row);
      buffer += (first ? '\n' : ',\n') + JSON.stringify(record);
      first = false;
      // Hand over in batches: one chunk per row would make the stream machinery the bottleneck.
      if (buffer.length > 64_000) {
        yield buffer;
        buffer = '';
      }
    }
    yield `${buffer}\n]\n`;
  }
  await pipeline(Readable.from(chunks()), out);
}

/** What exceljs 4.4 writes a worksheet's XML into: its zip entry, a stream with Node's write state. */
type ZipEntryInput = NodeJS.EventEmitter & { _writableState?: { needDrain?: boolean } };

/**
 * The zip entry a streamed worksheet is being written into, once the zip has started on it.
 * exceljs offers no back-pressure of its own (exceljs issue #734): its sheet buffer writes into the
 * entry without waiting, so unless we wait for that entry, the XML piles up in front of the compressor.
 */
function sheetZipEntry(sheet: unknown): ZipEntryInput | undefined {
  return (sheet as { stream?: { pipes?: ZipEntryInput[] } }).stream?.pipes?.[0];
}

/**
 * Writes an XLSX workbook with one sheet through exceljs's streaming writer: each row is committed
 * (and zipped out) as soon as it is written, and the next rows are read only when the zip has taken
 * the previous ones, so memory stays flat however many rows. Text cells are neutralised like the
 * CSV, because a spreadsheet re-evaluates a cell once somebody edits it.
 */
export async function writeXlsx<R>(columns: ExportColumn<R>[], rows: Iterable<R>, out: Writable, sheetName = 'Notes'): Promise<void> {
  // Loaded on first use: exceljs is large, and CSV and JSON exports should not carry it in memory.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  // A download that stops (the client went away) must not leave this loop waiting for ever.
  const gone = new AbortController();
  out.once('close', () => gone.abort());
  const header = sheet.addRow(columns.map((column) => neutraliseCell(column.header)));
  header.font = { bold: true };
  header.commit();
  let written = 0;
  for (const row of rows) {
    sheet.addRow(toRecord(columns, row, true)).commit();
    if (++written % 250 !== 0) continue;
    // Every few hundred rows: wait while the zip entry is full (it fills when the compressor or the
    // response falls behind); otherwise give the zip a turn, which it also needs to start the entry.
    gone.signal.throwIfAborted();
    const entry = sheetZipEntry(sheet);
    // Should a later exceljs move that stream, waiting on the response still bounds the memory.
    if (entry ? entry._writableState?.needDrain : out.writableNeedDrain) await once(entry ?? out, 'drain', { signal: gone.signal });
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
}
