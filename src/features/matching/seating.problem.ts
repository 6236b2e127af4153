/**
 * Pure translation between the app's data and the engine's table problem (no database).
 * Ids in the problem: party `h<rsvpId>` (a household), member `r<residentId>` for the resident
 * who answered and `r<residentId>.<n>` for the other people of the household, table
 * `t<venueTableId>`. Only consented data reaches the problem (see seating.queries.ts).
 */
import type { MemberSpec, PartySpec, TablesProblem, TableSpec } from './engine/types.ts';

export type HouseholdInput = {
  rsvpId: number;
  residentId: number;
  /** People in the household for this dinner (the resident included). */
  people: number;
  /** Normalised language codes (see normaliseLanguages). */
  languages: string[];
  street: string;
  /** Declared background with an active consent, else null (never guessed). */
  background: string | null;
  /** Wheelchair access need with an active consent. */
  needsAccessibleSeat: boolean;
  /** Never sat at a locked table before. */
  firstTime: boolean;
};

export type TableInput = { id: number; seats: number; accessible: boolean };

export type ProblemInput = {
  households: HouseholdInput[];
  tables: TableInput[];
  minTableSize: number;
  maxTableSize: number;
  /** Resident ids per earlier table (one array per table of a locked plan). */
  history: number[][];
  seed: number;
};

export const partyId = (rsvpId: number) => `h${rsvpId}`;
export const tableId = (venueTableId: number) => `t${venueTableId}`;
export const residentMemberId = (residentId: number) => `r${residentId}`;

export function parsePartyId(id: string): number | null {
  const match = /^h([1-9][0-9]*)$/.exec(id);
  return match ? Number(match[1]) : null;
}

export function parseTableId(id: string): number | null {
  const match = /^t([1-9][0-9]*)$/.exec(id);
  return match ? Number(match[1]) : null;
}

/** Resident id of a member id: the resident's own (`r12`) — extra people (`r12.2`) have none. */
export function parseResidentMemberId(id: string): number | null {
  const match = /^r([1-9][0-9]*)$/.exec(id);
  return match ? Number(match[1]) : null;
}

// Names residents write for the languages they speak, mapped to ISO 639-1 codes (lower case).
const LANGUAGE_NAMES: Record<string, string> = {
  nederlands: 'nl', dutch: 'nl', nl: 'nl', hollands: 'nl', vlaams: 'nl',
  engels: 'en', english: 'en', en: 'en',
  turks: 'tr', turkish: 'tr', türkçe: 'tr', turkce: 'tr', tr: 'tr',
  arabisch: 'ar', arabic: 'ar', العربية: 'ar', ar: 'ar',
  pools: 'pl', polish: 'pl', polski: 'pl', pl: 'pl',
  oekraïens: 'uk', oekraiens: 'uk', ukrainian: 'uk', українська: 'uk', uk: 'uk',
  russisch: 'ru', russian: 'ru', русский: 'ru', ru: 'ru',
  duits: 'de', german: 'de', deutsch: 'de', de: 'de',
  frans: 'fr', french: 'fr', français: 'fr', francais: 'fr', fr: 'fr',
  spaans: 'es', spanish: 'es', español: 'es', espanol: 'es', es: 'es',
  berbers: 'ber', tamazight: 'ber', tarifit: 'ber', berber: 'ber',
  tigrinya: 'ti', tigrinja: 'ti', ti: 'ti',
  somalisch: 'so', somali: 'so', so: 'so',
  papiaments: 'pap', papiamento: 'pap',
  sranantongo: 'srn', 'sranan tongo': 'srn', sranan: 'srn',
  koerdisch: 'ku', kurdish: 'ku', kurdî: 'ku', ku: 'ku',
  farsi: 'fa', perzisch: 'fa', persian: 'fa', fa: 'fa',
  portugees: 'pt', portuguese: 'pt', português: 'pt', pt: 'pt',
};

/**
 * The languages a resident can hold a dinner conversation in: what they wrote (comma, slash,
 * semicolon or "en"/"and" separated; known names become codes, others stay as written in lower
 * case), plus the language they chose for their mails and pages.
 */
export function normaliseLanguages(text: string, locale: string): string[] {
  const found = new Set<string>();
  for (const raw of text.split(/[,;/]|\s+(?:en|and|ve|و|i|та)\s+/i)) {
    const word = raw.trim().toLowerCase();
    if (!word) continue;
    found.add(LANGUAGE_NAMES[word] ?? word);
  }
  if (locale) found.add(locale.toLowerCase());
  return [...found].sort();
}

/**
 * The background as the engine compares it: a listed choice, or for "other" the resident's own
 * words (lower case). "prefer not to say" and an empty "other" are undeclared: they never count.
 */
export function comparableBackground(choice: string | null, ownWords: string | null): string | null {
  if (!choice || choice === 'prefer_not') return null;
  if (choice === 'other') {
    const words = (ownWords ?? '').trim().toLowerCase();
    return words ? `other:${words}` : null;
  }
  return choice;
}

/** Builds the engine's tables problem for one dinner. */
export function buildTablesProblem(input: ProblemInput): TablesProblem {
  const tables: TableSpec[] = input.tables.map((t) => ({ id: tableId(t.id), seats: Math.max(1, Math.min(t.seats, input.maxTableSize)), accessible: t.accessible }));
  const parties: PartySpec[] = input.households.map((h) => {
    const own: MemberSpec = { id: residentMemberId(h.residentId), languages: h.languages, street: h.street || undefined, firstTime: h.firstTime };
    if (h.background) own.background = h.background;
    if (h.needsAccessibleSeat) own.needsAccessibleSeat = true;
    if (!own.street) delete own.street;
    const members: MemberSpec[] = [own];
    // The other people of the household have no data of their own: they share the household's
    // languages and street and declare no background (so they never count in that term).
    for (let n = 2; n <= h.people; n++) {
      const extra: MemberSpec = { id: `${residentMemberId(h.residentId)}.${n}`, languages: h.languages, firstTime: h.firstTime };
      if (h.street) extra.street = h.street;
      members.push(extra);
    }
    return { id: partyId(h.rsvpId), members };
  });
  const present = new Set(input.households.map((h) => h.residentId));
  const pairs = new Set<string>();
  const metBefore: [string, string][] = [];
  for (const group of input.history) {
    const here = [...new Set(group.filter((id) => present.has(id)))].sort((a, b) => a - b);
    for (let i = 0; i < here.length; i++) {
      for (let j = i + 1; j < here.length; j++) {
        const key = `${here[i]}:${here[j]}`;
        if (pairs.has(key)) continue;
        pairs.add(key);
        metBefore.push([residentMemberId(here[i]!), residentMemberId(here[j]!)]);
      }
    }
  }
  return {
    mode: 'tables',
    minPerTable: input.minTableSize,
    tables,
    parties,
    metBefore,
    // Bounded effort, so the same dinner data and seed give the same plan on any machine.
    options: { seed: input.seed, timeLimitMs: 1500, maxRounds: 400, maxStallRounds: 80, maxEvaluations: 300_000 },
  };
}
