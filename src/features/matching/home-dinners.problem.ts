/**
 * Pure translation of a round's registrations into the engine's pairs problem. Ids: host and
 * guest households `g<registrationId>`, members `r<residentId>` and `r<residentId>.<n>` for the
 * other people of the household (same languages, no background, the household's diets).
 * Locations are passed as coordinates (given, or the postcode centroid), so the engine never
 * meets a postcode it does not know; a household without either has no location.
 */
import type { Location, PairsMember, PairsProblem } from './engine/types.ts';
import { postcodeCentroid } from './postcodes.ts';
import { residentMemberId } from './seating.problem.ts';

export type RegistrationInput = {
  id: number;
  residentId: number;
  role: 'host' | 'guest';
  people: number;
  seats: number;
  diets: string[];
  postcode: string;
  lat: number | null;
  lon: number | null;
  languages: string[];
  background: string | null;
};

export const registrationPartyId = (id: number) => `g${id}`;

export function parseRegistrationPartyId(id: string): number | null {
  const match = /^g([1-9][0-9]*)$/.exec(id);
  return match ? Number(match[1]) : null;
}

export function registrationLocation(r: Pick<RegistrationInput, 'lat' | 'lon' | 'postcode'>): Location | null {
  if (r.lat !== null && r.lon !== null) return { lat: r.lat, lon: r.lon };
  return postcodeCentroid(r.postcode);
}

function members(r: RegistrationInput, withDiets: boolean): PairsMember[] {
  const list: PairsMember[] = [];
  for (let n = 1; n <= r.people; n++) {
    const member: PairsMember = { id: n === 1 ? residentMemberId(r.residentId) : `${residentMemberId(r.residentId)}.${n}`, languages: r.languages };
    if (n === 1 && r.background) member.background = r.background;
    if (withDiets && r.diets.length > 0) member.diets = r.diets;
    list.push(member);
  }
  return list;
}

export function buildPairsProblem(registrations: RegistrationInput[], maxDistanceKm: number, seed: number): PairsProblem {
  const located = (r: RegistrationInput) => {
    const location = registrationLocation(r);
    return location ? { location } : {};
  };
  return {
    mode: 'pairs',
    maxDistanceKm,
    hosts: registrations
      .filter((r) => r.role === 'host')
      .map((r) => ({ id: registrationPartyId(r.id), members: members(r, false), seats: r.seats, canCook: r.diets, ...located(r) })),
    guests: registrations.filter((r) => r.role === 'guest').map((r) => ({ id: registrationPartyId(r.id), members: members(r, true), ...located(r) })),
    options: { seed, timeLimitMs: 1500, maxRounds: 300, maxStallRounds: 60, maxEvaluations: 200_000 },
  };
}
