import { z } from 'zod';
import { cleanText, type FieldErrors, optionalText, requiredText } from '../../lib/forms.ts';
import { KITCHENS } from './scheduling.schema.ts';
import { isValidLocalDate, isValidLocalTime, minutesOfDay } from './local-time.ts';

/** Form rows offered beyond the existing ones, so a venue can grow without JavaScript. */
export const EXTRA_ROWS = 3;
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === '1', z.boolean());

/** A whole number typed into a form, within [min, max] (the range message names the limits). */
export const wholeNumber = (min: number, max: number, rangeKey: string) =>
  z
    .string({ error: 'forms.required' })
    .trim()
    .min(1, 'forms.required')
    .regex(/^\d{1,6}$/, 'scheduling:errors.wholeNumber')
    .transform(Number)
    .pipe(z.number().min(min, rangeKey).max(max, rangeKey));

const DUTCH_POSTCODE = /^([1-9]\d{3})\s?([A-Za-z]{2})$/;

export const VenueFields = z.object({
  name: requiredText(120),
  address: requiredText(200),
  postcode: z
    .string({ error: 'forms.required' })
    .transform(cleanText)
    .pipe(z.string().min(1, 'forms.required').regex(DUTCH_POSTCODE, 'scheduling:errors.postcode'))
    .transform((value) => value.replace(DUTCH_POSTCODE, (_all, digits: string, letters: string) => `${digits} ${letters.toUpperCase()}`)),
  city: optionalText(80),
  neighbourhood: requiredText(100),
  contactName: optionalText(100),
  contactPhone: optionalText(40).pipe(z.string().regex(/^[0-9+()\- ]*$/, 'scheduling:errors.phone')),
  contactEmail: optionalText(254).pipe(z.union([z.literal(''), z.email('forms.email')])),
  capacity: wholeNumber(1, 1000, 'scheduling:errors.venueCapacityRange'),
  kitchen: z.enum(KITCHENS, { error: 'forms.invalidChoice' }),
  stepFree: checkbox,
  accessibleToilet: checkbox,
  hearingLoop: checkbox,
  parking: checkbox,
  setupMinutes: wholeNumber(0, 240, 'scheduling:errors.marginRange'),
  cleanupMinutes: wholeNumber(0, 240, 'scheduling:errors.marginRange'),
  notes: optionalText(2000),
});

export type TableInput = { id: number | null; label: string; seats: number; accessible: boolean };
export type WindowInput = { weekday: number; opensAt: string; closesAt: string };
export type ClosureInput = { startsOn: string; endsOn: string; reason: string };
export type VenueInput = z.output<typeof VenueFields> & { tables: TableInput[]; openingHours: WindowInput[]; closures: ClosureInput[] };

/** A repeated form field: absent, one value or several, always as an array of strings. */
export function listField(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => (typeof item === 'string' ? item : ''));
}

/** Parses "10:00-17:00, 18:00-23:00" into windows; null when it is not in that shape. */
export function parseWindows(text: string): Array<{ opensAt: string; closesAt: string }> | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const windows: Array<{ opensAt: string; closesAt: string }> = [];
  for (const part of trimmed.split(/[,;]/)) {
    const match = /^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$/.exec(part);
    if (!match) return null;
    const opensAt = `${match[1]!.padStart(2, '0')}:${match[2]}`;
    const closesAt = `${match[3]!.padStart(2, '0')}:${match[4]}`;
    if (!isValidLocalTime(opensAt) || !(isValidLocalTime(closesAt) || closesAt === '24:00')) return null;
    if (minutesOfDay(closesAt) <= minutesOfDay(opensAt)) return null;
    windows.push({ opensAt, closesAt });
  }
  windows.sort((a, b) => a.opensAt.localeCompare(b.opensAt));
  for (let i = 1; i < windows.length; i++) if (windows[i]!.opensAt < windows[i - 1]!.closesAt) return null;
  return windows;
}

export function formatWindows(windows: Array<{ opensAt: string; closesAt: string }>): string {
  return windows.map((window) => `${window.opensAt}-${window.closesAt}`).join(', ');
}

/**
 * Validates the venue form, including its repeated rows (tables, closures) and the seven
 * opening-hours fields. Errors are keyed by the field id the form shows (e.g. 'tableSeats-2').
 */
