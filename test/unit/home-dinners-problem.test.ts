import { describe, expect, it } from 'vitest';
import { solvePairs } from '../../src/features/matching/engine/pairs.ts';
import { validateProblem } from '../../src/features/matching/engine/validate.ts';
import { buildPairsProblem, type RegistrationInput } from '../../src/features/matching/home-dinners.problem.ts';
import { normalisePostcode, postcodeCentroid } from '../../src/features/matching/postcodes.ts';

function registration(overrides: Partial<RegistrationInput> & { id: number; role: 'host' | 'guest' }): RegistrationInput {
  return { residentId: overrides.id, people: 1, seats: 0, diets: [], postcode: '3512AB', lat: null, lon: null, languages: ['nl'], background: null, ...overrides };
}

describe('building the pairs problem for a round of home dinners', () => {
  it('gives hosts their seats and what they cook, guests their needs on every member, and locations as coordinates', () => {
    const problem = buildPairsProblem(
      [
        registration({ id: 1, role: 'host', seats: 3, diets: ['halal'], background: 'turkish', languages: ['nl', 'tr'] }),
        registration({ id: 2, role: 'guest', people: 2, diets: ['halal'], lat: 52.1, lon: 5.12, postcode: '' }),
        registration({ id: 3, role: 'guest', postcode: '9999ZZ' }),
      ],
      2.5,
      7,
    );

    expect(problem.hosts).toEqual([
      { id: 'g1', seats: 3, canCook: ['halal'], location: { lat: 52.089, lon: 5.121 }, members: [{ id: 'r1', languages: ['nl', 'tr'], background: 'turkish' }] },
    ]);
    expect(problem.guests[0]).toEqual({
      id: 'g2',
      location: { lat: 52.1, lon: 5.12 },
      members: [
        { id: 'r2', languages: ['nl'], diets: ['halal'] },
        { id: 'r2.2', languages: ['nl'], diets: ['halal'] },
      ],
    });
    expect(problem.guests[1]).not.toHaveProperty('location');
    expect(problem.maxDistanceKm).toBe(2.5);
    expect(validateProblem(problem).ok).toBe(true);
  });

  it('leaves a guest without a known location unmatched with a reason', () => {
    const problem = buildPairsProblem([registration({ id: 1, role: 'host', seats: 4 }), registration({ id: 2, role: 'guest', postcode: '9999ZZ' })], 3, 1);

    const result = solvePairs(problem);

    expect(result.unmatched.map((u) => [u.guest, u.code])).toEqual([['g2', 'location_unknown']]);
  });

  it('reads Dutch postcodes with or without a space and falls back to the four-digit area', () => {
    expect(normalisePostcode('3512 ab')).toBe('3512AB');
    expect(normalisePostcode('12345')).toBe('');
    expect(postcodeCentroid('3512 AB')).toEqual({ lat: 52.089, lon: 5.121 });
    expect(postcodeCentroid('3513XX')).toEqual({ lat: (52.097 + 52.099) / 2, lon: (5.122 + 5.128) / 2 });
    expect(postcodeCentroid('9999ZZ')).toBeNull();
  });
});
