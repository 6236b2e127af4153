import type { Db } from '../src/db/client.ts';
import type { NewDinnerInput } from '../src/features/scheduling/dinners.forms.ts';
import { cancelDinners, completeDinner, createDinners, PlanningError, type SchedulingContext } from '../src/features/scheduling/dinners.service.ts';
import { addDays, isoWeekday, toLocal } from '../src/features/scheduling/local-time.ts';
import type { VenueInput } from '../src/features/scheduling/venues.forms.ts';
import { createVenue } from '../src/features/scheduling/venues.service.ts';
import type { Mailer } from '../src/features/mail/outbox.service.ts';

// The demo neighbourhood's venues and dinners, planned through the scheduling services with
// every check applied. Dates are relative to "now", so the demo always has upcoming dinners.

const WEEKDAYS_ALL = [1, 2, 3, 4, 5, 6, 7];

function hours(days: number[], windows: Array<[string, string]>) {
  return days.flatMap((weekday) => windows.map(([opensAt, closesAt]) => ({ weekday, opensAt, closesAt })));
}

function tables(count: number, seats: number, accessible: number, prefix = 'Tafel') {
  return Array.from({ length: count }, (_, i) => ({ id: null, label: `${prefix} ${i + 1}`, seats, accessible: i < accessible }));
}

/** The first day on or after `from` that falls on the ISO weekday. */
function nextWeekday(from: string, weekday: number): string {
  return addDays(from, (weekday - isoWeekday(from) + 7) % 7);
}

function venues(today: string): VenueInput[] {
  const year = Number(today.slice(0, 4));
  const base = { contactEmail: '', city: 'Utrecht', notes: '' };
  return [
    {
      ...base,
      name: 'Buurthuis De Linde',
      address: 'Lindenlaan 12',
      postcode: '3531 AB',
      neighbourhood: 'Oost',
      contactName: 'Ans Verhoeven',
      contactPhone: '030 123 45 67',
      capacity: 48,
      kitchen: 'full',
      stepFree: true,
      accessibleToilet: true,
      hearingLoop: true,
      parking: false,
      setupMinutes: 45,
      cleanupMinutes: 45,
      notes: 'Sleutel bij de beheerder (Ans). Grote pannen in de kast links.',
      tables: tables(6, 8, 2),
      openingHours: [...hours([1, 2, 3, 4, 5], [['09:00', '12:30'], ['16:00', '23:00']]), ...hours([6], [['10:00', '23:30']])],
      closures: [
        { startsOn: `${year}-12-24`, endsOn: `${year + 1}-01-02`, reason: 'Kerstvakantie' },
        { startsOn: `${year + 1}-04-27`, endsOn: `${year + 1}-04-27`, reason: 'Koningsdag' },
      ],
    },
    {
      ...base,
      name: 'Wijkcentrum Het Anker',
      address: 'Ankerplein 3',
      postcode: '3532 CD',
      neighbourhood: 'Oost',
      contactName: 'Mehmet Yilmaz',
      contactPhone: '06 12345678',
      capacity: 30,
      kitchen: 'warming',
      stepFree: true,
      accessibleToilet: false,
      hearingLoop: false,
      parking: true,
      setupMinutes: 30,
      cleanupMinutes: 30,
      tables: tables(5, 6, 1),
      openingHours: hours([2, 3, 4, 5, 6], [['16:00', '22:30']]),
      closures: [{ startsOn: `${year + 1}-07-20`, endsOn: `${year + 1}-08-09`, reason: 'Zomersluiting' }],
    },
    {
      ...base,
      name: 'Buurtkeuken Kanaleneiland',
      address: 'Marshalllaan 40',
      postcode: '3527 TK',
      neighbourhood: 'Kanaleneiland',
      contactName: 'Samira Bakkali',
      contactPhone: '030 765 43 21',
      capacity: 24,
      kitchen: 'full',
      stepFree: false,
      accessibleToilet: false,
      hearingLoop: false,
      parking: false,
      setupMinutes: 60,
      cleanupMinutes: 30,
      notes: 'Ingang via de trap aan de achterkant; geen lift.',
      tables: tables(3, 8, 0),
      openingHours: hours(WEEKDAYS_ALL, [['12:00', '22:00']]),
      closures: [],
    },
    {
      ...base,
      name: 'Speeltuingebouw De Vlinder',
      address: 'Vlinderhof 1',
      postcode: '3533 EF',
      neighbourhood: 'Oost',
      contactName: 'Kees de Boer',
      contactPhone: '',
      capacity: 16,
      kitchen: 'warming',
      stepFree: true,
      accessibleToilet: true,
      hearingLoop: false,
      parking: true,
      setupMinutes: 15,
      cleanupMinutes: 30,
      tables: tables(2, 8, 1, 'Picknicktafel'),
      openingHours: hours([3, 6], [['13:00', '21:00']]),
      closures: [],
    },
  ];
}

function dinner(venueId: number, date: string, overrides: Partial<NewDinnerInput>): NewDinnerInput {
  return {
    title: 'Buurtdiner',
    theme: '',
    description: '',
    venueId,
    date,
    startTime: '18:00',
    endTime: '21:00',
    capacity: null,
    deadlineDate: '',
    deadlineTime: '',
    minTableSize: 4,
    maxTableSize: 8,
    menu: '',
    diets: [],
    languages: 'Nederlands',
    host: '',
    visibility: 'public',
    status: 'published',
    repeat: 'none',
    intervalWeeks: '',
    nthWeek: '',
    endType: '',
    untilDate: '',
    count: '',
    intent: 'save',
    ...overrides,
  };
}

