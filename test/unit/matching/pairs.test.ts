import { describe, expect, it } from 'vitest';
import { solvePairs } from '../../../src/features/matching/engine/pairs.ts';
import { haversineKm } from '../../../src/features/matching/engine/geo.ts';
import { validateProblem, validateResult } from '../../../src/features/matching/engine/validate.ts';
import type { GuestSpec, HostSpec, PairsProblem } from '../../../src/features/matching/engine/types.ts';

const here = { lat: 52.3702, lon: 4.8952 }; // Amsterdam centre
const near = { lat: 52.3731, lon: 4.8922 };
const far = { lat: 51.9244, lon: 4.4777 }; // Rotterdam

function host(id: string, overrides: Partial<HostSpec> = {}): HostSpec {
  return { id, seats: 4, canCook: [], location: here, members: [{ id: `${id}-m`, languages: ['nl'] }], ...overrides };
}

function guest(id: string, overrides: Partial<GuestSpec> = {}, member: Partial<GuestSpec['members'][number]> = {}): GuestSpec {
  return { id, location: near, members: [{ id: `${id}-m`, languages: ['nl'], ...member }], ...overrides };
}

function solve(problem: Omit<PairsProblem, 'mode'>) {
  const full: PairsProblem = { mode: 'pairs', options: { seed: 1 }, ...problem };
  expect(validateProblem(full)).toMatchObject({ ok: true });
  const result = solvePairs(full);
  expect(validateResult(result)).toEqual([]);
  return result;
}

function hostOf(result: ReturnType<typeof solvePairs>, guestId: string): string | undefined {
  return result.meetups.find((m) => m.guests.includes(guestId))?.host;
}

describe('pairs mode (home dinners)', () => {
  it('returns empty meetups for an empty round', () => {
    const result = solve({ hosts: [], guests: [] });

    expect(result.meetups).toEqual([]);
    expect(result.unmatched).toEqual([]);
  });

  it('reports every guest as no_hosts when nobody hosts', () => {
    const result = solve({ hosts: [], guests: [guest('g1')] });

    expect(result.unmatched).toEqual([expect.objectContaining({ guest: 'g1', code: 'no_hosts' })]);
  });

  it('never seats more guests than the host offers, and reports the rest as compatible_hosts_full', () => {
    const result = solve({ hosts: [host('h1', { seats: 3 })], guests: [guest('g1'), guest('g2'), guest('g3'), guest('g4')] });

    expect(result.meetups[0]!.guests).toHaveLength(3);
    expect(result.unmatched).toEqual([expect.objectContaining({ code: 'compatible_hosts_full' })]);
  });

  it('matches a household with a diet only to a host who can cook it', () => {
    const result = solve({
      hosts: [host('plain'), host('veggie', { canCook: ['vegetarian'] })],
      guests: [guest('g1', {}, { diets: ['vegetarian'] })],
    });

    expect(hostOf(result, 'g1')).toBe('veggie');
  });

  it('reports no_host_cooks_diet when no host can cook a need', () => {
    const result = solve({ hosts: [host('h1', { canCook: ['halal'] })], guests: [guest('g1', {}, { diets: ['gluten-free'] })] });

    expect(result.unmatched).toEqual([expect.objectContaining({ guest: 'g1', code: 'no_host_cooks_diet' })]);
  });

  it('gives every meetup a language the host and all its guests speak, and reports no_host_shares_language', () => {
    const result = solve({
      hosts: [host('h1', { members: [{ id: 'h1-m', languages: ['nl', 'tr'] }] })],
      guests: [guest('tr', {}, { languages: ['tr'] }), guest('nl', {}, { languages: ['nl'] }), guest('pl', {}, { languages: ['pl'] })],
    });

    const meetup = result.meetups[0]!;
    expect(result.unmatched.map((u) => [u.guest, u.code])).toEqual(expect.arrayContaining([['pl', 'no_host_shares_language']]));
    expect(meetup.guests).toHaveLength(1); // tr and nl guests share no language with each other
    expect(['tr', 'nl']).toContain(meetup.language);
  });

  it('respects the maximum distance, from coordinates or a postcode centroid', () => {
    const result = solve({
      maxDistanceKm: 5,
      postcodes: { '1012': near },
      hosts: [host('h1')],
      guests: [guest('byPostcode', { location: undefined, postcode: '1012' }), guest('rotterdam', { location: far })],
    });

    expect(hostOf(result, 'byPostcode')).toBe('h1');
    expect(result.unmatched).toEqual([expect.objectContaining({ guest: 'rotterdam', code: 'no_host_within_distance' })]);
  });

  it('reports location_unknown when a maximum distance applies and a household has no location', () => {
    const result = solve({ maxDistanceKm: 5, hosts: [host('h1')], guests: [guest('nowhere', { location: undefined })] });

    expect(result.unmatched).toEqual([expect.objectContaining({ guest: 'nowhere', code: 'location_unknown' })]);
  });

  it('never matches host and guest with the same declared background, but ignores undeclared ones', () => {
    const result = solve({
      hosts: [host('h1', { members: [{ id: 'h1-m', languages: ['nl'], background: 'turks' }] })],
      guests: [guest('same', {}, { background: 'turks' }), guest('undeclared')],
    });

    expect(hostOf(result, 'undeclared')).toBe('h1');
    expect(result.unmatched).toEqual([expect.objectContaining({ guest: 'same', code: 'only_same_background_hosts' })]);
  });

  it('spreads same-background guests over hosts when seats allow', () => {
    const result = solve({
      hosts: [host('h1', { seats: 2 }), host('h2', { seats: 2 })],
      guests: [guest('a', {}, { background: 'pools' }), guest('b', {}, { background: 'pools' }), guest('c', {}, { background: 'syrisch' }), guest('d', {}, { background: 'syrisch' })],
    });

    expect(result.score.matchedGuests).toBe(4);
    expect(result.score.sameBackgroundGuestPairs).toBe(0);
  });

  it('prefers the closer host when everything else is equal', () => {
    const result = solve({
      hosts: [host('far', { location: far, seats: 1 }), host('close', { location: here, seats: 1 })],
      guests: [guest('g1', { location: near })],
    });

    expect(hostOf(result, 'g1')).toBe('close');
    expect(result.meetups[0]!.distancesKm.g1).toBeCloseTo(haversineKm(near, here), 2);
  });

  it('matches as many guests as possible before anything else', () => {
    const result = solve({
      hosts: [host('h1', { seats: 3 })],
      guests: [guest('pair', { members: [{ id: 'p1', languages: ['nl'] }, { id: 'p2', languages: ['nl'] }] }), guest('single'), guest('single2')],
    });

    expect(result.score.matchedGuests).toBe(3);
  });

  it('rejects a postcode without a centroid, naming its path', () => {
    const outcome = validateProblem({ mode: 'pairs', hosts: [host('h1')], guests: [guest('g', { location: undefined, postcode: '9999' })] });

    expect(outcome).toEqual({ ok: false, errors: ['/guests/0/postcode: postcode "9999" has no centroid in /postcodes'] });
  });
});

describe('haversine distance', () => {
  it('measures Amsterdam to Rotterdam as about 57 km', () => {
    expect(haversineKm(here, far)).toBeGreaterThan(56);
    expect(haversineKm(here, far)).toBeLessThan(59);
  });
});
