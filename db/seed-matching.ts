import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { Db } from '../src/db/client.ts';
import type { Mailer } from '../src/features/mail/outbox.service.ts';
import { matchHomeRound, registerForHomeRound, saveHomeRound } from '../src/features/matching/home-dinners.service.ts';
import { DEMO_POSTCODE_CENTROIDS } from '../src/features/matching/postcodes.ts';
import { lockPlan, makePlan } from '../src/features/matching/seating.service.ts';
import { BACKGROUND_CHOICES, residents } from '../src/features/residents/residents.schema.ts';
import { saveSensitive, updateResident } from '../src/features/residents/residents.service.ts';
import { rsvps } from '../src/features/rsvp/rsvp.schema.ts';
import { dinners } from '../src/features/scheduling/scheduling.schema.ts';
import { createI18n, type Locale } from '../src/i18n/i18n.ts';

// What the demo residents say they speak: most also speak Dutch, a few do not (yet).
const SPOKEN: Record<Locale, string[]> = {
  nl: ['Nederlands, Engels', 'Nederlands'],
  en: ['English, Nederlands'],
  tr: ['Turks, Nederlands', 'Turks'],
  ar: ['Arabisch, Nederlands', 'Arabisch, Berbers, Nederlands'],
  pl: ['Pools, Engels', 'Pools, Nederlands'],
  uk: ['Oekraïens, Russisch, Engels', 'Oekraïens, Engels'],
};
const BACKGROUND_BY_LOCALE: Record<Locale, (typeof BACKGROUND_CHOICES)[number]> = { nl: 'dutch', en: 'other', tr: 'turkish', ar: 'moroccan', pl: 'polish', uk: 'ukrainian' };

/**
 * Table plans (matching, issue 3): the demo residents get languages, a year of birth and, for those without
 * sensitive data yet, a consented background; the past dinners get locked plans (the history),
 * the next dinner a draft plan. Call after seedRsvp.
 */
export function seedMatching(db: Db, mailer: Mailer, context: { now: Date; baseUrl: string; timeZone: string; organiserId: number | null }): void {
  const { now } = context;
  const i18n = createI18n();
  const people = db.select().from(residents).orderBy(asc(residents.id)).all();
  people.forEach((r, i) => {
    if (r.languages) return;
    const locale = r.locale as Locale;
    const options = SPOKEN[locale] ?? ['Nederlands'];
    updateResident(
      db,
      r.id,
      { name: r.name, email: r.email, phone: r.phone, locale, street: r.street, houseNumber: r.houseNumber, postcode: r.postcode, complex: r.complex, neighbourhood: r.neighbourhood, adults: r.adults, children: r.children, householdNames: r.householdNames, languages: options[i % options.length]!, birthYear: 1940 + ((i * 13) % 66) },
      context.organiserId,
      now,
    );
    // seedRsvp gave every third resident diet/access data; the others share their background.
    if (i % 3 !== 0) {
      db.transaction((tx) =>
        saveSensitive(
          tx,
          r.id,
          { consentDiet: false, consentAccess: false, consentBackground: true, diets: [], dietOther: '', access: [], accessOther: '', background: BACKGROUND_BY_LOCALE[locale] ?? 'other', backgroundText: locale === 'en' ? 'Brits' : '' },
          { channel: 'paper', locale, actorUserId: context.organiserId, i18n },
          now,
        ),
      );
    }
  });

  const settings = { baseUrl: context.baseUrl, timeZone: context.timeZone };
  const withGuests = (ids: number[]) =>
    ids.length === 0 ? new Set<number>() : new Set(db.selectDistinct({ id: rsvps.dinnerId }).from(rsvps).where(and(inArray(rsvps.dinnerId, ids), eq(rsvps.status, 'confirmed'))).all().map((r) => r.id));

  // Past dinners, oldest first: plans locked, so later plans know who already met.
  const past = db.select({ id: dinners.id }).from(dinners).where(and(eq(dinners.status, 'completed'), lt(dinners.startsAt, now))).orderBy(asc(dinners.startsAt)).all();
  const pastWithGuests = withGuests(past.map((d) => d.id));
  for (const dinner of past) {
    if (!pastWithGuests.has(dinner.id)) continue;
    makePlan(db, dinner.id, { keepPinned: false }, context.organiserId, now);
    lockPlan(db, mailer, settings, dinner.id, false, context.organiserId, now);
  }

  // The next dinner with confirmed guests: a draft plan to adjust.
  const upcoming = db.select({ id: dinners.id }).from(dinners).where(and(eq(dinners.status, 'published'), gt(dinners.startsAt, now))).orderBy(asc(dinners.startsAt)).all();
  const upcomingWithGuests = withGuests(upcoming.map((d) => d.id));
  const next = upcoming.find((d) => upcomingWithGuests.has(d.id));
  if (next) makePlan(db, next.id, { keepPinned: false }, context.organiserId, now);

  // A round of home dinners on the following dinner: a few hosts and guests, matched for review.
  const homeDinner = upcoming.find((d) => d.id !== next?.id);
  if (!homeDinner) return;
  saveHomeRound(db, homeDinner.id, 3, context.organiserId, now);
  const postcodes = Object.keys(DEMO_POSTCODE_CENTROIDS);
  people.slice(0, 10).forEach((r, i) => {
    const host = i % 3 === 0;
    registerForHomeRound(
      db,
      homeDinner.id,
      r.id,
      { role: host ? 'host' : 'guest', people: Math.min(r.adults + r.children, 4), seats: host ? 4 : 0, diets: host ? ['vegetarian', 'halal', 'no_pork'] : i % 4 === 1 ? ['halal'] : [], postcode: postcodes[i % postcodes.length]!, lat: null, lon: null },
      now,
    );
  });
  matchHomeRound(db, homeDinner.id, context.organiserId, now);
}
