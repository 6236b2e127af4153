/**
 * Home dinners: a round attached to a dinner of the agenda. Households register as host or guest
 * through their personal link for that dinner; the organiser runs the engine's pairs mode,
 * reviews the proposal and confirms it, which mails every host and guest household who they
 * will meet (first name, language, diet). Once confirmed, the round no longer changes.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { writeTransaction, type Db, type DbOrTx } from '../../db/client.ts';
import { isLocale, type Locale } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Mailer } from '../mail/outbox.service.ts';
import { consents, residents, residentSensitive } from '../residents/residents.schema.ts';
import { parseTagList } from '../residents/residents.service.ts';
import { rsvps } from '../rsvp/rsvp.schema.ts';
import { findDinnerForRsvp, issueRsvpLink, rsvpUrl, type RsvpSettings } from '../rsvp/rsvp.service.ts';
import { solvePairs } from './engine/pairs.ts';
import type { PairsResult } from './engine/types.ts';
import { buildPairsProblem, parseRegistrationPartyId, registrationLocation, type RegistrationInput } from './home-dinners.problem.ts';
import { homeRegistrations, homeRounds, type HomeRole, type HomeRound } from './home-dinners.schema.ts';
import { normalisePostcode } from './postcodes.ts';
import { comparableBackground, normaliseLanguages } from './seating.problem.ts';

const SEED = 20_260_202;

export function findHomeRound(db: DbOrTx, dinnerId: number): HomeRound | undefined {
  return db.select().from(homeRounds).where(eq(homeRounds.dinnerId, dinnerId)).get();
}

const roundConfirmed = () => conflict('round_confirmed', 'matching:home.errors.confirmed');

/** Opens the round for a dinner, or changes its maximum distance. */
export function saveHomeRound(db: Db, dinnerId: number, maxDistanceKm: number, actorUserId: number | null, now: Date): HomeRound {
  if (!findDinnerForRsvp(db, dinnerId)) throw notFound();
  return writeTransaction(db, (tx) => {
    const current = findHomeRound(tx, dinnerId);
    if (current?.status === 'confirmed') throw roundConfirmed();
    const round = current
      ? tx.update(homeRounds).set({ maxDistanceKm, updatedAt: now }).where(eq(homeRounds.id, current.id)).returning().get()
      : tx.insert(homeRounds).values({ dinnerId, maxDistanceKm, createdByUserId: actorUserId, createdAt: now, updatedAt: now }).returning().get();
    recordAudit(tx, { actorUserId, action: 'matching.home_round_saved', objectType: 'dinner', objectId: dinnerId, details: { maxDistanceKm } }, now);
    return round;
  });
}

export type RegistrationForm = { role: HomeRole; people: number; seats: number; diets: string[]; postcode: string; lat: number | null; lon: number | null };

export function findRegistration(db: DbOrTx, roundId: number, residentId: number) {
  return db
    .select()
    .from(homeRegistrations)
    .where(and(eq(homeRegistrations.roundId, roundId), eq(homeRegistrations.residentId, residentId)))
    .get();
}

/** A household registers (or changes its registration) while the round is not confirmed. */
export function registerForHomeRound(db: Db, dinnerId: number, residentId: number, form: RegistrationForm, now: Date): void {
  writeTransaction(db, (tx) => {
    const round = findHomeRound(tx, dinnerId);
    if (!round) throw notFound();
    if (round.status === 'confirmed') throw roundConfirmed();
    const values = {
      role: form.role,
      people: form.people,
      seats: form.role === 'host' ? form.seats : 0,
      diets: JSON.stringify(form.diets),
      postcode: normalisePostcode(form.postcode),
      lat: form.lat,
      lon: form.lon,
      updatedAt: now,
    };
    const existing = findRegistration(tx, round.id, residentId);
    if (existing) tx.update(homeRegistrations).set(values).where(eq(homeRegistrations.id, existing.id)).run();
    else tx.insert(homeRegistrations).values({ ...values, roundId: round.id, residentId, createdAt: now }).run();
  });
}

type RegistrationRow = RegistrationInput & { name: string; email: string | null; locale: string };

