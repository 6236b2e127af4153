/**
 * "Tables" mode: seat households (parties) at a dinner's tables.
 *
 * Hard rules (never broken in a result): a party sits together; no table over its seats;
 * every table has a language all its people speak; accessible needs sit at accessible tables;
 * a used table holds at least minPerTable people. Objective, lexicographic:
 *   1. most people seated,  2. fewest same-background pairs (different households, both
 *   declared),  3. fewest pairs who met before,  4. weighted street / age group / first-timer
 *   pairs.
 *
 * Search: a grouping search adapted from the MDGP core (grouping.ts): parties are the
 * elements, tables the groups, and an extra "unseated" pool absorbs what does not fit. The
 * state keeps per-table counts of every background / street / age value and of every
 * language, so the gain of moving or swapping parties costs O(party size + history entries).
 * A queue-driven first-improvement local search over moves, swaps and (for unseated parties)
 * two-step ejection chains is wrapped in an iterated local search whose kicks are random
 * moves/swaps, swapping or relocating whole tables, emptying a table and opening a table in
 * the language of an unseated party; worse rounds are undone from an undo log, with a short
 * random walk on the soft levels. During the search a table under minPerTable is allowed but
 * penalised above everything else; a final repair unseats what still breaks the rule, so
 * results always satisfy every hard rule.
 */
import { createRng, type Rng } from './random.ts';
import { tablesReason } from './reasons.ts';
import type { EngineOptions, SearchReport, TablesProblem, TablesResult, TablesScore, UnseatedParty } from './types.ts';

const SIG_EPS = 1e-9;

export const DEFAULT_WEIGHTS = { street: 1, ageGroup: 1, firstTime: 1 } as const;

/** Indexed, typed-array form of a problem. */
export interface TablesModel {
  people: number;
  K: number;
  T: number;
  L: number;
  F: number;
  /** Features [0, B) are backgrounds; [B, F) are weighted signals. */
  B: number;
  minPerTable: number;
  partyIds: string[];
  tableIds: string[];
  languageNames: string[];
  languageSpeakers: Int32Array;
  partySize: Int32Array;
  partyAccess: Uint8Array;
  partyLangStart: Int32Array;
  partyLang: Int32Array;
  /** partySpeaks[P * L + l] = 1 when every member of P speaks l. */
  partySpeaks: Uint8Array;
  featStart: Int32Array;
  featId: Int32Array;
  featCnt: Int32Array;
  featWeight: Float64Array;
  metStart: Int32Array;
  metParty: Int32Array;
  seats: Int32Array;
  accessible: Uint8Array;
  maxSeats: number;
}

export function buildTablesModel(problem: TablesProblem): TablesModel {
  const weights = { ...DEFAULT_WEIGHTS, ...(problem.weights ?? {}) };
  const K = problem.parties.length;
  const T = problem.tables.length;
  const languageIndex = new Map<string, number>();
  const languageNames: string[] = [];
  const speakers: number[] = [];
  const bgIndex = new Map<string, number>();
  const signalIndex = new Map<string, number>();
  const signalWeights: number[] = [];
  const residentParty = new Map<string, number>();
  let people = 0;

  for (const party of problem.parties) {
    for (const m of party.members) {
      for (const lang of new Set(m.languages)) {
        let l = languageIndex.get(lang);
        if (l === undefined) {
          l = languageNames.length;
          languageIndex.set(lang, l);
          languageNames.push(lang);
          speakers.push(0);
        }
        speakers[l]!++;
      }
      if (m.background !== undefined && m.background !== '' && !bgIndex.has(m.background)) bgIndex.set(m.background, bgIndex.size);
    }
  }
  const B = bgIndex.size;
  const signalFeature = (key: string, weight: number): number => {
    let f = signalIndex.get(key);
    if (f === undefined) {
      f = B + signalWeights.length;
      signalIndex.set(key, f);
      signalWeights.push(weight);
    }
    return f;
  };
  const L = languageNames.length;
  const partySize = new Int32Array(K);
  const partyAccess = new Uint8Array(K);
  const partyLangStart = new Int32Array(K + 1);
  const partyLangList: number[] = [];
  const partySpeaks = new Uint8Array(K * L);
  const featStart = new Int32Array(K + 1);
  const featIdList: number[] = [];
  const featCntList: number[] = [];

  problem.parties.forEach((party, P) => {
    partySize[P] = party.members.length;
    people += party.members.length;
    const langCount = new Int32Array(L);
    const feats = new Map<number, number>();
    for (const m of party.members) {
      residentParty.set(m.id, P);
      if (m.needsAccessibleSeat === true) partyAccess[P] = 1;
      for (const lang of new Set(m.languages)) langCount[languageIndex.get(lang)!]!++;
      const add = (f: number): void => {
        feats.set(f, (feats.get(f) ?? 0) + 1);
      };
      if (m.background !== undefined && m.background !== '') add(bgIndex.get(m.background)!);
      if (weights.street > 0 && m.street !== undefined && m.street !== '') add(signalFeature(`s:${m.street}`, weights.street));
      if (weights.ageGroup > 0 && m.ageGroup !== undefined && m.ageGroup !== '') add(signalFeature(`a:${m.ageGroup}`, weights.ageGroup));
      if (weights.firstTime > 0 && m.firstTime === true) add(signalFeature('first', weights.firstTime));
    }
    for (let l = 0; l < L; l++) {
      if (party.members.length > 0 && langCount[l] === party.members.length) {
        partyLangList.push(l);
        partySpeaks[P * L + l] = 1;
      }
    }
    partyLangStart[P + 1] = partyLangList.length;
    for (const f of [...feats.keys()].sort((a, b) => a - b)) {
      featIdList.push(f);
      featCntList.push(feats.get(f)!);
    }
    featStart[P + 1] = featIdList.length;
  });

  const F = B + signalWeights.length;
  const featWeight = new Float64Array(F);
  for (let k = 0; k < signalWeights.length; k++) featWeight[B + k] = signalWeights[k]!;

  // history: each distinct pair of residents from different present parties counts once
  const metLists: number[][] = Array.from({ length: K }, () => []);
  const seenPairs = new Set<string>();
  for (const [a, b] of problem.metBefore ?? []) {
    const pa = residentParty.get(a);
    const pb = residentParty.get(b);
    if (pa === undefined || pb === undefined || pa === pb) continue;
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (seenPairs.has(key)) continue;
    seenPairs.add(key);
    metLists[pa]!.push(pb);
    metLists[pb]!.push(pa);
  }
  const metStart = new Int32Array(K + 1);
  const metPartyList: number[] = [];
  for (let P = 0; P < K; P++) {
    metPartyList.push(...metLists[P]!);
    metStart[P + 1] = metPartyList.length;
  }

  const seats = new Int32Array(T);
  const accessible = new Uint8Array(T);
  let maxSeats = 0;
  problem.tables.forEach((t, k) => {
    seats[k] = t.seats;
    accessible[k] = t.accessible === true ? 1 : 0;
    maxSeats = Math.max(maxSeats, t.seats);
  });

  return {
    people,
    K,
    T,
    L,
    F,
    B,
    minPerTable: Math.max(1, problem.minPerTable ?? 1),
    partyIds: problem.parties.map((p) => p.id),
    tableIds: problem.tables.map((t) => t.id),
    languageNames,
    languageSpeakers: Int32Array.from(speakers),
    partySize,
    partyAccess,
    partyLangStart,
    partyLang: Int32Array.from(partyLangList),
    partySpeaks,
    featStart,
    featId: Int32Array.from(featIdList),
    featCnt: Int32Array.from(featCntList),
    featWeight,
    metStart,
    metParty: Int32Array.from(metPartyList),
    seats,
    accessible,
    maxSeats,
  };
}

