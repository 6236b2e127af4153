import { z } from 'zod';

export type FieldErrors = Record<string, string[]>;
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * Validates a submitted form. Messages in schemas are catalogue keys (e.g. 'forms.required'),
 * translated when the form is re-rendered.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    (errors[field] ??= []).push(issue.message);
  }
  return { ok: false, errors };
}

/** Trims and normalises text to NFC, strips control and bidi-override characters. */
export function cleanText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g, '')
    .trim();
}

/** A required single-line text field with a maximum length. */
export const requiredText = (max: number) =>
  z
    .string({ error: 'forms.required' })
    .transform(cleanText)
    .pipe(z.string().min(1, 'forms.required').max(max, 'forms.tooLong'));

export const optionalText = (max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined ? '' : cleanText(v)))
    .pipe(z.string().max(max, 'forms.tooLong'));

/**
 * An e-mail address, lower-cased; refuses header-injection attempts and quoted local parts.
 */
export const emailField = z
  .string({ error: 'forms.required' })
  .transform((v) => v.normalize('NFC').trim().toLowerCase())
  .pipe(
    z
      .string()
      .min(1, 'forms.required')
      .max(254, 'forms.tooLong')
      .regex(/^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/, 'forms.email'),
  );

export const passwordField = z
  .string({ error: 'forms.required' })
  .min(12, 'forms.passwordTooShort')
  .max(200, 'forms.tooLong');