/** Plans a dinner on the given day, or the same weekday up to four weeks later if that day is closed or taken. */
function planFlexibly(db: Db, input: NewDinnerInput, context: SchedulingContext): number[] {
  for (let week = 0; week < 5; week++) {
    try {
      return createDinners(db, { ...input, date: addDays(input.date, 7 * week) }, context).dinnerIds;
    } catch (error) {
      if (!(error instanceof PlanningError)) throw error;
    }
  }
  return [];
}

export type SchedulingSeed = { venueIds: number[]; upcomingDinnerIds: number[]; pastDinnerIds: number[] };

/** Venues with realistic hours and closed dates, a fortnightly series, one-off dinners and some past ones. */
export function seedScheduling(db: Db, mailer: Mailer, options: { now: Date; organiserId: number | null; timeZone?: string; baseUrl?: string }): SchedulingSeed {
  const timeZone = options.timeZone ?? 'Europe/Amsterdam';
  const context: SchedulingContext = { actorId: options.organiserId, now: options.now, timeZone, baseUrl: options.baseUrl ?? 'http://localhost:3000', listRecipients: () => [] };
  const today = toLocal(options.now, timeZone).date;
  const venueIds = venues(today).map((input) => createVenue(db, input, options.organiserId, options.now).id);
  const [linde, anker, keuken, vlinder] = venueIds as [number, number, number, number];

  // Past dinners are planned "from" two months ago, then marked completed now.
  const past: SchedulingContext = { ...context, now: new Date(options.now.getTime() - 70 * 86_400_000) };
  const pastDinnerIds = [
    ...planFlexibly(db, dinner(linde, nextWeekday(addDays(today, -56), 4), { title: 'Kennismakingsdiner', theme: 'Wie woont er in de flat?', menu: 'Linzensoep, stamppot, baklava', diets: ['vegetarian', 'halal'], host: 'Youssef en Ans' }), past),
    ...planFlexibly(db, dinner(anker, nextWeekday(addDays(today, -35), 6), { title: 'Soep uit alle landen', theme: 'Afval en de containers', menu: 'Zes soepen, brood', diets: ['vegan', 'halal', 'lactose_free'], host: 'Mehmet', languages: 'Nederlands, Turks' }), past),
    ...planFlexibly(db, dinner(keuken, nextWeekday(addDays(today, -20), 5), { title: 'Vrijdagavond-couscous', theme: 'Veilig over straat', menu: 'Couscous met groenten en kip', diets: ['halal', 'no_pork'], host: 'Samira', languages: 'Nederlands, Arabisch, Berbers' }), past),
  ];
  for (const id of pastDinnerIds) completeDinner(db, id, context);

  // The fortnightly series: Thursday evenings at De Linde; dates in the Christmas break are skipped.
  const firstThursday = nextWeekday(addDays(today, 3), 4);
  const series = planFlexibly(
    db,
    dinner(linde, firstThursday, {
      title: 'Aanschuiven in De Linde',
      theme: 'Wonen in Oost: wat kan beter?',
      description: 'Elke twee weken koken buren voor buren. Iedereen schuift aan, jong en oud, uit alle landen.',
      menu: 'Wisselend: elke keer kookt een ander gezin een gerecht uit eigen land.',
      diets: ['vegetarian', 'halal', 'no_pork'],
      languages: 'Nederlands, Turks, Arabisch, Pools',
      host: 'Youssef El Amrani',
      startTime: '18:00',
      endTime: '21:00',
      repeat: 'weekly',
      intervalWeeks: '2',
      endType: 'count',
      count: '8',
    }),
    context,
  );

  const upcoming = [
    ...series,
    ...planFlexibly(db, dinner(anker, nextWeekday(addDays(today, 9), 6), { title: 'Poolse avond', theme: 'Ouder worden in de wijk', menu: 'Pierogi, bigos, sernik', diets: ['vegetarian'], host: 'Kasia Nowak', languages: 'Nederlands, Pools', startTime: '17:30', endTime: '20:30' }), context),
    ...planFlexibly(db, dinner(keuken, nextWeekday(addDays(today, 12), 7), { title: 'Zondagse tafel', theme: 'De nieuwe speeltuin', menu: 'Mezze en soep', diets: ['vegan', 'halal', 'gluten_free'], host: 'Samira Bakkali', languages: 'Nederlands, Arabisch', startTime: '13:30', endTime: '16:00', capacity: 20 }), context),
    ...planFlexibly(db, dinner(vlinder, nextWeekday(addDays(today, 16), 3), { title: 'Picknick bij De Vlinder', theme: 'Spelen en groen', menu: 'Broodjes, salades, fruit', diets: ['vegetarian', 'nut_free'], host: 'Kees de Boer', startTime: '17:00', endTime: '19:30', minTableSize: 4, maxTableSize: 8 }), context),
    ...planFlexibly(db, dinner(anker, nextWeekday(addDays(today, 23), 5), { title: 'Diner met de huurdersvereniging', theme: 'Onderhoud en reparaties', visibility: 'invitation', host: 'Mehmet Yilmaz', languages: 'Nederlands, Turks' }), context),
    ...planFlexibly(db, dinner(linde, nextWeekday(addDays(today, 30), 6), { title: 'Oogstfeest (concept)', theme: 'Samen tuinieren', status: 'draft', diets: ['vegetarian'] }), context),
  ];

  // One published dinner was called off, so the demo shows a cancellation.
  const cancelled = planFlexibly(db, dinner(keuken, nextWeekday(addDays(today, 5), 2), { title: 'Dinsdagdiner', theme: 'Buren helpen buren' }), context);
  for (const id of cancelled) cancelDinners(db, mailer, id, { reason: 'De kok is ziek; we plannen een nieuwe datum.', scope: 'this' }, context);

  return { venueIds, upcomingDinnerIds: upcoming, pastDinnerIds };
}