function maxPartySize(m: TablesModel): number {
  let max = 0;
  for (let P = 0; P < m.K; P++) max = Math.max(max, m.partySize[P]!);
  return max;
}

/** Lexicographic comparison of (hard, background, met, signal) tuples: a < b. */
function lexLess(h1: number, b1: number, m1: number, s1: number, h2: number, b2: number, m2: number, s2: number): boolean {
  if (h1 !== h2) return h1 < h2;
  if (b1 !== b2) return b1 < b2;
  if (m1 !== m2) return m1 < m2;
  return s1 < s2 - SIG_EPS;
}

/** Mutable seating with incremental counts. Table index T is the unseated pool. */
export class SeatingState {
  readonly m: TablesModel;
  readonly pool: number;
  readonly tableOf: Int32Array;
  readonly load: Int32Array;
  readonly nParties: Int32Array;
  readonly langCnt: Int32Array;
  /** Per-table feature counts; bytes when no table can exceed 255 people (cache-friendly). */
  readonly featTab: Uint8Array | Int32Array;
  readonly head: Int32Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  // totals
  viol = 0;
  unseated = 0;
  bg = 0;
  met = 0;
  sig = 0;
  // scratch outputs of the evaluators
  eB = 0;
  eM = 0;
  eS = 0;
  dH = 0;
  dB = 0;
  dM = 0;
  dS = 0;
  evaluations = 0;
  /** When set, every move is recorded as (party, previous table) so it can be undone. */
  undoLog: number[] | null = null;

  constructor(m: TablesModel) {
    this.m = m;
    this.pool = m.T;
    this.tableOf = new Int32Array(m.K);
    this.load = new Int32Array(m.T + 1);
    this.nParties = new Int32Array(m.T + 1);
    this.langCnt = new Int32Array((m.T + 1) * m.L);
    this.featTab = m.maxSeats + maxPartySize(m) < 255 ? new Uint8Array((m.T + 1) * m.F) : new Int32Array((m.T + 1) * m.F);
    this.head = new Int32Array(m.T + 1);
    this.next = new Int32Array(m.K);
    this.prev = new Int32Array(m.K);
    this.loadAssignment(null);
  }

  /** Rebuilds every count from an assignment (null: everybody unseated). */
  loadAssignment(assignment: Int32Array | null): void {
    const { m } = this;
    this.load.fill(0);
    this.nParties.fill(0);
    this.langCnt.fill(0);
    this.featTab.fill(0);
    this.head.fill(-1);
    this.viol = 0;
    this.unseated = 0;
    this.bg = 0;
    this.met = 0;
    this.sig = 0;
    for (let P = 0; P < m.K; P++) {
      this.tableOf[P] = -1;
    }
    for (let P = 0; P < m.K; P++) {
      this.insert(P, this.pool);
    }
    this.unseated = m.people;
    if (assignment) {
      for (let P = 0; P < m.K; P++) if (assignment[P] !== this.pool) this.move(P, assignment[P]!);
    }
  }

  /** Shortfall of a table under minPerTable, measured as the fewest people who must move
   * (in, or all out) to make it legal; every step towards either legal state is downhill. */
  private violOf(t: number, load: number): number {
    if (t === this.pool || load === 0) return 0;
    const short = this.m.minPerTable - load;
    return short > 0 ? Math.min(short, load) : 0;
  }

  private insert(P: number, t: number): void {
    const { m } = this;
    this.tableOf[P] = t;
    const h = this.head[t]!;
    this.next[P] = h;
    this.prev[P] = -1;
    if (h >= 0) this.prev[h] = P;
    this.head[t] = P;
    this.load[t]! += m.partySize[P]!;
    this.nParties[t]!++;
    if (t === this.pool) return; // the pool's language and feature counts are never read
    const lb = t * m.L;
    for (let k = m.partyLangStart[P]!; k < m.partyLangStart[P + 1]!; k++) this.langCnt[lb + m.partyLang[k]!]!++;
    const fb = t * m.F;
    for (let k = m.featStart[P]!; k < m.featStart[P + 1]!; k++) this.featTab[fb + m.featId[k]!]! += m.featCnt[k]!;
  }

  private remove(P: number): void {
    const { m } = this;
    const t = this.tableOf[P]!;
    const n = this.next[P]!;
    const p = this.prev[P]!;
    if (p >= 0) this.next[p] = n;
    else this.head[t] = n;
    if (n >= 0) this.prev[n] = p;
    this.load[t]! -= m.partySize[P]!;
    this.nParties[t]!--;
    if (t === this.pool) return;
    const lb = t * m.L;
    for (let k = m.partyLangStart[P]!; k < m.partyLangStart[P + 1]!; k++) this.langCnt[lb + m.partyLang[k]!]!--;
    const fb = t * m.F;
    for (let k = m.featStart[P]!; k < m.featStart[P + 1]!; k++) this.featTab[fb + m.featId[k]!]! -= m.featCnt[k]!;
  }

