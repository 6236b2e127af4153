import { z } from 'zod';
import { emailField, requiredText } from '../../lib/forms.ts';
import { MAX_HOUSEHOLD, peopleCount, SensitiveForm } from '../residents/residents.forms.ts';

/** A per-form random value: a double-clicked or retried submit carries the same one. */
export const idempotencyKey = z
  .string()
  .optional()
  .transform((v) => (typeof v === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(v) ? v : null));

const householdSize = peopleCount(1, MAX_HOUSEHOLD);

/** The answer a household gives through its personal link (or staff on its behalf). */
export const AnswerForm = z
  .object({
    answer: z.enum(['yes', 'no'], { error: 'rsvp:errors.answer' }),
    people: z.string().optional(),
    _key: idempotencyKey,
  })
  .transform((form, ctx) => {
    if (form.answer === 'no') return { answer: form.answer, people: 0, key: form._key };
    const people = householdSize.safeParse(form.people ?? '');
    if (!people.success) {
      ctx.addIssue({ code: 'custom', path: ['people'], message: people.error.issues[0]?.message ?? 'forms.required' });
      return z.NEVER;
    }
    return { answer: form.answer, people: people.data, key: form._key };
  });
export type AnswerFormInput = z.infer<typeof AnswerForm>;

/** The join form of a public dinner, for residents who were not invited. */
export const JoinForm = z.object({
    ...SensitiveForm.shape,
    name: requiredText(120),
    email: emailField,
    people: householdSize,
    languages: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 200)),
  });
export type JoinInput = z.infer<typeof JoinForm>;

export const NewLinkForm = z.object({ email: emailField });