export function parseVenueForm(raw: unknown): { ok: true; data: VenueInput } | { ok: false; errors: FieldErrors } {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const fields = VenueFields.safeParse(body);
  if (!fields.success) {
    for (const issue of fields.error.issues) (errors[String(issue.path[0] ?? '_form')] ??= []).push(issue.message);
  }

  const tables: TableInput[] = [];
  const ids = listField(body, 'tableId');
  const labels = listField(body, 'tableLabel');
  const seats = listField(body, 'tableSeats');
  const accessible = listField(body, 'tableAccessible');
  for (let i = 0; i < Math.max(labels.length, seats.length); i++) {
    const label = cleanText(labels[i] ?? '');
    const seatText = (seats[i] ?? '').trim();
    if (label === '' && seatText === '') continue;
    const row = i + 1;
    const seatCount = /^\d{1,3}$/.test(seatText) ? Number(seatText) : NaN;
    if (!(seatCount >= 1 && seatCount <= 30)) (errors[`tableSeats-${row}`] ??= []).push('scheduling:errors.tableSeats');
    if (label.length > 40) (errors[`tableLabel-${row}`] ??= []).push('forms.tooLong');
    const id = /^[1-9]\d{0,9}$/.test(ids[i] ?? '') ? Number(ids[i]) : null;
    tables.push({ id, label: label || String(tables.length + 1), seats: seatCount, accessible: accessible[i] === 'yes' });
  }

  const openingHours: WindowInput[] = [];
  for (const weekday of WEEKDAYS) {
    const text = typeof body[`hours${weekday}`] === 'string' ? (body[`hours${weekday}`] as string) : '';
    const windows = parseWindows(text);
    if (windows === null) (errors[`hours${weekday}`] ??= []).push('scheduling:errors.openingHours');
    else for (const window of windows) openingHours.push({ weekday, ...window });
  }

  const closures: ClosureInput[] = [];
  const starts = listField(body, 'closureStart');
  const ends = listField(body, 'closureEnd');
  const reasons = listField(body, 'closureReason');
  for (let i = 0; i < Math.max(starts.length, ends.length, reasons.length); i++) {
    const startsOn = (starts[i] ?? '').trim();
    const endsOn = (ends[i] ?? '').trim() || startsOn;
    const reason = cleanText(reasons[i] ?? '');
    if (startsOn === '' && reason === '' && (ends[i] ?? '').trim() === '') continue;
    const row = i + 1;
    if (!isValidLocalDate(startsOn)) (errors[`closureStart-${row}`] ??= []).push('scheduling:errors.date');
    else if (!isValidLocalDate(endsOn)) (errors[`closureEnd-${row}`] ??= []).push('scheduling:errors.date');
    else if (endsOn < startsOn) (errors[`closureEnd-${row}`] ??= []).push('scheduling:errors.closureOrder');
    if (reason.length > 120) (errors[`closureReason-${row}`] ??= []).push('forms.tooLong');
    closures.push({ startsOn, endsOn, reason });
  }

  if (!fields.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, data: { ...fields.data, tables, openingHours, closures } };
}

/** Find-a-venue search: a date range, a duration, guests and needs. */
export const FindVenueForm = z
  .object({
    from: z.string({ error: 'forms.required' }).refine(isValidLocalDate, 'scheduling:errors.date'),
    until: z.string({ error: 'forms.required' }).refine(isValidLocalDate, 'scheduling:errors.date'),
    duration: z.enum(['60', '90', '120', '150', '180', '210', '240', '300'], { error: 'forms.invalidChoice' }).transform(Number),
    guests: wholeNumber(1, 1000, 'scheduling:errors.capacityRange'),
    stepFree: checkbox,
    kitchen: z.enum(['any', 'warming', 'full'], { error: 'forms.invalidChoice' }).default('any'),
    accessibleTables: checkbox,
    notBefore: z.union([z.literal(''), z.string().refine(isValidLocalTime, 'scheduling:errors.time')]).default(''),
  })
  .superRefine((form, ctx) => {
    if (isValidLocalDate(form.from) && isValidLocalDate(form.until)) {
      if (form.until < form.from) ctx.addIssue({ code: 'custom', path: ['until'], message: 'scheduling:errors.rangeOrder' });
    }
  });
export type FindVenueInput = z.output<typeof FindVenueForm>;
