import { and, count, eq, gt, inArray } from 'drizzle-orm';
import type { i18n as I18nInstance } from 'i18next';
import type { Db } from '../../db/client.ts';
import { writeTransaction } from '../../db/client.ts';
import { outbox } from '../../db/schema.ts';
import { isLocale, type Locale } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { hashToken, looksLikeToken, newToken } from '../../lib/tokens.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import type { SensitiveInput } from '../residents/residents.forms.ts';
import { residents } from '../residents/residents.schema.ts';
import { createResident, findResidentByEmail, saveSensitive } from '../residents/residents.service.ts';
import { dinners } from '../scheduling/scheduling.schema.ts';
import type { JoinInput } from './rsvp.forms.ts';
import { joinRequests, rsvps } from './rsvp.schema.ts';
import { findDinnerForRsvp, issueRsvpLink, mailResident, recordAnswer, rsvpUrl, type DinnerForRsvp, type RsvpSettings } from './rsvp.service.ts';

const JOIN_LINK_MS = 48 * 60 * 60_000;
const HOUR_MS = 60 * 60_000;
/** At most this many link mails per address per hour, however often the form is sent (TEST-PLAN E7). */
export const MAIL_LIMIT_PER_HOUR = 3;

type JoinPayload = Omit<JoinInput, 'email'> & { locale: Locale };

function mailsInLastHour(db: Db, email: string, template: string, now: Date): number {
  return (
    db
      .select({ n: count() })
      .from(outbox)
      .where(and(eq(outbox.toAddress, email), eq(outbox.template, template), gt(outbox.createdAt, new Date(now.getTime() - HOUR_MS))))
      .get()?.n ?? 0
  );
}

/**
 * Holds a join-form answer until the address is confirmed, and mails the confirmation link.
 * Sensitive values without their consent are dropped here already, so they are never stored.
 */
export function requestToJoin(db: Db, mailer: Mailer, settings: RsvpSettings, dinner: DinnerForRsvp, input: JoinInput, locale: Locale, now: Date): void {
  if (mailsInLastHour(db, input.email, 'rsvp-join-confirm', now) >= MAIL_LIMIT_PER_HOUR) return;
  const { email, ...rest } = input;
  const payload: JoinPayload = {
    ...rest,
    diets: input.consentDiet ? input.diets : [],
    dietOther: input.consentDiet ? input.dietOther : '',
    access: input.consentAccess ? input.access : [],
    accessOther: input.consentAccess ? input.accessOther : '',
    background: input.consentBackground ? input.background : '',
    backgroundText: input.consentBackground ? input.backgroundText : '',
    locale,
  };
  const token = newToken();
  const expiresAt = new Date(Math.min(now.getTime() + JOIN_LINK_MS, dinner.rsvpDeadline.getTime()));
  writeTransaction(db, (tx) => {
    tx.insert(joinRequests).values({ dinnerId: dinner.id, email, payload: JSON.stringify(payload), tokenHash: hashToken(token), expiresAt, createdAt: now }).run();
    mailer.enqueue(
      tx,
      {
        to: email,
        locale,
        template: 'rsvp-join-confirm',
        locals: { name: input.name, title: dinner.title, when: formatDateTime(dinner.startsAt, settings.timeZone, locale), link: `${settings.baseUrl}/join/${token}` },
      },
      now,
    );
  });
}

export function findJoinRequest(db: Db, token: unknown, now: Date) {
  if (!looksLikeToken(token)) return undefined;
  const row = db
    .select({ id: joinRequests.id, email: joinRequests.email, payload: joinRequests.payload, dinnerTitle: dinners.title, dinnerId: joinRequests.dinnerId })
    .from(joinRequests)
    .innerJoin(dinners, eq(dinners.id, joinRequests.dinnerId))
    .where(and(eq(joinRequests.tokenHash, hashToken(token)), gt(joinRequests.expiresAt, now)))
    .get();
  if (!row) return undefined;
  const payload = JSON.parse(row.payload) as JoinPayload;
  return { ...row, payload, locale: payload.locale };
}

/**
 * Confirms the address of a join request: finds or creates the resident, stores consented sensitive
 * data, and records the answer (seat or waiting list), all in one IMMEDIATE transaction.
 * Returns a personal link for the redirect, or undefined for an unknown/expired/used link.
 */
export function confirmJoinRequest(db: Db, mailer: Mailer, settings: RsvpSettings, i18n: I18nInstance, token: unknown, now: Date) {
  const request = findJoinRequest(db, token, now);
  if (!request) return undefined;
  return writeTransaction(db, (tx) => {
    const stillThere = tx.delete(joinRequests).where(eq(joinRequests.id, request.id)).run().changes;
    if (stillThere === 0) return undefined; // confirmed a moment ago by a double click
    const { payload } = request;
    let resident = findResidentByEmail(tx, request.email);
    if (!resident) {
      resident = createResident(
        tx,
        {
          name: payload.name,
          email: request.email,
          phone: null,
          locale: isLocale(payload.locale) ? payload.locale : 'nl',
          street: '',
          houseNumber: '',
          postcode: '',
          complex: '',
          neighbourhood: '',
          adults: payload.people,
          children: 0,
          householdNames: '',
          languages: payload.languages,
          birthYear: null,
        },
        'join',
        now,
      );
    }
    const sensitive: SensitiveInput = payload;
    saveSensitive(tx, resident.id, sensitive, { channel: 'online', locale: payload.locale, actorUserId: null, i18n }, now);
    const result = recordAnswer(tx, mailer, settings, request.dinnerId, resident.id, { answer: 'yes', people: payload.people, key: null }, { source: 'join', actorUserId: null }, now, 0);
    const dinner = findDinnerForRsvp(tx, request.dinnerId)!;
    if (result.outcome === 'unchanged') {
      mailResident(tx, mailer, settings, resident, dinner, 'rsvp-already', { people: result.people }, now);
    }
    return { status: result.status, token: issueRsvpLink(tx, resident.id, dinner, now) };
  });
}

/**
 * "Send me a new link": mails fresh personal links for the coming dinners of the resident with
 * this address. The caller shows the same neutral page whether or not the address is known.
 */
export function sendFreshLinks(db: Db, mailer: Mailer, settings: RsvpSettings, email: string, now: Date): void {
  if (mailsInLastHour(db, email, 'rsvp-links', now) >= MAIL_LIMIT_PER_HOUR) return;
  const resident = db.select({ id: residents.id, name: residents.name, locale: residents.locale }).from(residents).where(eq(residents.email, email)).get();
  if (!resident) return;
  const upcoming = db
    .select({ dinnerId: rsvps.dinnerId })
    .from(rsvps)
    .innerJoin(dinners, eq(dinners.id, rsvps.dinnerId))
    .where(and(eq(rsvps.residentId, resident.id), inArray(dinners.status, ['published']), gt(dinners.endsAt, now)))
    .limit(5)
    .all();
  if (upcoming.length === 0) return;
  const locale: Locale = isLocale(resident.locale) ? resident.locale : 'nl';
  writeTransaction(db, (tx) => {
    const links = upcoming.map(({ dinnerId }) => {
      const dinner = findDinnerForRsvp(tx, dinnerId)!;
      return { title: dinner.title, when: formatDateTime(dinner.startsAt, settings.timeZone, locale), link: rsvpUrl(settings, issueRsvpLink(tx, resident.id, dinner, now)) };
    });
    mailer.enqueue(tx, { to: email, locale, template: 'rsvp-links', locals: { name: resident.name, links } }, now);
  });
}
