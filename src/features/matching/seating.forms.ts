import { z } from 'zod';
import { checkbox } from '../residents/residents.forms.ts';

const ID = /^[1-9][0-9]{0,15}$/;
const householdId = z.string({ error: 'matching:errors.chooseHousehold' }).regex(ID, 'matching:errors.chooseHousehold').transform(Number);

/** Run the engine; keepPinned keeps pinned households at their tables. */
export const RunForm = z.object({ keepPinned: checkbox });
export type RunInput = z.infer<typeof RunForm>;

/** Move a household to a table, or off the plan ("none"). override: keep a rule break deliberately. */
export const MoveForm = z.object({
  household: householdId,
  table: z
    .string({ error: 'matching:errors.chooseTable' })
    .regex(/^(none|[1-9][0-9]{0,15})$/, 'matching:errors.chooseTable')
    .transform((v) => (v === 'none' ? null : Number(v))),
  override: checkbox,
});
export type MoveInput = z.infer<typeof MoveForm>;

export const SwapForm = z
  .object({ household: householdId, other: householdId, override: checkbox })
  .refine((f) => f.household !== f.other, { path: ['other'], message: 'matching:errors.sameHousehold' });
export type SwapInput = z.infer<typeof SwapForm>;

export const PinForm = z.object({ household: householdId, pinned: z.enum(['1', '0'], { error: 'forms.invalidChoice' }).transform((v) => v === '1') });
export type PinInput = z.infer<typeof PinForm>;

/** Lock the plan; notify: mail every seated household its table. */
export const LockForm = z.object({ notify: checkbox });
export type LockInput = z.infer<typeof LockForm>;
