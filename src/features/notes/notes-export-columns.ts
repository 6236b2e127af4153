import type { Response } from 'express';
import type { Translate } from '../../i18n/i18n.ts';
import { formatInTimeZone } from './notes-dates.ts';
import { writeCsv, writeJson, writeXlsx, type Cell, type ExportColumn } from './notes-export.ts';
import type { ExportRow } from './notes.service.ts';
import { IDEA_STATUSES, LOCATION_KINDS, NOTE_KINDS, NOTE_SOURCES } from './notes.schema.ts';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json', 'print'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type KeyedColumn = ExportColumn<ExportRow> & { key: string };

/**
 * The columns of a notes export. Anonymous by default: the name, e-mail and phone columns (and the
 * internal notes, which may mention people) exist only in the personal export, for admins (test plan G3).
 */
export function exportColumns(t: Translate, personal: boolean, timeZone: string): KeyedColumn[] {
  const label = (key: string) => String(t(`notes:export.columns.${key}`));
  // Closed sets are translated once per export, not once per row (t() costs microseconds per call).
  const kinds = translations(t, 'ideas:kind', NOTE_KINDS);
  const statuses = translations(t, 'ideas:status', IDEA_STATUSES);
  const locations = translations(t, 'ideas:location', LOCATION_KINDS);
  const sources = translations(t, 'notes:source', NOTE_SOURCES);
  const column = (key: string, value: (row: ExportRow) => Cell): KeyedColumn => ({ key, header: label(key), value });
  const columns: KeyedColumn[] = [
    column('id', (row) => row.id),
    column('recordedAt', (row) => formatInTimeZone(row.createdAt, timeZone)),
    column('dinnerDate', (row) => row.dinnerDate),
    column('dinner', (row) => row.dinnerTitle),
    column('venue', (row) => row.venueName),
    column('neighbourhood', (row) => row.neighbourhood),
    column('table', (row) => row.tableLabel ?? ''),
    column('kind', (row) => kinds.get(row.kind) ?? row.kind),
    column('themes', (row) => row.themeCodes ?? ''),
    column('locationKind', (row) => locations.get(row.locationKind) ?? row.locationKind),
    column('location', (row) => row.locationName),
    column('text', (row) => row.fullBody),
    column('quote', (row) => row.quote),
    column('status', (row) => (row.status ? (statuses.get(row.status) ?? row.status) : '')),
    column('statusReason', (row) => row.statusReason),
    column('owner', (row) => row.ownerName ?? ''),
    column('reviewOn', (row) => row.reviewOn ?? ''),
    column('publicAnswer', (row) => row.publicAnswer),
    column('source', (row) => sources.get(row.source) ?? row.source),
  ];
  if (personal) {
    columns.push(
      column('residentName', (row) => row.residentName ?? ''),
      column('residentEmail', (row) => row.residentEmail ?? ''),
      column('residentPhone', (row) => row.residentPhone ?? ''),
      column('internalNotes', (row) => row.internalNotes),
    );
  }
  return columns;
}

function translations(t: Translate, prefix: string, codes: readonly string[]): Map<string, string> {
  return new Map(codes.map((code) => [code, String(t(`${prefix}.${code}`))]));
}

const CONTENT_TYPES: Record<Exclude<ExportFormat, 'print'>, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

/** Streams the export to the response in the chosen format. */
export async function writeNotesExport(format: Exclude<ExportFormat, 'print'>, columns: KeyedColumn[], rows: Iterable<ExportRow>, res: Response): Promise<void> {
  res.setHeader('Content-Type', CONTENT_TYPES[format]);
  if (format === 'csv') await writeCsv(columns, rows, res);
  else if (format === 'xlsx') await writeXlsx(columns, rows, res);
  else await writeJson(columns, rows, res);
}
