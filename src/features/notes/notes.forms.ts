import { z } from 'zod';
import { cleanText, optionalText, requiredText } from '../../lib/forms.ts';
import { isValidLocalDate } from '../scheduling/local-time.ts';
import { AGE_GROUPS, IDEA_STATUSES, LOCATION_KINDS, NOTE_KINDS, REFERENCE_DIMENSIONS } from './notes.schema.ts';

export const NOTE_BODY_MAX = 5000;

/** Checkboxes and multi-selects arrive as a string (one), an array (several) or not at all. */
const manyStrings = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.string().max(60, 'forms.tooLong')).max(20, 'forms.tooLong'),
);

const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === '1' || value === 'yes', z.boolean());

const optionalId = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? null : v))
  .pipe(z.string().regex(/^[1-9][0-9]{0,15}$/, 'forms.invalidChoice').transform(Number).nullable());

const optionalDay = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()))
  .refine((v) => v === null || isValidLocalDate(v), 'notes:errors.badDate');

/** One note as recorded by an organiser or table host. Theme codes are checked against the table by the service. */
export const NoteForm = z
  .object({
    kind: z.enum(NOTE_KINDS, { error: 'notes:errors.kindRequired' }),
    body: requiredText(NOTE_BODY_MAX),
    themes: manyStrings,
    tableId: optionalId,
    locationKind: z.enum(LOCATION_KINDS, { error: 'forms.invalidChoice' }).default('neighbourhood'),
    locationName: optionalText(120),
    quote: optionalText(1000),
    quoteConsent: checkbox,
  })
  .superRefine((form, ctx) => {
    if (form.quote !== '' && !form.quoteConsent) ctx.addIssue({ code: 'custom', path: ['quoteConsent'], message: 'notes:errors.quoteConsentRequired' });
    if (form.locationKind !== 'neighbourhood' && form.locationName === '') {
      ctx.addIssue({ code: 'custom', path: ['locationName'], message: 'notes:errors.locationNameRequired' });
    }
  });
export type NoteInput = z.infer<typeof NoteForm>;

/** A resident's own idea or story through their personal link. */
export const ResidentNoteForm = z.object({
  kind: z.enum(NOTE_KINDS, { error: 'notes:errors.kindRequired' }),
  body: requiredText(NOTE_BODY_MAX),
  themes: manyStrings,
  locationKind: z.enum(LOCATION_KINDS, { error: 'forms.invalidChoice' }).default('neighbourhood'),
  locationName: optionalText(120),
  nameConsent: checkbox,
  hearBack: checkbox,
});
export type ResidentNoteInput = z.infer<typeof ResidentNoteForm>;

/** Follow-up of one idea. A reason is required for "not possible" (checked here and by the database). */
export const FollowUpForm = z
  .object({
    status: z.enum(IDEA_STATUSES, { error: 'notes:errors.statusRequired' }),
    statusReason: optionalText(2000),
    ownerId: optionalId,
    reviewOn: optionalDay,
    internalNotes: optionalText(5000),
    publicAnswer: optionalText(2000),
    isPublic: checkbox,
  })
  .superRefine((form, ctx) => {
    if (form.status === 'not_possible' && form.statusReason === '') {
      ctx.addIssue({ code: 'custom', path: ['statusReason'], message: 'notes:errors.reasonRequired' });
    }
  });
export type FollowUpInput = z.infer<typeof FollowUpForm>;

export const BulkStatusForm = z
  .object({
    ids: z.preprocess(
      (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
      z.array(z.string().regex(/^[1-9][0-9]{0,15}$/).transform(Number)).min(1, 'notes:errors.selectNotes').max(500, 'forms.tooLong'),
    ),
    status: z.enum(IDEA_STATUSES, { error: 'notes:errors.statusRequired' }),
    statusReason: optionalText(2000),
  })
  .superRefine((form, ctx) => {
    if (form.status === 'not_possible' && form.statusReason === '') {
      ctx.addIssue({ code: 'custom', path: ['statusReason'], message: 'notes:errors.reasonRequired' });
    }
  });
export type BulkStatusInput = z.infer<typeof BulkStatusForm>;

export const SORTS = ['newest', 'oldest', 'dinner', 'status', 'kind'] as const;
export type NoteSort = (typeof SORTS)[number];

/** Filters of the staff list and of every export. A bad date is a field error (422), never a silent "all". */
export const NoteFilterForm = z
  .object({
    kind: z.enum(NOTE_KINDS, { error: 'forms.invalidChoice' }).optional().or(z.literal('').transform(() => undefined)),
    theme: z.string().max(40, 'forms.tooLong').optional().transform((v) => (v ? v : undefined)),
    status: z.enum(IDEA_STATUSES, { error: 'forms.invalidChoice' }).optional().or(z.literal('').transform(() => undefined)),
    neighbourhood: optionalText(120),
    venueId: optionalId,
    dinnerId: optionalId,
    ownerId: optionalId,
    from: optionalDay,
    to: optionalDay,
    q: optionalText(200),
    // A complex or street name: the idea bundle for a tenants' committee.
    location: optionalText(120),
  })
  .superRefine((form, ctx) => {
    if (form.from && form.to && form.from > form.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'notes:errors.rangeOrder' });
  });
export type NoteFilter = z.infer<typeof NoteFilterForm>;

export const ThemeForm = z.object({
  code: z
    .string({ error: 'forms.required' })
    .transform((v) => cleanText(v).toLowerCase())
    .pipe(z.string().min(1, 'forms.required').max(40, 'forms.tooLong').regex(/^[a-z][a-z_]*$/, 'notes:errors.themeCode')),
  label: requiredText(60),
  labelEn: optionalText(60),
  position: z.coerce.number({ error: 'forms.invalidChoice' }).int('forms.invalidChoice').min(0, 'forms.invalidChoice').max(10000, 'forms.invalidChoice').default(0),
});
export type ThemeInput = z.infer<typeof ThemeForm>;

export const ThemeEditForm = ThemeForm.omit({ code: true }).extend({ archived: checkbox });
export type ThemeEditInput = z.infer<typeof ThemeEditForm>;

export const ReportForm = z.object({
  guestCount: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()))
    .pipe(z.string().regex(/^\d{1,4}$/, 'forms.invalidChoice').transform(Number).nullable()),
  summary: optionalText(5000),
});
export type ReportInput = z.infer<typeof ReportForm>;

export const ReferenceFigureForm = z.object({
  neighbourhood: requiredText(120),
  dimension: z.enum(REFERENCE_DIMENSIONS, { error: 'forms.invalidChoice' }),
  category: requiredText(80),
  percent: z.coerce.number({ error: 'notes:errors.percent' }).min(0, 'notes:errors.percent').max(100, 'notes:errors.percent'),
  source: optionalText(200),
}).superRefine((form, ctx) => {
  // The report matches reference figures to its own age-group codes; any other text would never show.
  if (form.dimension === 'age_group' && !(AGE_GROUPS as readonly string[]).includes(form.category)) {
    ctx.addIssue({ code: 'custom', path: ['category'], message: 'notes:errors.ageGroupCategory' });
  }
});
export type ReferenceFigureInput = z.infer<typeof ReferenceFigureForm>;

export const ReportFilterForm = z
  .object({ neighbourhood: optionalText(120), from: optionalDay, to: optionalDay })
  .superRefine((form, ctx) => {
    if (form.from && form.to && form.from > form.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'notes:errors.rangeOrder' });
  });
export type ReportFilter = z.infer<typeof ReportFilterForm>;
