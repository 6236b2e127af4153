import { z } from 'zod';
import { LOCALES } from '../../i18n/i18n.ts';
import { cleanText, emailField, optionalText, requiredText } from '../../lib/forms.ts';
import { ACCESS_TAGS, BACKGROUND_CHOICES, DIET_TAGS } from './residents.schema.ts';

/** Checkboxes arrive as a string (one ticked), an array (several) or not at all (none). */
export const checkboxList = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.enum(values, { error: 'forms.invalidChoice' })).transform((list) => [...new Set(list)]),
  );

/** A ticked checkbox sends "on" (or "1"); an unticked one sends nothing. */
export const checkbox = z.preprocess((value) => value === 'on' || value === '1' || value === 'true', z.boolean());

const optionalEmail = z
  .string()
  .optional()
  .transform((v) => (v ?? '').trim())
  .pipe(z.union([z.literal(''), emailField]))
  .transform((v) => (v === '' ? null : v));

/** Dutch and international numbers: digits, spaces, dashes and brackets; stored as +digits or digits. */
export function normalisePhone(value: string): string {
  return value.replace(/[\s().-]/g, '');
}
const optionalPhone = z
  .string()
  .optional()
  .transform((v) => normalisePhone(cleanText(v ?? '')))
  .pipe(z.union([z.literal(''), z.string().regex(/^\+?[0-9]{8,15}$/, 'residents:errors.phone')]))
  .transform((v) => (v === '' ? null : v));

/** A Dutch postcode, stored as "1234 AB"; empty is allowed. */
const postcodeField = z
  .string()
  .optional()
  .transform((v) => cleanText(v ?? '').toUpperCase().replace(/\s+/g, ''))
  .pipe(z.union([z.literal(''), z.string().regex(/^[1-9][0-9]{3}[A-Z]{2}$/, 'residents:errors.postcode')]))
  .transform((v) => (v === '' ? '' : `${v.slice(0, 4)} ${v.slice(4)}`));

/** A count of people: whole numbers only, so "2.5" or "two" are refused rather than guessed. */
export const peopleCount = (min: number, max: number) =>
  z
    .string({ error: 'forms.required' })
    .trim()
    .regex(/^[0-9]{1,3}$/, 'residents:errors.wholeNumber')
    .transform(Number)
    .pipe(z.number().min(min, 'residents:errors.tooFew').max(max, 'residents:errors.tooMany'));

export const MAX_HOUSEHOLD = 20;
export const MIN_BIRTH_YEAR = 1900;

/** An optional year of birth: four digits from 1900; the upper bound (this year) is checked by residentFormIn. */
const birthYearField = z
  .string()
  .optional()
  .transform((v) => cleanText(v ?? ''))
  .refine((v) => v === '' || (/^[0-9]{4}$/.test(v) && Number(v) >= MIN_BIRTH_YEAR), 'residents:errors.birthYear')
  .transform((v) => (v === '' ? null : Number(v)));

export const ResidentForm = z
  .object({
    name: requiredText(120),
    email: optionalEmail,
    phone: optionalPhone,
    locale: z.enum(LOCALES, { error: 'forms.invalidChoice' }),
    street: optionalText(120),
    houseNumber: optionalText(20),
    postcode: postcodeField,
    complex: optionalText(120),
    neighbourhood: optionalText(120),
    adults: peopleCount(0, MAX_HOUSEHOLD),
    children: peopleCount(0, MAX_HOUSEHOLD),
    householdNames: optionalText(500),
    languages: optionalText(200),
    birthYear: birthYearField,
  })
  .superRefine((form, ctx) => {
    if (!form.email && !form.phone) ctx.addIssue({ code: 'custom', path: ['email'], message: 'residents:errors.contactRequired' });
    const total = form.adults + form.children;
    if (total < 1) ctx.addIssue({ code: 'custom', path: ['adults'], message: 'residents:errors.tooFew' });
    if (total > MAX_HOUSEHOLD) ctx.addIssue({ code: 'custom', path: ['adults'], message: 'residents:errors.tooMany' });
  });
export type ResidentInput = z.infer<typeof ResidentForm>;

/** The resident form in a given year (from the injected clock): a birth year after it is refused. */
export function residentFormIn(currentYear: number) {
  return ResidentForm.superRefine((form, ctx) => {
    if (form.birthYear !== null && form.birthYear > currentYear) ctx.addIssue({ code: 'custom', path: ['birthYear'], message: 'residents:errors.birthYear' });
  });
}

/**
 * Sensitive data with its consents. A value only counts when its consent box is ticked:
 * the service drops values whose consent is missing, so a tampered form stores nothing.
 */
export const SensitiveForm = z.object({
  consentDiet: checkbox,
  consentAccess: checkbox,
  consentBackground: checkbox,
  diets: checkboxList(DIET_TAGS),
  dietOther: optionalText(200),
  access: checkboxList(ACCESS_TAGS),
  accessOther: optionalText(200),
  background: z
    .string()
    .optional()
    .transform((v) => v ?? '')
    .pipe(z.union([z.literal(''), z.enum(BACKGROUND_CHOICES, { error: 'forms.invalidChoice' })])),
  backgroundText: optionalText(200),
});
export type SensitiveInput = z.infer<typeof SensitiveForm>;

export const ListFilter = z.object({
  q: z.string().optional().transform((v) => cleanText(v ?? '').slice(0, 100)),
  neighbourhood: z.string().optional().transform((v) => cleanText(v ?? '').slice(0, 120)),
});

/** Saves the residents of the current filter as a named audience. */
export const SavedListForm = z.object({
  name: requiredText(80),
  q: z.string().optional().transform((v) => cleanText(v ?? '').slice(0, 100)),
  neighbourhood: z.string().optional().transform((v) => cleanText(v ?? '').slice(0, 120)),
});
