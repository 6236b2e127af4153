import { z } from 'zod';
import { checkbox, checkboxList, peopleCount, MAX_HOUSEHOLD } from '../residents/residents.forms.ts';
import { DIET_TAGS } from '../residents/residents.schema.ts';
import { HOME_ROLES } from './home-dinners.schema.ts';
import { normalisePostcode } from './postcodes.ts';

const decimal = (min: number, max: number, message: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim().replace(',', '.'))
    .pipe(z.union([z.literal(''), z.string().regex(/^-?[0-9]{1,3}(\.[0-9]{1,7})?$/, message)]))
    .transform((v) => (v === '' ? null : Number(v)))
    .refine((v) => v === null || (v >= min && v <= max), message);

/** The organiser opens a round: the farthest a guest may live from the host, in km. */
export const HomeRoundForm = z.object({
  maxDistanceKm: z
    .string({ error: 'forms.required' })
    .transform((v) => v.trim().replace(',', '.'))
    .pipe(z.string().regex(/^[0-9]{1,3}(\.[0-9]{1,2})?$/, 'matching:home.errors.distance'))
    .transform(Number)
    .refine((v) => v > 0 && v <= 100, 'matching:home.errors.distance'),
});

/**
 * A household registers as host (guest seats, diets it can cook) or guest (diets it needs).
 * Location: a postcode, or coordinates (both lat and lon). A guest's diets go to its host only
 * with the tick that says so.
 */
export const RegistrationFormSchema = z
  .object({
    role: z.enum(HOME_ROLES, { error: 'homedinners:errors.role' }),
    people: peopleCount(1, MAX_HOUSEHOLD),
    seats: z.string().optional().transform((v) => (v ?? '').trim()),
    diets: checkboxList(DIET_TAGS),
    postcode: z
      .string()
      .optional()
      .transform((v) => (v ?? '').trim())
      .refine((v) => v === '' || normalisePostcode(v) !== '', 'homedinners:errors.postcode'),
    lat: decimal(50.5, 53.7, 'homedinners:errors.coordinates'),
    lon: decimal(3.2, 7.3, 'homedinners:errors.coordinates'),
    shareDiets: checkbox,
  })
  .superRefine((form, ctx) => {
    if (form.role === 'host' && !/^([1-9]|1[0-9]|20)$/.test(form.seats)) ctx.addIssue({ code: 'custom', path: ['seats'], message: 'homedinners:errors.seats' });
    if ((form.lat === null) !== (form.lon === null)) ctx.addIssue({ code: 'custom', path: ['lat'], message: 'homedinners:errors.coordinates' });
    if (!form.postcode && form.lat === null) ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'homedinners:errors.location' });
    if (form.role === 'guest' && form.diets.length > 0 && !form.shareDiets) ctx.addIssue({ code: 'custom', path: ['shareDiets'], message: 'homedinners:errors.shareDiets' });
  })
  .transform((form) => ({
    role: form.role,
    people: form.people,
    seats: form.role === 'host' ? Number(form.seats) : 0,
    diets: form.diets,
    postcode: form.postcode,
    lat: form.lat,
    lon: form.lon,
  }));
