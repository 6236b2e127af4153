/**
 * Seeded generators of realistic tables problems for the matching benchmarks and tests:
 * households of 1–5, a Dutch-speaking majority with several other languages (some people
 * speak no Dutch), skewed declared backgrounds (some undeclared), a few accessible needs,
 * streets, age groups, first-timers and a history of past tables.
 */
import { createRng, type Rng } from '../../src/features/matching/engine/random.ts';
import type { MemberSpec, PartySpec, TableSpec, TablesProblem } from '../../src/features/matching/engine/types.ts';

interface Community {
  background: string;
  share: number;
  /** Home languages besides Dutch; the first is the household language. */
  languages: string[];
  /** Chance a member speaks no Dutch. */
  noDutch: number;
}

const COMMUNITIES: Community[] = [
  { background: 'nederlands', share: 0.36, languages: ['en'], noDutch: 0 },
  { background: 'turks', share: 0.13, languages: ['tr'], noDutch: 0.25 },
  { background: 'marokkaans', share: 0.13, languages: ['ar', 'ber'], noDutch: 0.2 },
  { background: 'surinaams', share: 0.1, languages: ['srn'], noDutch: 0.02 },
  { background: 'pools', share: 0.06, languages: ['pl', 'en'], noDutch: 0.35 },
  { background: 'syrisch', share: 0.06, languages: ['ar', 'en'], noDutch: 0.4 },
  { background: 'eritrees', share: 0.04, languages: ['ti', 'en'], noDutch: 0.45 },
  { background: 'indonesisch', share: 0.04, languages: ['id', 'en'], noDutch: 0.05 },
  { background: 'ghanees', share: 0.04, languages: ['en', 'tw'], noDutch: 0.3 },
  { background: 'chinees', share: 0.04, languages: ['zh', 'en'], noDutch: 0.3 },
];
const AGE_GROUPS = ['0-17', '18-29', '30-44', '45-64', '65+'];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

function pickCommunity(rng: Rng): Community {
  let x = rng.next();
  for (const c of COMMUNITIES) {
    x -= c.share;
    if (x < 0) return c;
  }
  return COMMUNITIES[0]!;
}

export interface TablesProblemSpec {
  seed: number;
  people: number;
  /** Number of tables; by default enough seats for about 112 % of the people. */
  tables?: number;
  seatsChoices?: number[];
  minPerTable?: number;
  accessibleTableShare?: number;
  accessibleNeedShare?: number;
  undeclaredShare?: number;
  /** Number of history pairs, as a multiple of the number of people. */
  historyPerPerson?: number;
  streets?: number;
  /** Share of households whose members all speak some shared language. Default 1. */
  maxHouseholdSize?: number;
}

export function generateTablesProblem(spec: TablesProblemSpec): TablesProblem {
  const rng = createRng(spec.seed);
  const seatsChoices = spec.seatsChoices ?? [6, 6, 7, 8, 8];
  const maxHousehold = spec.maxHouseholdSize ?? 5;
  const parties: PartySpec[] = [];
  const residents: string[] = [];
  const streets = spec.streets ?? Math.max(3, Math.round(spec.people / 60));
  let made = 0;
  while (made < spec.people) {
    const size = Math.min(spec.people - made, 1 + Math.min(maxHousehold - 1, Math.floor(-Math.log(1 - rng.next()) * 1.3)));
    const c = pickCommunity(rng);
    const street = `straat-${rng.int(streets)}`;
    const members: MemberSpec[] = [];
    const householdNoDutch = rng.next() < c.noDutch;
    for (let k = 0; k < size; k++) {
      const id = `r${made + k + 1}`;
      const languages = [...c.languages.slice(0, 1 + rng.int(c.languages.length))];
      if (c.background === 'nederlands') languages.length = rng.next() < 0.5 ? 1 : 0;
      if (!householdNoDutch || (k > 0 && rng.next() < 0.5)) languages.push('nl');
      if (languages.length === 0) languages.push('nl');
      const m: MemberSpec = { id, languages: [...new Set(languages)] };
      if (rng.next() >= (spec.undeclaredShare ?? 0.2)) m.background = c.background;
      if (rng.next() < (spec.accessibleNeedShare ?? 0.03)) m.needsAccessibleSeat = true;
      m.street = street;
      m.ageGroup = pick(rng, AGE_GROUPS);
      if (rng.next() < 0.2) m.firstTime = true;
      members.push(m);
      residents.push(id);
    }
    // every household shares its household language
    const common = members.map((x) => x.languages).reduce((a, b) => a.filter((l) => b.includes(l)));
    if (common.length === 0) for (const x of members) if (!x.languages.includes(c.languages[0]!)) x.languages.push(c.languages[0]!);
    parties.push({ id: `h${parties.length + 1}`, members });
    made += size;
  }
  const avgSeats = seatsChoices.reduce((a, b) => a + b, 0) / seatsChoices.length;
  const tableCount = spec.tables ?? Math.ceil((spec.people * 1.12) / avgSeats);
  const tables: TableSpec[] = [];
  for (let t = 0; t < tableCount; t++) {
    const table: TableSpec = { id: `T${t + 1}`, seats: pick(rng, seatsChoices) };
    if (rng.next() < (spec.accessibleTableShare ?? 0.15)) table.accessible = true;
    tables.push(table);
  }
  const metBefore: [string, string][] = [];
  const historyPairs = Math.round((spec.historyPerPerson ?? 1) * spec.people);
  for (let k = 0; k < historyPairs && residents.length > 1; k++) {
    const a = pick(rng, residents);
    const b = pick(rng, residents);
    if (a !== b) metBefore.push([a, b]);
  }
  return { mode: 'tables', minPerTable: spec.minPerTable ?? 3, tables, parties, metBefore };
}