  /** Cost P adds when joining real table t as it is now. Sets eB/eM/eS. */
  private addCost(P: number, t: number): void {
    const { m } = this;
    const fb = t * m.F;
    let b = 0;
    let s = 0;
    for (let k = m.featStart[P]!; k < m.featStart[P + 1]!; k++) {
      const f = m.featId[k]!;
      const other = this.featTab[fb + f]!;
      if (other === 0) continue;
      if (f < m.B) b += m.featCnt[k]! * other;
      else s += m.featWeight[f]! * m.featCnt[k]! * other;
    }
    let met = 0;
    for (let k = m.metStart[P]!; k < m.metStart[P + 1]!; k++) {
      const Q = m.metParty[k]!;
      if (this.tableOf[Q] === t) met++;
    }
    this.eB = b;
    this.eM = met;
    this.eS = s;
  }

  /** Cost P removes when leaving its real table s. Sets eB/eM/eS. */
  private removeCost(P: number, s: number): void {
    const { m } = this;
    const fb = s * m.F;
    let b = 0;
    let sg = 0;
    for (let k = m.featStart[P]!; k < m.featStart[P + 1]!; k++) {
      const f = m.featId[k]!;
      const c = m.featCnt[k]!;
      const other = this.featTab[fb + f]! - c;
      if (other === 0) continue;
      if (f < m.B) b += c * other;
      else sg += m.featWeight[f]! * c * other;
    }
    let met = 0;
    for (let k = m.metStart[P]!; k < m.metStart[P + 1]!; k++) if (this.tableOf[m.metParty[k]!] === s) met++;
    this.eB = b;
    this.eM = met;
    this.eS = sg;
  }

  /** Whether P may sit at real table t if party X (or -1) leaves it (seats, access, language). */
  canSit(P: number, t: number, X: number): boolean {
    const { m } = this;
    if (m.partyLangStart[P + 1] === m.partyLangStart[P]) return false;
    if (m.partyAccess[P] === 1 && m.accessible[t] === 0) return false;
    const load = this.load[t]! - (X >= 0 ? m.partySize[X]! : 0) + m.partySize[P]!;
    if (load > m.seats[t]!) return false;
    const np = this.nParties[t]! - (X >= 0 ? 1 : 0);
    if (np === 0) return true;
    const lb = t * m.L;
    for (let k = m.partyLangStart[P]!; k < m.partyLangStart[P + 1]!; k++) {
      const l = m.partyLang[k]!;
      const speakers = this.langCnt[lb + l]! - (X >= 0 ? m.partySpeaks[X * m.L + l]! : 0);
      if (speakers === np) return true;
    }
    return false;
  }

  // cached cost of taking party `cachedParty` away from its table (see prepare)
  private cachedParty = -1;
  private cB = 0;
  private cM = 0;
  private cS = 0;

  /** Caches the removal cost of P from its current table for the evaluations that follow;
   * any move invalidates the cache. */
  prepare(P: number): void {
    const s = this.tableOf[P]!;
    if (s === this.pool) {
      this.cB = 0;
      this.cM = 0;
      this.cS = 0;
    } else {
      this.removeCost(P, s);
      this.cB = this.eB;
      this.cM = this.eM;
      this.cS = this.eS;
    }
    this.cachedParty = P;
  }

  private removal(P: number, s: number): void {
    if (this.cachedParty === P) {
      this.eB = this.cB;
      this.eM = this.cM;
      this.eS = this.cS;
    } else this.removeCost(P, s);
  }

  /** Evaluates moving P to t (feasibility checked by the caller). Sets dH/dB/dM/dS. */
  evalMove(P: number, t: number): void {
    const { m } = this;
    this.evaluations++;
    const s = this.tableOf[P]!;
    const sz = m.partySize[P]!;
    let b = 0;
    let met = 0;
    let sg = 0;
    let viol = 0;
    let un = 0;
    if (s === this.pool) un -= sz;
    else {
      this.removal(P, s);
      b -= this.eB;
      met -= this.eM;
      sg -= this.eS;
      viol += this.violOf(s, this.load[s]! - sz) - this.violOf(s, this.load[s]!);
    }
    if (t === this.pool) un += sz;
    else {
      this.addCost(P, t);
      b += this.eB;
      met += this.eM;
      sg += this.eS;
      viol += this.violOf(t, this.load[t]! + sz) - this.violOf(t, this.load[t]!);
    }
    this.dH = viol * (m.people + 1) + un;
    this.dB = b;
    this.dM = met;
    this.dS = sg;
  }

  // cost of the prepared party joining table `joinTable` with everyone now there (cacheJoin)
  private jB = 0;
  private jM = 0;
  private jS = 0;

  /** Caches the cost of P joining table t as it is now (t may be the pool). */
  cacheJoin(P: number, t: number): void {
    if (t === this.pool) {
      this.jB = 0;
      this.jM = 0;
      this.jS = 0;
      return;
    }
    this.addCost(P, t);
    this.jB = this.eB;
    this.jM = this.eM;
    this.jS = this.eS;
  }

  /** Interaction of two parties: shared-feature pairs and history pairs. Sets eB/eM/eS. */
  private pairCost(P: number, Q: number): void {
    const { m } = this;
    let b = 0;
    let sg = 0;
    let i = m.featStart[P]!;
    let j = m.featStart[Q]!;
    const iEnd = m.featStart[P + 1]!;
    const jEnd = m.featStart[Q + 1]!;
    while (i < iEnd && j < jEnd) {
      const fi = m.featId[i]!;
      const fj = m.featId[j]!;
      if (fi < fj) i++;
      else if (fj < fi) j++;
      else {
        const c = m.featCnt[i]! * m.featCnt[j]!;
        if (fi < m.B) b += c;
        else sg += m.featWeight[fi]! * c;
        i++;
        j++;
      }
    }
    let met = 0;
    for (let k = m.metStart[P]!; k < m.metStart[P + 1]!; k++) if (m.metParty[k] === Q) met++;
    this.eB = b;
    this.eM = met;
    this.eS = sg;
  }

