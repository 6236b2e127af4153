import { z } from 'zod';
import { requiredText } from '../../lib/forms.ts';
import { checkbox } from './residents.forms.ts';

export const RenameListForm = z.object({ name: requiredText(80) });
export type RenameListInput = z.infer<typeof RenameListForm>;

/** The "add" button next to a search result; a tampered id is a form error, not a crash. */
export const AddMemberForm = z
  .object({
    residentId: z.string().optional(),
    q: z.string().optional().transform((v) => (v ?? '').trim().slice(0, 100)),
  })
  .transform((form, ctx) => {
    if (!/^[1-9][0-9]{0,9}$/.test(form.residentId ?? '')) {
      ctx.addIssue({ code: 'custom', message: 'residents:list.edit.unknownResident' });
      return z.NEVER;
    }
    return { residentId: Number(form.residentId), q: form.q };
  });

/** Deleting a list needs the explicit tick, so a stray click deletes nothing. */
export const DeleteListForm = z.object({ sure: checkbox }).refine((form) => form.sure, { message: 'residents:list.edit.confirmRequired' });