function listRegistrations(db: DbOrTx, roundId: number): RegistrationRow[] {
  const rows = db
    .select({
      id: homeRegistrations.id,
      residentId: homeRegistrations.residentId,
      role: homeRegistrations.role,
      people: homeRegistrations.people,
      seats: homeRegistrations.seats,
      diets: homeRegistrations.diets,
      postcode: homeRegistrations.postcode,
      lat: homeRegistrations.lat,
      lon: homeRegistrations.lon,
      name: residents.name,
      email: residents.email,
      locale: residents.locale,
      languages: residents.languages,
      background: residentSensitive.background,
      backgroundText: residentSensitive.backgroundText,
    })
    .from(homeRegistrations)
    .innerJoin(residents, eq(residents.id, homeRegistrations.residentId))
    .leftJoin(residentSensitive, eq(residentSensitive.residentId, homeRegistrations.residentId))
    .where(eq(homeRegistrations.roundId, roundId))
    .orderBy(asc(homeRegistrations.id))
    .all();
  const ids = rows.map((r) => r.residentId);
  const withBackgroundConsent = new Set(
    ids.length === 0
      ? []
      : db
          .select({ id: consents.residentId })
          .from(consents)
          .where(and(inArray(consents.residentId, ids), eq(consents.purpose, 'background'), isNull(consents.withdrawnAt)))
          .all()
          .map((c) => c.id),
  );
  return rows.map((r) => ({
    id: r.id,
    residentId: r.residentId,
    role: r.role,
    people: r.people,
    seats: r.seats,
    diets: parseTagList(r.diets),
    postcode: r.postcode,
    lat: r.lat,
    lon: r.lon,
    name: r.name,
    email: r.email,
    locale: r.locale,
    languages: normaliseLanguages(r.languages, r.locale),
    background: withBackgroundConsent.has(r.residentId) ? comparableBackground(r.background ?? null, r.backgroundText ?? null) : null,
  }));
}

/**
 * Mails every household invited to (or answering) the round's dinner a personal link to the
 * registration page, in its own language; once per household and round.
 */
export function inviteToHomeRound(db: Db, mailer: Mailer, settings: RsvpSettings, dinnerId: number, actorUserId: number | null, now: Date): number {
  return writeTransaction(db, (tx) => {
    const round = findHomeRound(tx, dinnerId);
    if (!round) throw conflict('no_round', 'matching:home.errors.noRound');
    if (round.status === 'confirmed') throw roundConfirmed();
    const dinner = findDinnerForRsvp(tx, dinnerId)!;
    const invited = tx
      .select({ id: residents.id, name: residents.name, email: residents.email, locale: residents.locale })
      .from(rsvps)
      .innerJoin(residents, eq(residents.id, rsvps.residentId))
      .where(and(eq(rsvps.dinnerId, dinnerId), inArray(rsvps.status, ['invited', 'confirmed', 'waiting'])))
      .orderBy(asc(rsvps.id))
      .all();
    let mailed = 0;
    for (const resident of invited) {
      if (!resident.email) continue;
      const locale: Locale = isLocale(resident.locale) ? resident.locale : 'nl';
      const token = issueRsvpLink(tx, resident.id, dinner, now);
      const queued = mailer.enqueue(
        tx,
        {
          to: resident.email,
          locale,
          template: 'matching-home-invite',
          locals: { name: resident.name, title: dinner.title, when: formatDateTime(dinner.startsAt, settings.timeZone, locale), link: `${rsvpUrl(settings, token)}/home` },
          dedupeKey: `matching-home-invite:${round.id}:${resident.id}`,
        },
        now,
      );
      if (queued) mailed += 1;
    }
    recordAudit(tx, { actorUserId, action: 'matching.home_invited', objectType: 'dinner', objectId: dinnerId, details: { mailed } }, now);
    return mailed;
  });
}

/** Runs the pairs mode on the current registrations and stores the proposal for review. */
export function matchHomeRound(db: Db, dinnerId: number, actorUserId: number | null, now: Date): PairsResult {
  const round = findHomeRound(db, dinnerId);
  if (!round) throw conflict('no_round', 'matching:home.errors.noRound');
  if (round.status === 'confirmed') throw roundConfirmed();
  const problem = buildPairsProblem(listRegistrations(db, round.id), round.maxDistanceKm, SEED);
  const result = solvePairs(problem);
  writeTransaction(db, (tx) => {
    const current = findHomeRound(tx, dinnerId);
    if (current?.status === 'confirmed') throw roundConfirmed();
    tx.update(homeRounds).set({ status: 'proposed', problem: JSON.stringify(problem), proposal: JSON.stringify(result), updatedAt: now }).where(eq(homeRounds.id, round.id)).run();
    recordAudit(tx, { actorUserId, action: 'matching.home_matched', objectType: 'dinner', objectId: dinnerId, details: { matched: result.score.matchedGuests, unmatched: result.score.unmatchedGuests } }, now);
  });
  return result;
}

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;