  /**
   * Swap P (prepared, at s) with Q (at t, whose join cost for P is cached):
   * −remove(P, s) + join(Q, s) − remove(Q, t) + join(P, t) − pair(P, Q) per real side,
   * because each join counted the partner that is leaving. Sets dH/dB/dM/dS.
   */
  evalSwapWith(P: number, Q: number): void {
    const { m } = this;
    this.evaluations++;
    const s = this.tableOf[P]!;
    const t = this.tableOf[Q]!;
    const sp = m.partySize[P]!;
    const sq = m.partySize[Q]!;
    let b = 0;
    let met = 0;
    let sg = 0;
    let viol = 0;
    let un = 0;
    let sides = 0;
    if (s === this.pool) un += sq - sp;
    else {
      sides++;
      this.removal(P, s);
      b -= this.eB;
      met -= this.eM;
      sg -= this.eS;
      this.addCost(Q, s);
      b += this.eB;
      met += this.eM;
      sg += this.eS;
      viol += this.violOf(s, this.load[s]! - sp + sq) - this.violOf(s, this.load[s]!);
    }
    if (t === this.pool) un += sp - sq;
    else {
      sides++;
      this.removeCost(Q, t);
      b += this.jB - this.eB;
      met += this.jM - this.eM;
      sg += this.jS - this.eS;
      viol += this.violOf(t, this.load[t]! - sq + sp) - this.violOf(t, this.load[t]!);
    }
    if (sides > 0) {
      // each real side's join counted the partner who is leaving
      this.pairCost(P, Q);
      b -= sides * this.eB;
      met -= sides * this.eM;
      sg -= sides * this.eS;
    }
    this.dH = viol * (m.people + 1) + un;
    this.dB = b;
    this.dM = met;
    this.dS = sg;
  }

  /** Moves P to table t, keeping every count and total exact. */
  move(P: number, t: number): void {
    const s = this.tableOf[P]!;
    if (s === t) return;
    const { m } = this;
    const sz = m.partySize[P]!;
    this.cachedParty = -1;
    if (this.undoLog) this.undoLog.push(P, s);
    if (s === this.pool) this.unseated -= sz;
    else {
      this.removeCost(P, s);
      this.bg -= this.eB;
      this.met -= this.eM;
      this.sig -= this.eS;
      this.viol += this.violOf(s, this.load[s]! - sz) - this.violOf(s, this.load[s]!);
    }
    if (t === this.pool) this.unseated += sz;
    else {
      this.addCost(P, t);
      this.bg += this.eB;
      this.met += this.eM;
      this.sig += this.eS;
      this.viol += this.violOf(t, this.load[t]! + sz) - this.violOf(t, this.load[t]!);
    }
    this.remove(P);
    this.insert(P, t);
  }

  hard(): number {
    return this.viol * (this.m.people + 1) + this.unseated;
  }
}

interface Totals {
  h: number;
  b: number;
  m: number;
  s: number;
}

function totalsOf(st: SeatingState): Totals {
  return { h: st.hard(), b: st.bg, m: st.met, s: st.sig };
}

function totalsLess(a: Totals, b: Totals): boolean {
  return lexLess(a.h, a.b, a.m, a.s, b.h, b.b, b.m, b.s);
}

/** Up to these sizes a neighbourhood is scanned in full; above them a random sample of
 * tables is scanned per party (large venues: the full scan would cost O(parties × tables)). */
const FULL_SWAP_LIMIT = 400;
const SAMPLED_SWAP_TABLES = 6;
const FULL_MOVE_LIMIT = 96;
const SAMPLED_MOVE_TABLES = 20;
const CONSTRUCTION_SAMPLE = 32;
const SAMPLED_POOL_PARTIES = 24;
/** Chance of keeping a round that made the soft levels worse, and how many rounds without a
 * new best the walk may wander before it returns to the best plan. */
const WALK_PROBABILITY = 0.05;
const RESTART_AFTER = 100;

/**
 * Queue-driven first-improvement local search. Each popped party takes its best improving
 * move or swap; parties at the tables it touched are queued again.
 */
function localSearch(st: SeatingState, queue: number[], inQueue: Uint8Array, rng: Rng, deadline: number, clock: () => number, poolScansAll = false): void {
  const { m } = st;
  const pool = st.pool;
  let steps = 0;
  while (queue.length > 0) {
    if ((++steps & 255) === 0 && clock() > deadline) break;
    const P = queue.pop()!;
    inQueue[P] = 0;
    if (m.partyLangStart[P + 1] === m.partyLangStart[P]) continue; // can never sit
    const s = st.tableOf[P]!;
    st.prepare(P);
    let bh = 0;
    let bb = 0;
    let bm = 0;
    let bs = 0;
    let target = -1;
    let partner = -1;
    // unseated households may get a look at every table (repair), the rest a sample
    const sampled = m.T > FULL_MOVE_LIMIT && !(poolScansAll && s === pool);
    const moveCandidates = sampled ? SAMPLED_MOVE_TABLES : pool + 1;
    for (let k = 0; k < moveCandidates; k++) {
      const t = sampled ? (k === 0 ? pool : rng.int(pool)) : k;
      if (t === s || (t !== pool && !st.canSit(P, t, -1))) continue;
      st.evalMove(P, t);
      if (lexLess(st.dH, st.dB, st.dM, st.dS, bh, bb, bm, bs)) {
        bh = st.dH;
        bb = st.dB;
        bm = st.dM;
        bs = st.dS;
        target = t;
      }
    }
    const full = m.K <= FULL_SWAP_LIMIT;
    const swapTables = full ? pool + 1 : SAMPLED_SWAP_TABLES;
    for (let r = 0; r < swapTables; r++) {
      const t = full ? r : r === 0 ? pool : rng.int(pool);
      if (t === s) continue;
      let joinKnown = false;
      // a long unseated list is only sampled from its head in large problems
      let budgetQ = full || t !== pool ? m.K : SAMPLED_POOL_PARTIES;
      for (let Q = st.head[t]!; Q >= 0 && budgetQ-- > 0; Q = st.next[Q]!) {
        if (m.partyLangStart[Q + 1] === m.partyLangStart[Q]) continue;
        if (t !== pool && !st.canSit(P, t, Q)) continue;
        if (s !== pool && !st.canSit(Q, s, P)) continue;
        if (!joinKnown) {
          st.cacheJoin(P, t);
          joinKnown = true;
        }
        st.evalSwapWith(P, Q);
        if (lexLess(st.dH, st.dB, st.dM, st.dS, bh, bb, bm, bs)) {
          bh = st.dH;
          bb = st.dB;
          bm = st.dM;
          bs = st.dS;
          target = -1;
          partner = Q;
        }
      }
    }
    if (target < 0 && partner < 0) {
      if (s === pool && m.T <= FULL_MOVE_LIMIT) {
        const chain = ejectionChain(st, P);
        if (chain >= 0) {
          for (const table of [chain, st.tableOf[P]!]) {
            for (let Q = st.head[table]!; Q >= 0; Q = st.next[Q]!) {
              if (inQueue[Q] === 0) {
                inQueue[Q] = 1;
                queue.push(Q);
              }
            }
          }
        }
      }
      continue;
    }
    let t: number;
    if (partner >= 0) {
      t = st.tableOf[partner]!;
      st.move(P, t);
      st.move(partner, s);
    } else {
      t = target;
      st.move(P, t);
    }
    for (const table of [s, t]) {
      if (table === pool) continue;
      for (let Q = st.head[table]!; Q >= 0; Q = st.next[Q]!) {
        if (inQueue[Q] === 0) {
          inQueue[Q] = 1;
          queue.push(Q);
        }
      }
    }
    if (inQueue[P] === 0) {
      inQueue[P] = 1;
      queue.push(P);
    }
    // unseated parties may fit where room was freed (only those small enough to use it)
    let freed = 0;
    for (const table of [s, t]) if (table !== pool) freed = Math.max(freed, m.seats[table]! - st.load[table]!);
    for (let Q = st.head[pool]!; Q >= 0 && queue.length < 4 * m.K; Q = st.next[Q]!) {
      if (inQueue[Q] === 0 && m.partySize[Q]! <= freed) {
        inQueue[Q] = 1;
        queue.push(Q);
      }
    }
  }
}

