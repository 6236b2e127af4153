import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';

// Who hears from the notes feature. These read the RSVP engineer's tables (rsvps, residents) and
// are the only place that does, so a change in their model touches this file alone.

export type Recipient = { residentId: number; name: string; email: string; locale: string };

/**
 * Residents who were at a dinner and can be mailed: a confirmed answer that was not marked
 * "no show" at the door (a dinner without check-ins counts its confirmed guests), with an e-mail
 * address. Walk-ins without a resident record have no address and are left out.
 */
export function listDinnerAttendeesForFollowUp(db: DbOrTx, dinnerId: number): Recipient[] {
  return db.all<Recipient>(sql`
    select r.id as residentId, r.name as name, r.email as email, r.locale as locale
    from rsvps v join residents r on r.id = v.resident_id
    where v.dinner_id = ${dinnerId} and v.status = 'confirmed'
      and (v.check_in is null or v.check_in = 'arrived')
      and r.email is not null
    order by r.id`);
}

/** Attendees of the dinner an idea came from who asked to hear back (and did not withdraw that). */
export function listIdeaUpdateRecipients(db: DbOrTx, dinnerId: number): Recipient[] {
  return db.all<Recipient>(sql`
    select r.id as residentId, r.name as name, r.email as email, r.locale as locale
    from rsvps v
      join residents r on r.id = v.resident_id
      join hear_back_consents h on h.dinner_id = v.dinner_id and h.resident_id = r.id and h.withdrawn_at is null
    where v.dinner_id = ${dinnerId} and v.status = 'confirmed'
      and (v.check_in is null or v.check_in = 'arrived')
      and r.email is not null
    order by r.id`);
}

/** The staff member to remind about a dinner's report: whoever planned it (scheduling keeps no separate organiser). */
export function findDinnerOrganiser(db: DbOrTx, dinnerId: number): { userId: number; email: string; locale: string; name: string } | undefined {
  return db.get(sql`
    select u.id as userId, u.email as email, u.locale as locale, u.name as name
    from dinners d join users u on u.id = d.created_by_user_id
    where d.id = ${dinnerId} and u.disabled_at is null`);
}
