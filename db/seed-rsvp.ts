import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../src/db/client.ts';
import type { Mailer } from '../src/features/mail/outbox.service.ts';
import { createResident, saveSensitive } from '../src/features/residents/residents.service.ts';
import { inviteAudience } from '../src/features/rsvp/rsvp-admin.service.ts';
import { rsvps } from '../src/features/rsvp/rsvp.schema.ts';
import { answerRsvp } from '../src/features/rsvp/rsvp.service.ts';
import { dinners, venues } from '../src/features/scheduling/scheduling.schema.ts';
import { createI18n, type Locale } from '../src/i18n/i18n.ts';

// Fictional residents (no real people): name, language, street, household size.
const PEOPLE: [string, Locale, string, number, number][] = [
  ['Anouk Bakker', 'nl', 'Lindelaan', 1, 0],
  ['Mehmet Yıldız', 'tr', 'Lindelaan', 2, 2],
  ['Fatima El Idrissi', 'ar', 'Lindelaan', 1, 3],
  ['Kasia Wójcik', 'pl', 'Ankerstraat', 2, 1],
  ['Olena Shevchenko', 'uk', 'Ankerstraat', 1, 1],
  ['Joost de Wit', 'nl', 'Ankerstraat', 2, 0],
  ['Ayşe Kaya', 'tr', 'Vlinderhof', 1, 0],
  ['Samir Haddad', 'ar', 'Vlinderhof', 2, 0],
  ['Piotr Zieliński', 'pl', 'Vlinderhof', 1, 0],
  ['Ria Smit', 'nl', 'Kerkpad', 1, 0],
  ['Daan Mulder', 'en', 'Kerkpad', 2, 2],
  ['Nadia Benali', 'nl', 'Kerkpad', 1, 2],
  ['Iryna Bondarenko', 'uk', 'Lindelaan', 1, 0],
  ['Hüseyin Demir', 'tr', 'Ankerstraat', 1, 0],
  ['Marleen Visser', 'nl', 'Vlinderhof', 2, 0],
  ['Tomasz Nowak', 'pl', 'Kerkpad', 1, 0],
];

/** Residents, consents, invitations and answers for the demo neighbourhood (RSVP, issue 5). */
export function seedRsvp(db: Db, mailer: Mailer, context: { now: Date; baseUrl: string; timeZone: string; organiserId: number | null }): void {
  const { now } = context;
  const i18n = createI18n();
  const settings = { baseUrl: context.baseUrl, timeZone: context.timeZone };
  const neighbourhood = db.select({ n: venues.neighbourhood }).from(venues).orderBy(asc(venues.id)).get()?.n ?? 'Oost';
  const created = db.transaction((tx) =>
    PEOPLE.map(([name, locale, street, adults, children], i) => {
      const resident = createResident(
        tx,
        {
          name,
          email: i % 7 === 6 ? null : `${name.toLowerCase().normalize('NFD').replace(/[^a-z]+/g, '.')}@demo.aanschuiftafel.nl`,
          phone: i % 7 === 6 ? `0612${String(345600 + i)}` : null,
          locale,
          street,
          houseNumber: String(2 + i * 3),
          postcode: '3512 AB',
          complex: street === 'Lindelaan' ? 'De Linde' : '',
          neighbourhood,
          adults,
          children,
          householdNames: '',
          languages: '',
          birthYear: null,
        },
        'staff',
        now,
      );
      if (i % 3 === 0) {
        saveSensitive(
          tx,
          resident.id,
          { consentDiet: true, consentAccess: i % 2 === 0, consentBackground: false, diets: i % 2 ? ['halal'] : ['vegetarian', 'nut_allergy'], dietOther: '', access: ['wheelchair'], accessOther: '', background: '', backgroundText: '' },
          { channel: i % 2 ? 'online' : 'paper', locale, actorUserId: context.organiserId, i18n },
          now,
        );
      }
      return resident;
    }),
  );

  // Past dinners: a few residents came, so "those who never came first" has something to sort.
  const past = db.select({ id: dinners.id, startsAt: dinners.startsAt }).from(dinners).where(and(eq(dinners.status, 'completed'), lt(dinners.startsAt, now))).limit(2).all();
  for (const dinner of past) {
    created.slice(0, 5).forEach((resident, i) => {
      db.insert(rsvps)
        .values({ dinnerId: dinner.id, residentId: resident.id, people: resident.adults + resident.children, status: 'confirmed', source: 'invitation', answeredAt: dinner.startsAt, confirmedAt: dinner.startsAt, checkIn: i === 4 ? 'no_show' : 'arrived', checkInAt: dinner.startsAt, createdAt: dinner.startsAt, updatedAt: dinner.startsAt })
        .onConflictDoNothing()
        .run();
    });
  }

  // The next public dinner: everyone in the neighbourhood invited, a dozen households answered.
  const next = db
    .select({ id: dinners.id })
    .from(dinners)
    .where(and(eq(dinners.status, 'published'), gt(dinners.rsvpDeadline, now)))
    .orderBy(asc(dinners.startsAt))
    .get();
  if (!next || context.organiserId === null) return;
  inviteAudience(db, mailer, settings, next.id, { kind: 'neighbourhood', value: neighbourhood, neverCameFirst: true, limit: null }, context.organiserId, now);
  created.slice(0, 12).forEach((resident, i) => {
    answerRsvp(db, mailer, settings, next.id, resident.id, { answer: i === 5 ? 'no' : 'yes', people: resident.adults + resident.children, key: null }, { source: 'invitation', actorUserId: null }, now);
  });
}