/**
 * Ejection chain for an unseated party B: some party A leaves table t for another table t2
 * so that B can take its place at t (A was blocking B by seats or by language). Tried only
 * when no single move or swap helps B. Applies the best improving chain and returns t2 (or
 * -1). Candidates are priced by applying and undoing the two moves.
 */
function ejectionChain(st: SeatingState, B: number): number {
  const { m } = st;
  const pool = st.pool;
  const log = st.undoLog;
  st.undoLog = null;
  const before = totalsOf(st);
  let best = before;
  let bestA = -1;
  let bestT = -1;
  let bestT2 = -1;
  for (let t = 0; t < m.T; t++) {
    if (m.seats[t]! < m.partySize[B]! || (m.partyAccess[B] === 1 && m.accessible[t] === 0)) continue;
    // moving A out and back re-links it at the head of the list: iterate over a copy
    const atTable: number[] = [];
    for (let A = st.head[t]!; A >= 0; A = st.next[A]!) atTable.push(A);
    for (const A of atTable) {
      if (!st.canSit(B, t, A)) continue;
      for (let t2 = 0; t2 < m.T; t2++) {
        if (t2 === t || !st.canSit(A, t2, -1)) continue;
        st.evaluations += 2;
        st.move(A, t2);
        st.move(B, t);
        const after = totalsOf(st);
        if (totalsLess(after, best)) {
          best = after;
          bestA = A;
          bestT = t;
          bestT2 = t2;
        }
        st.move(B, pool);
        st.move(A, t);
      }
    }
  }
  st.undoLog = log;
  if (bestA < 0) return -1;
  st.move(bestA, bestT2);
  st.move(B, bestT);
  return bestT2;
}

/** Difficulty order: accessible needs, then bigger parties, then fewer languages. */
function difficultyOrder(m: TablesModel, rng: Rng): number[] {
  const order = Array.from({ length: m.K }, (_, P) => P);
  const tie = order.map(() => rng.next());
  order.sort((a, b) => {
    if (m.partyAccess[a] !== m.partyAccess[b]) return m.partyAccess[b]! - m.partyAccess[a]!;
    if (m.partySize[a] !== m.partySize[b]) return m.partySize[b]! - m.partySize[a]!;
    const la = m.partyLangStart[a + 1]! - m.partyLangStart[a]!;
    const lb = m.partyLangStart[b + 1]! - m.partyLangStart[b]!;
    if (la !== lb) return la - lb;
    return tie[a]! - tie[b]!;
  });
  return order;
}

/**
 * Cost-aware construction: hardest parties first, each to the open table where it adds the
 * least (background, history, signals), opening a new table only while there are still
 * enough people left to fill every open table up to minPerTable.
 */
function constructGreedy(st: SeatingState, rng: Rng, shuffled = false): void {
  const { m } = st;
  st.loadAssignment(null);
  const order = difficultyOrder(m, rng);
  if (shuffled) rng.shuffle(order);
  let remainingPeople = m.people;
  let openTables = 0;
  for (const P of order) {
    const sz = m.partySize[P]!;
    remainingPeople -= sz;
    let best = -1;
    let bb = 0;
    let bm = 0;
    let bs = 0;
    let bestFree = 0;
    let bestOpen = false;
    const sampled = m.T > CONSTRUCTION_SAMPLE;
    for (let k = 0; k < (sampled ? CONSTRUCTION_SAMPLE : m.T); k++) {
      const t = sampled ? rng.int(m.T) : k;
      if (!st.canSit(P, t, -1)) continue;
      const open = st.load[t]! > 0;
      const below = open && st.load[t]! < m.minPerTable;
      st.evalMove(P, t);
      const free = m.seats[t]! - st.load[t]! - sz;
      let better = false;
      if (best < 0) better = true;
      else {
        // background pairs first; among equals, fill a table still under the minimum
        const bestBelow = bestOpen && st.load[best]! < m.minPerTable;
        if (st.dB !== bb) better = st.dB < bb;
        else if (below !== bestBelow) better = below;
        else if (st.dM !== bm || Math.abs(st.dS - bs) > SIG_EPS) better = lexLess(0, 0, st.dM, st.dS, 0, 0, bm, bs);
        else if (open !== bestOpen) better = open;
        else better = free < bestFree;
      }
      if (!open && sz < m.minPerTable) {
        // opening: only while everyone not yet placed could still fill every open table
        const potential = m.people - st.unseated + sz + remainingPeople;
        if ((openTables + 1) * m.minPerTable > potential) better = false;
      }
      if (better) {
        best = t;
        bb = st.dB;
        bm = st.dM;
        bs = st.dS;
        bestFree = free;
        bestOpen = open;
      }
    }
    if (best < 0 && sampled) {
      // nothing legal in the sample: fall back to the first legal table in a full scan
      for (let t = 0; t < m.T && best < 0; t++) {
        if (!st.canSit(P, t, -1)) continue;
        if (st.load[t] === 0 && sz < m.minPerTable && (openTables + 1) * m.minPerTable > m.people - st.unseated + sz + remainingPeople) continue;
        best = t;
      }
    }
    if (best >= 0) {
      if (st.load[best] === 0) openTables++;
      st.move(P, best);
    }
  }
}

