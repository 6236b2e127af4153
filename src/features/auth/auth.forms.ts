import { z } from 'zod';
import { emailField, passwordField } from '../../lib/forms.ts';

export const SignInForm = z.object({
  email: emailField,
  password: z.string({ error: 'forms.required' }).min(1, 'forms.required').max(200, 'forms.tooLong'),
  next: z.string().optional(),
});
export type SignInInput = z.infer<typeof SignInForm>;

export const ForgotPasswordForm = z.object({ email: emailField });
export type ForgotPasswordInput = z.infer<typeof ForgotPasswordForm>;

export const NewPasswordForm = z
  .object({ password: passwordField, confirm: z.string({ error: 'forms.required' }) })
  .refine((form) => form.password === form.confirm, { path: ['confirm'], message: 'forms.passwordMismatch' });
export type NewPasswordInput = z.infer<typeof NewPasswordForm>;
