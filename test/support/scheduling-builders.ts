import type { Db } from '../../src/db/client.ts';
import { createDinners, type SchedulingContext } from '../../src/features/scheduling/dinners.service.ts';
import type { NewDinnerInput } from '../../src/features/scheduling/dinners.forms.ts';
import type { Venue } from '../../src/features/scheduling/scheduling.schema.ts';
import type { VenueInput } from '../../src/features/scheduling/venues.forms.ts';
import { createVenue } from '../../src/features/scheduling/venues.service.ts';
import { TEST_BASE_URL } from './app.ts';

let sequence = 0;

/** A community centre open every evening 17:00–23:00, 40 seats, four tables (one accessible), 30-minute margins. */
export function venueInput(overrides: Partial<VenueInput> = {}): VenueInput {
  sequence += 1;
  return {
    name: `Buurthuis ${sequence}`,
    address: `Lindenlaan ${sequence}`,
    postcode: '3511 AB',
    city: 'Utrecht',
    neighbourhood: 'Oost',
    contactName: '',
    contactPhone: '',
    contactEmail: '',
    capacity: 40,
    kitchen: 'full',
    stepFree: true,
    accessibleToilet: true,
    hearingLoop: false,
    parking: false,
    setupMinutes: 30,
    cleanupMinutes: 30,
    notes: '',
    tables: [
      { id: null, label: 'A', seats: 10, accessible: true },
      { id: null, label: 'B', seats: 10, accessible: false },
      { id: null, label: 'C', seats: 10, accessible: false },
      { id: null, label: 'D', seats: 10, accessible: false },
    ],
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opensAt: '17:00', closesAt: '23:00' })),
    closures: [],
    ...overrides,
  };
}

export function buildVenue(db: Db, overrides: Partial<VenueInput> = {}): Venue {
  return createVenue(db, venueInput(overrides), null, new Date('2030-01-01T00:00:00Z'));
}

/** A one-off public, published dinner 18:00–21:00 on the given local day. */
export function dinnerInput(venueId: number, overrides: Partial<NewDinnerInput> = {}): NewDinnerInput {
  return {
    title: 'Buurtdiner',
    theme: 'Wonen in de flat',
    description: '',
    venueId,
    date: '2030-02-02',
    startTime: '18:00',
    endTime: '21:00',
    capacity: null,
    deadlineDate: '',
    deadlineTime: '',
    minTableSize: 4,
    maxTableSize: 8,
    menu: 'Soep, couscous, baklava',
    diets: ['vegetarian', 'halal'],
    languages: 'Nederlands, Arabisch',
    host: 'Fatima',
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

export function schedulingContext(now = new Date('2030-01-10T12:00:00Z'), overrides: Partial<SchedulingContext> = {}): SchedulingContext {
  return { actorId: null, now, timeZone: 'Europe/Amsterdam', baseUrl: TEST_BASE_URL, ...overrides };
}

/** Plans dinners through the scheduling service (all checks apply) and returns their ids. */
export function buildScheduledDinners(db: Db, venueId: number, overrides: Partial<NewDinnerInput> = {}, now?: Date): number[] {
  return createDinners(db, dinnerInput(venueId, overrides), schedulingContext(now)).dinnerIds;
}

/** The venue form as a browser posts it. */
export function venueForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: 'Buurthuis De Linde',
    address: 'Lindenlaan 12',
    postcode: '3511ab',
    city: 'Utrecht',
    neighbourhood: 'Lombok',
    contactName: 'Ans',
    contactPhone: '030 123 45 67',
    contactEmail: 'ans@example.org',
    capacity: '40',
    kitchen: 'full',
    stepFree: 'on',
    setupMinutes: '30',
    cleanupMinutes: '15',
    notes: 'Sleutel bij de buren',
    tableId: ['', '', ''],
    tableLabel: ['Raam', 'Midden', ''],
    tableSeats: ['8', '10', ''],
    tableAccessible: ['yes', 'no', 'no'],
    hours1: '',
    hours2: '09:00-12:00, 17:00-22:00',
    hours3: '17:00-22:00',
    hours4: '17:00-22:00',
    hours5: '17:00-23:00',
    hours6: '10:00-23:00',
    hours7: '',
    closureStart: ['2030-12-24', ''],
    closureEnd: ['2031-01-02', ''],
    closureReason: ['Kerstvakantie', ''],
    ...overrides,
  };
}

/** The new-dinner form as a browser posts it. */
export function dinnerForm(venueId: number, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    title: 'Buurtdiner',
    theme: 'De nieuwe speeltuin',
    description: 'Samen eten en praten.',
    venueId: String(venueId),
    date: '2030-02-02',
    startTime: '18:00',
    endTime: '21:00',
    capacity: '',
    deadlineDate: '',
    deadlineTime: '',
    minTableSize: '4',
    maxTableSize: '8',
    menu: 'Soep',
    diets: ['vegetarian', 'halal'],
    languages: 'Nederlands',
    host: 'Fatima',
    visibility: 'public',
    status: 'published',
    repeat: 'none',
    intent: 'save',
    ...overrides,
  };
}