/** The straightforward baseline: parties in input order, each at the first table that fits;
 * tables left under minPerTable are emptied at the end. Used as a floor and in benchmarks. */
export function straightforwardGreedy(m: TablesModel): Int32Array {
  const st = new SeatingState(m);
  // first fit, skipping blocks of tables whose largest free space is too small
  const BLOCK = 32;
  const blocks = Math.ceil(m.T / BLOCK);
  const blockFree = new Int32Array(blocks);
  const refresh = (b: number): void => {
    let free = 0;
    for (let t = b * BLOCK; t < Math.min(m.T, (b + 1) * BLOCK); t++) free = Math.max(free, m.seats[t]! - st.load[t]!);
    blockFree[b] = free;
  };
  for (let b = 0; b < blocks; b++) refresh(b);
  for (let P = 0; P < m.K; P++) {
    const sz = m.partySize[P]!;
    let placed = false;
    for (let b = 0; b < blocks && !placed; b++) {
      if (blockFree[b]! < sz) continue;
      for (let t = b * BLOCK; t < Math.min(m.T, (b + 1) * BLOCK); t++) {
        if (st.canSit(P, t, -1)) {
          st.move(P, t);
          refresh(b);
          placed = true;
          break;
        }
      }
    }
  }
  for (let t = 0; t < m.T; t++) {
    if (st.load[t]! > 0 && st.load[t]! < m.minPerTable) {
      while (st.head[t]! >= 0) st.move(st.head[t]!, st.pool);
    }
  }
  return Int32Array.from(st.tableOf);
}

/** Empties tables under minPerTable, then lets the unseated take any seat that is legal. */
function repairMinimum(st: SeatingState, rng: Rng, deadline: number, clock: () => number): void {
  const { m } = st;
  if (st.viol === 0) return;
  for (let t = 0; t < m.T; t++) {
    if (st.load[t]! > 0 && st.load[t]! < m.minPerTable) {
      while (st.head[t]! >= 0) st.move(st.head[t]!, st.pool);
    }
  }
  const queue: number[] = [];
  const inQueue = new Uint8Array(m.K);
  for (let Q = st.head[st.pool]!; Q >= 0; Q = st.next[Q]!) {
    queue.push(Q);
    inQueue[Q] = 1;
  }
  localSearch(st, queue, inQueue, rng, deadline, clock, true);
}

/** Perturbation: a few random legal moves and swaps (rarely to the unseated pool). */
function kickParties(st: SeatingState, kicks: number, rng: Rng): void {
  const { m } = st;
  const pool = st.pool;
  for (let k = 0; k < kicks; k++) {
    const P = rng.int(m.K);
    if (m.partyLangStart[P + 1] === m.partyLangStart[P]) continue;
    const s = st.tableOf[P]!;
    if (rng.next() < 0.5) {
      const t = rng.next() < 0.05 ? pool : rng.int(m.T);
      if (t !== s && (t === pool || st.canSit(P, t, -1))) st.move(P, t);
    } else {
      const Q = rng.int(m.K);
      const t = st.tableOf[Q]!;
      if (Q !== P && t !== s && m.partyLangStart[Q + 1] !== m.partyLangStart[Q] && (t === pool || st.canSit(P, t, Q)) && (s === pool || st.canSit(Q, s, P))) {
        st.move(P, t);
        st.move(Q, s);
      }
    }
  }
}

/** Perturbation: move everyone at table a to table b and vice versa when both groups fit
 * (seats, accessibility); with an empty b this relocates a table, changing which tables
 * (and so which seat counts) are in use. */
function swapTableContents(st: SeatingState, rng: Rng): void {
  const { m } = st;
  if (m.T < 2) return;
  const a = rng.int(m.T);
  const b = rng.int(m.T);
  if (a === b || (st.load[a] === 0 && st.load[b] === 0)) return;
  if (st.load[a]! > m.seats[b]! || st.load[b]! > m.seats[a]!) return;
  const needsAccess = (t: number): boolean => {
    for (let P = st.head[t]!; P >= 0; P = st.next[P]!) if (m.partyAccess[P] === 1) return true;
    return false;
  };
  if ((needsAccess(a) && m.accessible[b] === 0) || (needsAccess(b) && m.accessible[a] === 0)) return;
  const fromA: number[] = [];
  const fromB: number[] = [];
  for (let P = st.head[a]!; P >= 0; P = st.next[P]!) fromA.push(P);
  for (let P = st.head[b]!; P >= 0; P = st.next[P]!) fromB.push(P);
  for (const P of fromA) st.move(P, st.pool);
  for (const P of fromB) st.move(P, a);
  for (const P of fromA) st.move(P, b);
}

/** Perturbation: send everyone at table t to the unseated pool; the local search re-seats them. */
function evictTable(st: SeatingState, t: number): void {
  while (st.head[t]! >= 0) st.move(st.head[t]!, st.pool);
}

/**
 * Perturbation aimed at language deadlocks: an unseated party B takes a table whose people
 * do not all speak B's language l; everyone there who does not speak l goes to the pool.
 * Returns true when it changed something (the caller then lets every party react).
 */
function openLanguageTable(st: SeatingState, rng: Rng): boolean {
  const { m } = st;
  const pool = st.pool;
  const waiting: number[] = [];
  for (let P = st.head[pool]!; P >= 0; P = st.next[P]!) if (m.partyLangStart[P + 1]! > m.partyLangStart[P]!) waiting.push(P);
  if (waiting.length === 0) {
    evictTable(st, rng.int(m.T));
    return false;
  }
  const B = waiting[rng.int(waiting.length)]!;
  const langs = m.partyLangStart[B + 1]! - m.partyLangStart[B]!;
  const l = m.partyLang[m.partyLangStart[B]! + rng.int(langs)]!;
  const t = rng.int(m.T);
  if (m.seats[t]! < m.partySize[B]! || (m.partyAccess[B] === 1 && m.accessible[t] === 0)) return false;
  const leaving: number[] = [];
  for (let P = st.head[t]!; P >= 0; P = st.next[P]!) if (m.partySpeaks[P * m.L + l] === 0) leaving.push(P);
  for (const P of leaving) st.move(P, pool);
  // if B still does not fit, the most recently seated speakers make room
  while (st.load[t]! + m.partySize[B]! > m.seats[t]! && st.head[t]! >= 0) st.move(st.head[t]!, pool);
  st.move(B, t);
  return true;
}

