import type { Db } from '../../src/db/client.ts';
import { issueNoteLink } from '../../src/features/notes/notes.service.ts';
import { hearBackConsents, notes, type Note } from '../../src/features/notes/notes.schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import type { Dinner } from '../../src/features/scheduling/scheduling.schema.ts';
import { buildResident } from './rsvp-builders.ts';

const CREATED = new Date('2030-01-21T10:00:00Z');

/** A note on a dinner, inserted directly (an idea gets status 'new'); overridable. */
export function buildNote(db: Db, dinner: Dinner, overrides: Partial<typeof notes.$inferInsert> = {}): Note {
  const kind = overrides.kind ?? 'idea';
  return db
    .insert(notes)
    .values({
      dinnerId: dinner.id,
      kind,
      body: 'Een bankje bij de speeltuin',
      neighbourhood: 'Oost',
      status: kind === 'idea' ? 'new' : null,
      createdAt: CREATED,
      updatedAt: CREATED,
      ...overrides,
    })
    .returning()
    .get();
}

/** A resident who was at the dinner (confirmed, arrived), optionally asking to hear back about its ideas. */
export function buildAttendee(db: Db, dinner: Dinner, options: { hearBack?: boolean; locale?: string; name?: string } = {}) {
  const resident = buildResident(db, { locale: options.locale ?? 'nl', ...(options.name ? { name: options.name } : {}) });
  db.insert(rsvps)
    .values({ dinnerId: dinner.id, residentId: resident.id, people: 1, status: 'confirmed', source: 'staff', checkIn: 'arrived', createdAt: CREATED, updatedAt: CREATED })
    .run();
  if (options.hearBack) db.insert(hearBackConsents).values({ dinnerId: dinner.id, residentId: resident.id, givenAt: CREATED }).run();
  return resident;
}

/** A personal "add your idea" link path for a resident and dinner. */
export function noteLinkPath(db: Db, dinnerId: number, residentId: number, now = new Date('2030-01-22T10:00:00Z')): string {
  return `/ideas/t/${issueNoteLink(db, dinnerId, residentId, now)}`;
}
