/**
 * Demo postcode centroids for the demo neighbourhood (Utrecht-Oost and surroundings, postcode
 * 3512 AB in the seed), rounded to three decimals. A real deployment loads the CBS/PDOK
 * centroids of its own area; households can also give coordinates directly.
 */
import type { Location } from './engine/types.ts';

export const DEMO_POSTCODE_CENTROIDS: Record<string, Location> = {
  '3511AA': { lat: 52.093, lon: 5.113 },
  '3511BB': { lat: 52.091, lon: 5.118 },
  '3512AB': { lat: 52.089, lon: 5.121 },
  '3512CD': { lat: 52.087, lon: 5.125 },
  '3512EF': { lat: 52.090, lon: 5.127 },
  '3513AA': { lat: 52.097, lon: 5.122 },
  '3513CJ': { lat: 52.099, lon: 5.128 },
  '3514AB': { lat: 52.101, lon: 5.115 },
  '3514CD': { lat: 52.104, lon: 5.121 },
  '3515AA': { lat: 52.096, lon: 5.134 },
  '3521AB': { lat: 52.080, lon: 5.108 },
  '3581AB': { lat: 52.088, lon: 5.139 },
  '3582CD': { lat: 52.086, lon: 5.148 },
  '3583AA': { lat: 52.093, lon: 5.152 },
};

/** '3512 ab' → '3512AB'; anything that is not a Dutch postcode → ''. */
export function normalisePostcode(value: string): string {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return /^[1-9][0-9]{3}[A-Z]{2}$/.test(compact) ? compact : '';
}

/** The centroid of a postcode, or of its four-digit area when only that is known. */
export function postcodeCentroid(postcode: string, table: Record<string, Location> = DEMO_POSTCODE_CENTROIDS): Location | null {
  const code = normalisePostcode(postcode);
  if (!code) return null;
  if (table[code]) return table[code]!;
  const area = Object.entries(table).filter(([key]) => key.startsWith(code.slice(0, 4)));
  if (area.length === 0) return null;
  return { lat: area.reduce((s, [, l]) => s + l.lat, 0) / area.length, lon: area.reduce((s, [, l]) => s + l.lon, 0) / area.length };
}