export interface TablesSearchOutcome {
  assignment: Int32Array;
  report: SearchReport;
}

/** Searches a seating; returns the table index per party (T = unseated). */
export function searchSeating(m: TablesModel, options: EngineOptions = {}, clock: () => number = () => performance.now()): TablesSearchOutcome {
  const seed = options.seed ?? 1;
  const rng = createRng(seed);
  const start = clock();
  const deadline = start + (options.timeLimitMs ?? 1200);
  const maxRounds = options.maxRounds ?? 20000;
  const maxStall = options.maxStallRounds ?? Math.max(1000, Math.min(5000, 50 * m.K));
  // large venues get less effort per household so 10,000 residents stay well under 2 s
  const maxEvaluations = options.maxEvaluations ?? (m.K <= 1000 ? 2_500_000 : 800_000);
  const st = new SeatingState(m);
  if (m.K === 0 || m.T === 0) {
    return { assignment: Int32Array.from(st.tableOf), report: { seed, rounds: 0, evaluations: 0, stoppedBy: 'trivial' } };
  }

  // start from the better of the cost-aware construction and the plain first-fit baseline
  // (compared on the hard level only: the baseline is a floor for seating, not for mixing)
  const baseline = straightforwardGreedy(m);
  st.loadAssignment(baseline);
  const baselineHard = st.hard();
  const baselineUnseated = st.unseated;
  constructGreedy(st, rng);
  // tables the construction left under the minimum are the local search's first job, so
  // only the seating counts here; the final check below still guarantees the baseline's seats
  if (baselineUnseated < st.unseated) st.loadAssignment(baseline);
  const queue: number[] = [];
  const inQueue = new Uint8Array(m.K);
  const order = Array.from({ length: m.K }, (_, P) => P);
  rng.shuffle(order);
  for (const P of order) {
    queue.push(P);
    inQueue[P] = 1;
  }
  localSearch(st, queue, inQueue, rng, deadline, clock);

  let best = totalsOf(st);
  const bestAssignment = Int32Array.from(st.tableOf);
  let overall = best;
  const overallAssignment = Int32Array.from(st.tableOf);
  // small dinners are cheap to search: a few independent restarts make the optimum likely
  let restartsLeft = m.K <= 40 ? 3 : m.K <= 100 ? 1 : 0;
  let rounds = 0;
  let stall = 0;
  let stoppedBy: SearchReport['stoppedBy'] = 'rounds';
  const undo: number[] = [];
  const pool = st.pool;
  const kMax = Math.max(1, Math.min(4, m.K - 1));
  while (true) {
    if (rounds >= maxRounds) {
      stoppedBy = 'rounds';
      break;
    }
    if (stall >= maxStall) {
      if (restartsLeft === 0) {
        stoppedBy = 'stall';
        break;
      }
      // independent restart from a shuffled construction; the overall best is kept
      restartsLeft--;
      if (totalsLess(best, overall)) {
        overall = best;
        overallAssignment.set(bestAssignment);
      }
      constructGreedy(st, rng, true);
      queue.length = 0;
      for (let P = 0; P < m.K; P++) {
        queue.push(P);
        inQueue[P] = 1;
      }
      localSearch(st, queue, inQueue, rng, deadline, clock);
      best = totalsOf(st);
      bestAssignment.set(st.tableOf);
      stall = 0;
      continue;
    }
    if (st.evaluations > maxEvaluations) {
      stoppedBy = 'effort';
      break;
    }
    if (clock() > deadline) {
      stoppedBy = 'time';
      break;
    }
    rounds++;
    const before = totalsOf(st);
    undo.length = 0;
    st.undoLog = undo;
    queue.length = 0;
    const kind = rng.next();
    let wide = false;
    if (kind < 0.55) kickParties(st, 1 + rng.int(kMax), rng);
    else if (kind < 0.75) swapTableContents(st, rng);
    else if (kind < 0.85) evictTable(st, rng.int(m.T));
    else wide = openLanguageTable(st, rng);
    if (wide && m.K <= FULL_SWAP_LIMIT) {
      // a reorganised table language can pull parties from anywhere: look at everyone
      for (let P = 0; P < m.K; P++) {
        if (inQueue[P] === 0) {
          inQueue[P] = 1;
          queue.push(P);
        }
      }
    }
    for (let Q = st.head[pool]!; Q >= 0; Q = st.next[Q]!) {
      if (inQueue[Q] === 0) {
        inQueue[Q] = 1;
        queue.push(Q);
      }
    }
    for (let i = 0; i < undo.length; i += 2) {
      for (const table of [undo[i + 1]!, st.tableOf[undo[i]!]!]) {
        if (table === pool) continue;
        for (let Q = st.head[table]!; Q >= 0; Q = st.next[Q]!) {
          if (inQueue[Q] === 0) {
            inQueue[Q] = 1;
            queue.push(Q);
          }
        }
      }
      const P = undo[i]!;
      if (inQueue[P] === 0) {
        inQueue[P] = 1;
        queue.push(P);
      }
    }
    localSearch(st, queue, inQueue, rng, deadline, clock);
    for (const P of queue) inQueue[P] = 0;
    queue.length = 0;
    st.undoLog = null;
    const after = totalsOf(st);
    if (totalsLess(after, best)) {
      best = after;
      bestAssignment.set(st.tableOf);
      stall = 0;
    } else {
      stall++;
      // a plan worse on the soft levels only is kept now and then (a short random walk
      // across plateaus); anything else that got worse is undone
      const keepWorse = after.h === before.h && rng.next() < WALK_PROBABILITY;
      if (totalsLess(before, after) && !keepWorse) {
        for (let i = undo.length - 2; i >= 0; i -= 2) st.move(undo[i]!, undo[i + 1]!);
      }
      if (stall % RESTART_AFTER === 0 && totalsLess(best, totalsOf(st))) st.loadAssignment(bestAssignment);
    }
  }
  if (totalsLess(best, overall)) {
    overall = best;
    overallAssignment.set(bestAssignment);
  }
  if (totalsLess(overall, totalsOf(st))) st.loadAssignment(overallAssignment);
  // the repair must empty tables under the minimum; the re-seating after it is a bonus and
  // gets a quarter of the time budget beyond the deadline
  const graceDeadline = Math.max(deadline, clock()) + 0.25 * (options.timeLimitMs ?? 1200);
  repairMinimum(st, rng, graceDeadline, clock);
  if (st.hard() > baselineHard) {
    // never seat fewer than the first-fit baseline: polish it and keep the better plan
    const found = Int32Array.from(st.tableOf);
    const foundTotals = totalsOf(st);
    st.loadAssignment(baseline);
    queue.length = 0;
    for (let P = 0; P < m.K; P++) {
      queue.push(P);
      inQueue[P] = 1;
    }
    localSearch(st, queue, inQueue, rng, graceDeadline, clock);
    if (!totalsLess(totalsOf(st), foundTotals)) st.loadAssignment(found);
  }
  return { assignment: Int32Array.from(st.tableOf), report: { seed, rounds, evaluations: st.evaluations, stoppedBy } };
}

