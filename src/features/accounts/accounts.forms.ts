import { z } from 'zod';
import { ROLES } from '../../db/schema.ts';
import { STAFF_LOCALES } from '../../i18n/i18n.ts';
import { emailField, requiredText } from '../../lib/forms.ts';

/** Checkboxes arrive as a string (one ticked), an array (several) or not at all (none). */
const rolesField = z.preprocess(
  (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.enum(ROLES, { error: 'accounts:errors.unknownRole' })).min(1, 'accounts:errors.roleRequired'),
);

export const InviteForm = z.object({
  email: emailField,
  name: requiredText(100),
  locale: z.enum(STAFF_LOCALES as ['nl', 'en'], { error: 'forms.invalidChoice' }),
  roles: rolesField,
});
export type InviteInput = z.infer<typeof InviteForm>;

export const RolesForm = z.object({ roles: rolesField });
export type RolesInput = z.infer<typeof RolesForm>;

export const AcceptInvitationForm = z
  .object({
    name: requiredText(100),
    password: z.string({ error: 'forms.required' }).min(12, 'forms.passwordTooShort').max(200, 'forms.tooLong'),
    confirm: z.string({ error: 'forms.required' }),
  })
  .refine((form) => form.password === form.confirm, { path: ['confirm'], message: 'forms.passwordMismatch' });
export type AcceptInvitationInput = z.infer<typeof AcceptInvitationForm>;
