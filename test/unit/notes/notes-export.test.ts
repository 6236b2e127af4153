import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, writeCsv, writeJson, writeXlsx, type ExportColumn } from '../../../src/features/notes/notes-export.ts';
import { toFtsQuery } from '../../../src/features/notes/notes.service.ts';

type Row = { id: number; text: string };
const columns: (ExportColumn<Row> & { key: string })[] = [
  { key: 'id', header: 'Nr', value: (row) => row.id },
  { key: 'text', header: 'Tekst', value: (row) => row.text },
];

async function collect(write: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await write(out);
  return Buffer.concat(chunks);
}

const DANGEROUS = ['=1+1', '+31 6 12345678', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', '\0NUL', '=HYPERLINK("http://evil","x")'];

describe('neutraliseCell', () => {
  it('prefixes every value a spreadsheet would run as a formula with an apostrophe and keeps the rest', () => {
    for (const value of DANGEROUS) expect(neutraliseCell(value)).toBe(`'${value}`);
    expect(neutraliseCell('gewoon tekst = prima')).toBe('gewoon tekst = prima');
    expect(neutraliseCell(-5)).toBe(-5);
    expect(neutraliseCell(null)).toBe(null);
  });
});

describe('writeCsv', () => {
  it('writes UTF-8 with BOM, RFC 4180 quoting and neutralised formula cells that parse back', async () => {
    const rows: Row[] = [
      ...DANGEROUS.map((text, index) => ({ id: index + 1, text })),
      { id: 99, text: 'komma, "aanhalingstekens"\nen een nieuwe regel — café' },
    ];

    const bytes = await collect((out) => writeCsv(columns, rows, out));

    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes, { bom: true }) as string[][];
    expect(records[0]).toEqual(['Nr', 'Tekst']);
    expect(records.slice(1, DANGEROUS.length + 1).map((record) => record[1])).toEqual(DANGEROUS.map((value) => `'${value}`));
    expect(records.at(-1)).toEqual(['99', 'komma, "aanhalingstekens"\nen een nieuwe regel — café']);
  });
});

describe('writeXlsx', () => {
  it('writes a workbook whose cells are text, never formulas', async () => {
    const rows: Row[] = DANGEROUS.map((text, index) => ({ id: index + 1, text }));

    const bytes = await collect((out) => writeXlsx(columns, rows, out));

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Nr', 'Tekst']);
    for (let index = 0; index < DANGEROUS.length; index++) {
      const cell = sheet.getRow(index + 2).getCell(2);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      // XML turns a carriage return into a line feed and cannot hold NUL; the apostrophe in front is what matters.
      expect(cell.value).toBe(`'${DANGEROUS[index]}`.replace('\r', '\n').replace('\0', ''));
    }
  });
});

describe('writeXlsx on a closed download', () => {
  it('stops reading rows and fails soon after the download is closed, instead of writing the rest', async () => {
    const total = 200_000;
    let pulled = 0;
    function* rows(): Generator<Row> {
      for (let id = 1; id <= total; id++) {
        pulled += 1;
        yield { id, text: `regel ${id} met wat tekst om de zip te vullen` };
      }
    }
    let chunks = 0;
    const closingReader = new (await import('node:stream')).Writable({
      write(_chunk: Buffer, _encoding, callback) {
        // The client goes away after the first few chunks.
        if (++chunks === 3) this.destroy();
        else callback();
      },
    });

    await expect(writeXlsx(columns, rows(), closingReader)).rejects.toThrow();

    expect(pulled).toBeLessThan(total / 10);
  });
});

describe('writeJson', () => {
  it('writes an array of objects keyed by column, values unchanged', async () => {
    const bytes = await collect((out) => writeJson(columns, [{ id: 1, text: '=1+1' }, { id: 2, text: 'café' }], out));

    expect(JSON.parse(bytes.toString('utf8'))).toEqual([{ id: 1, text: '=1+1' }, { id: 2, text: 'café' }]);
  });

  it('writes an empty array for no rows', async () => {
    const bytes = await collect((out) => writeJson(columns, [], out));

    expect(JSON.parse(bytes.toString('utf8'))).toEqual([]);
  });
});

describe('toFtsQuery', () => {
  it('turns words into quoted prefix terms so FTS operators and quotes are searched for, not run', () => {
    expect(toFtsQuery('speeltuin bank')).toBe('"speeltuin"* "bank"*');
    expect(toFtsQuery('" OR 1=1 -- NEAR(')).toBe('"OR"* "1"* "1"* "NEAR"*');
    expect(toFtsQuery('   ---  ')).toBe('');
  });
});

describe('streaming', () => {
  it('writes the first CSV bytes while most rows are still unread, and pulls rows only as the reader takes them', async () => {
    const total = 50_000;
    let pulled = 0;
    function* rows(): Generator<Row> {
      for (let id = 1; id <= total; id++) {
        pulled += 1;
        yield { id, text: `regel ${id} met wat tekst om de buffer te vullen` };
      }
    }
    let pulledAtFirstChunk = -1;
    let received = 0;
    let writtenRows = 0;
    let largestLag = 0;
    const slowReader = new (await import('node:stream')).Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        if (pulledAtFirstChunk < 0) pulledAtFirstChunk = pulled;
        received += chunk.length;
        writtenRows += chunk.toString('utf8').split('\r\n').length - 1;
        // Rows read from the cursor but not yet handed to the reader: what the export holds in memory.
        largestLag = Math.max(largestLag, pulled - writtenRows);
        setImmediate(callback);
      },
    });

    await writeCsv(columns, rows(), slowReader);

    expect(pulled).toBe(total);
    expect(received).toBeGreaterThan(total * 40);
    expect(pulledAtFirstChunk).toBeLessThan(total / 10);
    expect(largestLag).toBeLessThan(2000);
  });
});
