import { z } from 'zod';
import { optionalText, requiredText } from '../../lib/forms.ts';
import { IdParam } from '../../lib/http.ts';
import { isValidLocalDate, isValidLocalTime, minutesOfDay } from './local-time.ts';
import { DIETS, VISIBILITIES } from './scheduling.schema.ts';
import { wholeNumber } from './venues.forms.ts';

const localDate = (requiredKey = 'forms.required') =>
  z.string({ error: requiredKey }).trim().min(1, requiredKey).refine(isValidLocalDate, 'scheduling:errors.date');
const localTime = z.string({ error: 'forms.required' }).trim().min(1, 'forms.required').refine(isValidLocalTime, 'scheduling:errors.time');
const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((value) => value ?? '')
  .pipe(z.union([z.literal(''), z.string().refine(isValidLocalDate, 'scheduling:errors.date')]));
const optionalTime = z
  .string()
  .trim()
  .optional()
  .transform((value) => value ?? '')
  .pipe(z.union([z.literal(''), z.string().refine(isValidLocalTime, 'scheduling:errors.time')]));

const optionalWholeNumber = (min: number, max: number, rangeKey: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => value ?? '')
    .pipe(z.union([z.literal('').transform(() => null), z.string().regex(/^\d{1,6}$/, 'scheduling:errors.wholeNumber').transform(Number).pipe(z.number().min(min, rangeKey).max(max, rangeKey))]));

/** Checkboxes arrive as a string (one ticked), an array (several) or not at all (none). */
const dietsField = z.preprocess(
  (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.enum(DIETS, { error: 'forms.invalidChoice' })).transform((list) => [...new Set(list)]),
);

/** The fields every dinner has, on the create and the edit form. */
const dinnerFields = {
  title: requiredText(120),
  theme: optionalText(120),
  description: optionalText(4000),
  venueId: z.string({ error: 'scheduling:errors.venueRequired' }).trim().min(1, 'scheduling:errors.venueRequired').pipe(IdParam.catch(-1)),
  date: localDate(),
  startTime: localTime,
  endTime: localTime,
  /** Empty: the venue's seated capacity. */
  capacity: optionalWholeNumber(1, 1000, 'scheduling:errors.capacityRange'),
  /** Empty: two days before the start, at the same time of day. */
  deadlineDate: optionalDate,
  deadlineTime: optionalTime,
  minTableSize: wholeNumber(2, 30, 'scheduling:errors.tableSizeRange'),
  maxTableSize: wholeNumber(2, 30, 'scheduling:errors.tableSizeRange'),
  menu: optionalText(1000),
  diets: dietsField,
  languages: optionalText(200),
  host: optionalText(120),
  visibility: z.enum(VISIBILITIES, { error: 'forms.invalidChoice' }),
};

type CommonFields = { startTime: string; endTime: string; minTableSize: number; maxTableSize: number; venueId: number };

function checkCommon(form: CommonFields, ctx: z.RefinementCtx): void {
  if (form.venueId === -1) ctx.addIssue({ code: 'custom', path: ['venueId'], message: 'scheduling:errors.venueUnknown' });
  if (isValidLocalTime(form.startTime) && isValidLocalTime(form.endTime) && minutesOfDay(form.endTime) <= minutesOfDay(form.startTime)) {
    ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'scheduling:errors.endBeforeStart' });
  }
  if (form.minTableSize > form.maxTableSize) ctx.addIssue({ code: 'custom', path: ['maxTableSize'], message: 'scheduling:errors.tableSizeOrder' });
}

export const NewDinnerForm = z
  .object({
    ...dinnerFields,
    status: z.enum(['draft', 'published'], { error: 'forms.invalidChoice' }),
    repeat: z.enum(['none', 'weekly', 'monthly'], { error: 'forms.invalidChoice' }).default('none'),
    intervalWeeks: z.string().trim().optional().transform((value) => value ?? ''),
    nthWeek: z.string().trim().optional().transform((value) => value ?? ''),
    endType: z.string().trim().optional().transform((value) => value ?? ''),
    untilDate: z.string().trim().optional().transform((value) => value ?? ''),
    count: z.string().trim().optional().transform((value) => value ?? ''),
    intent: z.enum(['save', 'check']).catch('save'),
  })
  .superRefine((form, ctx) => {
    checkCommon(form, ctx);
    if (form.repeat === 'none') return;
    if (form.repeat === 'weekly' && !/^(1[0-2]|[1-9])$/.test(form.intervalWeeks)) ctx.addIssue({ code: 'custom', path: ['intervalWeeks'], message: 'scheduling:errors.intervalRange' });
    if (form.repeat === 'monthly' && !['1', '2', '3', '4', '-1'].includes(form.nthWeek)) ctx.addIssue({ code: 'custom', path: ['nthWeek'], message: 'forms.invalidChoice' });
    if (form.endType === 'until') {
      if (!isValidLocalDate(form.untilDate)) ctx.addIssue({ code: 'custom', path: ['untilDate'], message: form.untilDate ? 'scheduling:errors.date' : 'forms.required' });
    } else if (form.endType === 'count') {
      if (!/^\d{1,4}$/.test(form.count)) ctx.addIssue({ code: 'custom', path: ['count'], message: form.count ? 'scheduling:errors.wholeNumber' : 'forms.required' });
    } else {
      ctx.addIssue({ code: 'custom', path: ['endType'], message: 'scheduling:errors.recurrenceEnd' });
    }
  });
export type NewDinnerInput = z.output<typeof NewDinnerForm>;

export const EditDinnerForm = z
  .object({
    ...dinnerFields,
    /** For an occurrence of a series: change only this one, or this one and all later ones. */
    scope: z.enum(['this', 'following'], { error: 'forms.invalidChoice' }).default('this'),
  })
  .superRefine(checkCommon);
export type EditDinnerInput = z.output<typeof EditDinnerForm>;

export const CancelDinnerForm = z.object({
  reason: optionalText(500),
  scope: z.enum(['this', 'following'], { error: 'forms.invalidChoice' }).default('this'),
});
export type CancelDinnerInput = z.output<typeof CancelDinnerForm>;

/** Agenda filters from the query string; anything unexpected falls back to the default. */
export const AgendaQuery = z.object({
  view: z.enum(['week', 'month']).catch('month'),
  date: z
    .string()
    .optional()
    .catch(undefined)
    .transform((value) => (value && isValidLocalDate(value) ? value : undefined)),
  venue: z
    .string()
    .optional()
    .catch(undefined)
    .transform((value) => (value && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : undefined)),
  neighbourhood: z
    .string()
    .max(80)
    .optional()
    .catch(undefined)
    .transform((value) => (value ? value : undefined)),
});
export type AgendaFilters = z.output<typeof AgendaQuery>;