/** Table language: of the languages everyone at the table speaks, the most widely spoken. */
function tableLanguage(m: TablesModel, parties: number[]): string {
  let best = -1;
  for (let l = 0; l < m.L; l++) {
    if (!parties.every((P) => m.partySpeaks[P * m.L + l] === 1)) continue;
    if (best < 0 || m.languageSpeakers[l]! > m.languageSpeakers[best]! || (m.languageSpeakers[l] === m.languageSpeakers[best] && m.languageNames[l]! < m.languageNames[best]!)) best = l;
  }
  return best < 0 ? '' : m.languageNames[best]!;
}

/** Counts every objective term from scratch for a finished seating. */
export function scoreSeating(problem: TablesProblem, tables: { members: string[] }[], unseatedPeople: number): TablesScore {
  const weights = { ...DEFAULT_WEIGHTS, ...(problem.weights ?? {}) };
  const memberOf = new Map<string, { party: string; bg?: string; street?: string; age?: string; first: boolean }>();
  for (const p of problem.parties) {
    for (const x of p.members) {
      memberOf.set(x.id, {
        party: p.id,
        ...(x.background ? { bg: x.background } : {}),
        ...(x.street ? { street: x.street } : {}),
        ...(x.ageGroup ? { age: x.ageGroup } : {}),
        first: x.firstTime === true,
      });
    }
  }
  const tableOfResident = new Map<string, number>();
  tables.forEach((t, k) => t.members.forEach((r) => tableOfResident.set(r, k)));
  let bg = 0;
  let street = 0;
  let age = 0;
  let first = 0;
  let seated = 0;
  for (const t of tables) {
    seated += t.members.length;
    for (let i = 0; i < t.members.length; i++) {
      const a = memberOf.get(t.members[i]!)!;
      for (let j = i + 1; j < t.members.length; j++) {
        const b = memberOf.get(t.members[j]!)!;
        if (a.party === b.party) continue;
        if (a.bg !== undefined && a.bg === b.bg) bg++;
        if (a.street !== undefined && a.street === b.street) street++;
        if (a.age !== undefined && a.age === b.age) age++;
        if (a.first && b.first) first++;
      }
    }
  }
  let met = 0;
  const seen = new Set<string>();
  for (const [a, b] of problem.metBefore ?? []) {
    const ta = tableOfResident.get(a);
    if (ta === undefined || ta !== tableOfResident.get(b)) continue;
    if (memberOf.get(a)!.party === memberOf.get(b)!.party) continue;
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    met++;
  }
  const signalPenalty = weights.street * street + weights.ageGroup * age + weights.firstTime * first;
  return {
    totalPeople: seated + unseatedPeople,
    seatedPeople: seated,
    unseatedPeople,
    tablesUsed: tables.length,
    sameBackgroundPairs: bg,
    metBeforePairs: met,
    sameStreetPairs: street,
    sameAgeGroupPairs: age,
    firstTimerPairs: first,
    signalPenalty: Math.round(signalPenalty * 1e6) / 1e6,
  };
}

/** Seats a (validated) tables problem. Pure: same problem and seed, same result. */
export function solveTables(problem: TablesProblem, clock?: () => number): TablesResult {
  const m = buildTablesModel(problem);
  const { assignment, report } = searchSeating(m, problem.options ?? {}, clock);
  const st = new SeatingState(m);
  st.loadAssignment(assignment);

  const tables: TablesResult['tables'] = [];
  const byTable: number[][] = Array.from({ length: m.T + 1 }, () => []);
  for (let P = 0; P < m.K; P++) byTable[assignment[P]!]!.push(P);
  for (let t = 0; t < m.T; t++) {
    const parties = byTable[t]!;
    if (parties.length === 0) continue;
    const members: string[] = [];
    for (const P of parties) for (const x of problem.parties[P]!.members) members.push(x.id);
    tables.push({ id: m.tableIds[t]!, language: tableLanguage(m, parties), members, parties: parties.map((P) => m.partyIds[P]!) });
  }
  const unseated: UnseatedParty[] = [];
  let unseatedPeople = 0;
  for (let P = 0; P < m.K; P++) {
    if (assignment[P] !== m.T) continue;
    unseatedPeople += m.partySize[P]!;
    unseated.push({ party: m.partyIds[P]!, ...tablesReason(m, st, P) });
  }
  const score = scoreSeating(problem, tables, unseatedPeople);
  return { mode: 'tables', tables, unseated, score, explanation: explainTables(score, unseated.length), search: report };
}

function explainTables(score: TablesScore, unseatedParties: number): string[] {
  const lines = [
    `Seated ${score.seatedPeople} of ${score.totalPeople} people at ${score.tablesUsed} table${score.tablesUsed === 1 ? '' : 's'}.`,
  ];
  if (unseatedParties > 0) lines.push(`${unseatedParties} household${unseatedParties === 1 ? '' : 's'} could not be seated under the rules; each has a reason to act on.`);
  lines.push(
    score.sameBackgroundPairs === 0
      ? 'No two people from different households with the same declared background share a table.'
      : `${score.sameBackgroundPairs} pair${score.sameBackgroundPairs === 1 ? '' : 's'} of people from different households with the same declared background share a table (kept as low as the search found possible).`,
  );
  lines.push(
    score.metBeforePairs === 0
      ? 'Nobody sits with someone from another household they sat with before.'
      : `${score.metBeforePairs} pair${score.metBeforePairs === 1 ? '' : 's'} sat together before.`,
  );
  lines.push(`Mixing penalty for same street, same age group and first-timers together: ${score.signalPenalty}.`);
  return lines;
}
