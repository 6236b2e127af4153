/**
 * Problem and result shapes of the matching engine. The JSON Schemas in ../schemas/ describe
 * the same shapes for files; keep both in step.
 */

/** Effort bounds shared by both modes. The run is reproducible for a given seed as long as
 * the round or evaluation limit, not the clock, ends it. */
export interface EngineOptions {
  seed?: number;
  /** Safety cap on the search's wall time (default 1200 ms). */
  timeLimitMs?: number;
  /** Upper bound on improvement rounds (perturbation + local search). */
  maxRounds?: number;
  /** Stop after this many rounds without improvement. */
  maxStallRounds?: number;
  /** Upper bound on evaluated neighbours (moves and swaps) in the improvement rounds;
   * the deterministic effort bound for large problems (tables default: 2,500,000 up to 1,000 households, 800,000 above). */
  maxEvaluations?: number;
}

export interface TableSpec {
  id: string;
  seats: number;
  accessible?: boolean;
}

export interface MemberSpec {
  id: string;
  /** Declared cultural background. Undeclared backgrounds never count. */
  background?: string;
  /** Languages the person can hold a dinner conversation in (e.g. ISO 639-1 codes). */
  languages: string[];
  needsAccessibleSeat?: boolean;
  /** Street (or any neighbourhood block label); same-street pairs are mixed when weighted. */
  street?: string;
  /** Age bracket label such as "18-29"; same-bracket pairs are mixed when weighted. */
  ageGroup?: string;
  /** First dinner for this person; first-timers are spread over tables with regulars. */
  firstTime?: boolean;
}

export interface PartySpec {
  id: string;
  members: MemberSpec[];
}

/** Weights of the optional mixing signals, each a penalty per pair of people from different
 * households at one table: same street, same age group, both first-timers. Default 1 each;
 * 0 switches a signal off. They only break ties left by the background and history terms. */
export interface TablesWeights {
  street?: number;
  ageGroup?: number;
  firstTime?: number;
}

export interface TablesProblem {
  mode: 'tables';
  minPerTable?: number;
  tables: TableSpec[];
  parties: PartySpec[];
  /** Pairs of resident ids who sat at one table before. Unknown ids are ignored. */
  metBefore?: [string, string][];
  weights?: TablesWeights;
  options?: EngineOptions;
}

export interface Reason {
  /** Stable machine code, e.g. "party_larger_than_every_table"; translate on this. */
  code: string;
  /** English sentence the organiser can act on. */
  reason: string;
}

export interface SeatedTable {
  id: string;
  language: string;
  members: string[];
  parties: string[];
}

export interface UnseatedParty extends Reason {
  party: string;
}

export interface TablesScore {
  totalPeople: number;
  seatedPeople: number;
  unseatedPeople: number;
  tablesUsed: number;
  sameBackgroundPairs: number;
  metBeforePairs: number;
  sameStreetPairs: number;
  sameAgeGroupPairs: number;
  firstTimerPairs: number;
  /** Weighted sum of the optional signals (street, age group, first-timers). */
  signalPenalty: number;
}

export interface SearchReport {
  seed: number;
  rounds: number;
  /** Neighbours evaluated: the machine-independent measure of effort. */
  evaluations: number;
  stoppedBy: 'rounds' | 'stall' | 'effort' | 'time' | 'trivial';
}

export interface TablesResult {
  mode: 'tables';
  tables: SeatedTable[];
  unseated: UnseatedParty[];
  score: TablesScore;
  explanation: string[];
  search: SearchReport;
}

// ---------------------------------------------------------------- pairs (home dinners)

export interface Location {
  lat: number;
  lon: number;
}

export interface PairsMember {
  id: string;
  background?: string;
  languages: string[];
  /** Diet needs such as "vegetarian", "halal", "gluten-free". */
  diets?: string[];
}

export interface HostSpec {
  id: string;
  members: PairsMember[];
  /** Guest seats the host offers (not counting the host household). */
  seats: number;
  /** Diets the host can cook for. */
  canCook?: string[];
  location?: Location;
  postcode?: string;
}

export interface GuestSpec {
  id: string;
  members: PairsMember[];
  location?: Location;
  postcode?: string;
}

export interface PairsProblem {
  mode: 'pairs';
  hosts: HostSpec[];
  guests: GuestSpec[];
  /** Maximum distance between host and guest in kilometres; no limit when absent. */
  maxDistanceKm?: number;
  /** Postcode centroids, used when a household has a postcode and no coordinates. */
  postcodes?: Record<string, Location>;
  options?: EngineOptions;
}

export interface Meetup {
  host: string;
  language: string;
  guests: string[];
  /** Guest household id → distance in km (rounded to 0.01), when locations are known. */
  distancesKm: Record<string, number>;
}

export interface UnmatchedGuest extends Reason {
  guest: string;
}

export interface PairsScore {
  totalGuests: number;
  matchedGuests: number;
  unmatchedGuests: number;
  hostsUsed: number;
  sameBackgroundGuestPairs: number;
  totalDistanceKm: number;
}

export interface PairsResult {
  mode: 'pairs';
  meetups: Meetup[];
  unmatched: UnmatchedGuest[];
  score: PairsScore;
  explanation: string[];
  search: SearchReport;
}