function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * Confirms the reviewed proposal and tells every matched household, in its own language, who
 * they will meet. Unmatched guests get no mail here: the organiser contacts them.
 */
export function confirmHomeRound(db: Db, mailer: Mailer, settings: RsvpSettings, dinnerId: number, actorUserId: number | null, now: Date, dietName: (tag: string, locale: Locale) => string): number {
  return writeTransaction(db, (tx) => {
    const round = findHomeRound(tx, dinnerId);
    if (!round || round.status !== 'proposed' || !round.proposal) throw conflict('no_proposal', 'matching:home.errors.noProposal');
    const dinner = findDinnerForRsvp(tx, dinnerId)!;
    const proposal = JSON.parse(round.proposal) as PairsResult;
    const byId = new Map(listRegistrations(tx, round.id).map((r) => [r.id, r]));
    let mailed = 0;
    const send = (to: RegistrationRow, template: string, locals: (locale: Locale) => Record<string, unknown>) => {
      if (!to.email) return;
      const locale: Locale = isLocale(to.locale) ? to.locale : 'nl';
      const token = issueRsvpLink(tx, to.residentId, dinner, now);
      const queued = mailer.enqueue(
        tx,
        { to: to.email, locale, template, locals: { name: to.name, title: dinner.title, when: formatDateTime(dinner.startsAt, settings.timeZone, locale), link: rsvpUrl(settings, token), ...locals(locale) }, dedupeKey: `${template}:${round.id}:${to.residentId}` },
        now,
      );
      if (queued) mailed += 1;
    };
    for (const meetup of proposal.meetups) {
      const host = byId.get(parseRegistrationPartyId(meetup.host) ?? 0);
      const guests = meetup.guests.map((g) => byId.get(parseRegistrationPartyId(g) ?? 0)).filter((g): g is RegistrationRow => Boolean(g));
      if (!host) continue;
      send(host, 'matching-home-host', (locale) => ({
        language: languageName(meetup.language, locale),
        guests: guests.map((g) => ({ name: firstName(g.name), people: g.people, diets: g.diets.map((d) => dietName(d, locale)).join(', ') })),
      }));
      for (const guest of guests) {
        send(guest, 'matching-home-guest', (locale) => ({
          host: firstName(host.name),
          language: languageName(meetup.language, locale),
          diets: guest.diets.map((d) => dietName(d, locale)).join(', '),
        }));
      }
    }
    tx.update(homeRounds).set({ status: 'confirmed', confirmedAt: now, updatedAt: now }).where(eq(homeRounds.id, round.id)).run();
    recordAudit(tx, { actorUserId, action: 'matching.home_confirmed', objectType: 'dinner', objectId: dinnerId, details: { mailed } }, now);
    return mailed;
  });
}

export type HomeRoundView = {
  round: HomeRound | null;
  hosts: (RegistrationRow & { located: boolean })[];
  guests: (RegistrationRow & { located: boolean })[];
  proposal: null | {
    meetups: { host: string; language: string; guests: { name: string; people: number; diets: string[]; km: number | null }[]; seats: number }[];
    unmatched: { name: string; people: number; code: string }[];
    score: PairsResult['score'];
  };
};

export function homeRoundView(db: DbOrTx, dinnerId: number): HomeRoundView {
  const round = findHomeRound(db, dinnerId) ?? null;
  if (!round) return { round, hosts: [], guests: [], proposal: null };
  const registrations = listRegistrations(db, round.id).map((r) => ({ ...r, located: registrationLocation(r) !== null }));
  const byParty = new Map(registrations.map((r) => [`g${r.id}`, r]));
  let proposal: HomeRoundView['proposal'] = null;
  if (round.proposal) {
    const result = JSON.parse(round.proposal) as PairsResult;
    proposal = {
      meetups: result.meetups.map((m) => ({
        host: byParty.get(m.host)?.name ?? m.host,
        seats: byParty.get(m.host)?.seats ?? 0,
        language: m.language,
        guests: m.guests.map((g) => ({ name: byParty.get(g)?.name ?? g, people: byParty.get(g)?.people ?? 0, diets: byParty.get(g)?.diets ?? [], km: m.distancesKm[g] ?? null })),
      })),
      unmatched: result.unmatched.map((u) => ({ name: byParty.get(u.guest)?.name ?? u.guest, people: byParty.get(u.guest)?.people ?? 0, code: u.code })),
      score: result.score,
    };
  }
  return { round, hosts: registrations.filter((r) => r.role === 'host'), guests: registrations.filter((r) => r.role === 'guest'), proposal };
}

