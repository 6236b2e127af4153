/**
 * "Pairs" mode: home dinners. Guest households are matched to host households.
 *
 * Hard rules: the guests fit the host's offered seats; the host can cook every diet of every
 * guest; the host household and all its guests share one language; each guest lives within
 * maxDistanceKm of the host (coordinates, or the centroid of the postcode); a host member and
 * a guest member never have the same declared background. Objective, lexicographic:
 *   1. most guest people matched, 2. fewest pairs of guests from different households with the
 *   same declared background at one host, 3. shortest total host–guest distance.
 *
 * Search: the same scheme as the tables mode, on a precomputed guest×host compatibility
 * matrix: first-improvement moves (to a host or the unmatched pool) and swaps, inside an
 * iterated local search with random kicks and undo.
 */
import { haversineKm } from './geo.ts';
import { createRng } from './random.ts';
import type { EngineOptions, Location, PairsProblem, PairsResult, PairsScore, Reason, SearchReport, UnmatchedGuest } from './types.ts';

export const PAIR_REASONS = {
  no_hosts: 'There are no hosts in this round: ask households to host.',
  no_common_language_in_party: 'The members of this household share no language: arrange an interpreter or register them separately.',
  guest_household_too_large: 'No host offers enough seats for this household: ask a host for more seats or split the household.',
  no_host_cooks_diet: 'No host can cook every diet this household needs: ask the hosts about the diet.',
  no_host_shares_language: 'No host speaks a language of this household: arrange an interpreter.',
  location_unknown: 'The location of this household (or of every suitable host) is unknown, so the distance cannot be checked: add an address or postcode.',
  no_host_within_distance: 'No suitable host lives within the maximum distance: raise maxDistanceKm or find a closer host.',
  only_same_background_hosts: 'The only suitable hosts share a declared background with this household: invite more hosts.',
  compatible_hosts_full: 'Every suitable host is already full with other guests: add hosts or seats.',
} as const;

function reason(code: keyof typeof PAIR_REASONS): Reason {
  return { code, reason: PAIR_REASONS[code] };
}

const EPS = 1e-9;

interface PairsModel {
  H: number;
  G: number;
  L: number;
  B: number;
  guestSize: Int32Array;
  seats: Int32Array;
  compatible: Uint8Array;
  /** Distance in km, 0 when unknown and no maximum applies. */
  distance: Float64Array;
  known: Uint8Array;
  /** guestSpeaks[g * L + l]: every member of guest household g speaks l. */
  guestSpeaks: Uint8Array;
  hostSpeaks: Uint8Array;
  guestLangs: number[][];
  bgStart: Int32Array;
  bgId: Int32Array;
  bgCnt: Int32Array;
  /** First failing rule per pair, for reasons (0 = compatible). */
  blocker: Uint8Array;
  languageNames: string[];
  languageSpeakers: Int32Array;
}

const BLOCK = { seats: 1, diet: 2, language: 3, location: 4, distance: 5, background: 6 } as const;

function commonLanguages(members: { languages: string[] }[]): string[] {
  let common = [...new Set(members[0]?.languages ?? [])];
  for (const m of members.slice(1)) common = common.filter((l) => m.languages.includes(l));
  return common;
}

function buildPairsModel(problem: PairsProblem): PairsModel {
  const H = problem.hosts.length;
  const G = problem.guests.length;
  const langIndex = new Map<string, number>();
  const speakers: number[] = [];
  const langOf = (l: string): number => {
    let k = langIndex.get(l);
    if (k === undefined) {
      k = langIndex.size;
      langIndex.set(l, k);
      speakers.push(0);
    }
    return k;
  };
  for (const h of [...problem.hosts, ...problem.guests]) for (const m of h.members) for (const l of new Set(m.languages)) speakers[langOf(l)]!++;
  const L = langIndex.size;
  const bgIndex = new Map<string, number>();
  for (const h of [...problem.hosts, ...problem.guests]) for (const m of h.members) if (m.background && !bgIndex.has(m.background)) bgIndex.set(m.background, bgIndex.size);

  const locate = (x: { location?: Location; postcode?: string }): Location | undefined =>
    x.location ?? (x.postcode !== undefined ? problem.postcodes?.[x.postcode] : undefined);

  const hostSpeaks = new Uint8Array(H * L);
  const hostBgs: Set<string>[] = [];
  const hostLoc: (Location | undefined)[] = [];
  const seats = new Int32Array(H);
  problem.hosts.forEach((h, k) => {
    for (const l of commonLanguages(h.members)) hostSpeaks[k * L + langOf(l)] = 1;
    hostBgs.push(new Set(h.members.flatMap((m) => (m.background ? [m.background] : []))));
    hostLoc.push(locate(h));
    seats[k] = h.seats;
  });
  const guestSize = new Int32Array(G);
  const guestSpeaks = new Uint8Array(G * L);
  const guestLangs: number[][] = [];
  const bgStart = new Int32Array(G + 1);
  const bgIdList: number[] = [];
  const bgCntList: number[] = [];
  const compatible = new Uint8Array(G * H);
  const blocker = new Uint8Array(G * H);
  const distance = new Float64Array(G * H);
  const known = new Uint8Array(G * H);
  problem.guests.forEach((g, k) => {
    guestSize[k] = g.members.length;
    const langs = commonLanguages(g.members).map(langOf);
    guestLangs.push(langs);
    for (const l of langs) guestSpeaks[k * L + l] = 1;
    const counts = new Map<number, number>();
    for (const m of g.members) if (m.background) counts.set(bgIndex.get(m.background)!, (counts.get(bgIndex.get(m.background)!) ?? 0) + 1);
    for (const b of [...counts.keys()].sort((x, y) => x - y)) {
      bgIdList.push(b);
      bgCntList.push(counts.get(b)!);
    }
    bgStart[k + 1] = bgIdList.length;
    const diets = new Set(g.members.flatMap((m) => m.diets ?? []));
    const bgs = new Set(g.members.flatMap((m) => (m.background ? [m.background] : [])));
    const loc = locate(g);
    problem.hosts.forEach((h, j) => {
      const idx = k * H + j;
      const hl = hostLoc[j];
      if (loc && hl) {
        distance[idx] = haversineKm(loc, hl);
        known[idx] = 1;
      }
      let block = 0;
      const canCook = new Set(h.canCook ?? []);
      if (g.members.length > h.seats) block = BLOCK.seats;
      else if ([...diets].some((d) => !canCook.has(d))) block = BLOCK.diet;
      else if (!langs.some((l) => hostSpeaks[j * L + l] === 1)) block = BLOCK.language;
      else if (problem.maxDistanceKm !== undefined && known[idx] === 0) block = BLOCK.location;
      else if (problem.maxDistanceKm !== undefined && distance[idx]! > problem.maxDistanceKm) block = BLOCK.distance;
      else if ([...bgs].some((b) => hostBgs[j]!.has(b))) block = BLOCK.background;
      blocker[idx] = block;
      compatible[idx] = block === 0 ? 1 : 0;
    });
  });
  return {
    H,
    G,
    L,
    B: bgIndex.size,
    guestSize,
    seats,
    compatible,
    distance,
    known,
    guestSpeaks,
    hostSpeaks,
    guestLangs,
    bgStart,
    bgId: Int32Array.from(bgIdList),
    bgCnt: Int32Array.from(bgCntList),
    blocker,
    languageNames: [...langIndex.keys()],
    languageSpeakers: Int32Array.from(speakers),
  };
}

/** Assignment state; host index H is the unmatched pool. */
class PairsState {
  readonly hostOf: Int32Array;
  readonly load: Int32Array;
  readonly nGuests: Int32Array;
  readonly langCnt: Int32Array;
  readonly bgTab: Int32Array;
  unmatched = 0;
  bg = 0;
  dist = 0;
  dU = 0;
  dB = 0;
  dD = 0;
  evaluations = 0;
  undoLog: number[] | null = null;

  constructor(readonly m: PairsModel) {
    this.hostOf = new Int32Array(m.G).fill(m.H);
    this.load = new Int32Array(m.H + 1);
    this.nGuests = new Int32Array(m.H + 1);
    this.langCnt = new Int32Array((m.H + 1) * m.L);
    this.bgTab = new Int32Array((m.H + 1) * m.B);
    for (let g = 0; g < m.G; g++) this.unmatched += m.guestSize[g]!;
  }

  /** Whether guest g may join host h when guest x (or -1) leaves it. */
  canJoin(g: number, h: number, x: number): boolean {
    const { m } = this;
    if (h === m.H) return true;
    if (m.compatible[g * m.H + h] === 0) return false;
    if (this.load[h]! - (x >= 0 ? m.guestSize[x]! : 0) + m.guestSize[g]! > m.seats[h]!) return false;
    const n = this.nGuests[h]! - (x >= 0 ? 1 : 0);
    for (const l of m.guestLangs[g]!) {
      if (m.hostSpeaks[h * m.L + l] === 0) continue;
      if (this.langCnt[h * m.L + l]! - (x >= 0 ? m.guestSpeaks[x * m.L + l]! : 0) === n) return true;
    }
    return false;
  }

  /** Same-background pairs g forms with the guests at h (minus x's members). */
  private bgWith(g: number, h: number, x: number): number {
    const { m } = this;
    let pairs = 0;
    for (let k = m.bgStart[g]!; k < m.bgStart[g + 1]!; k++) {
      const b = m.bgId[k]!;
      let other = this.bgTab[h * m.B + b]!;
      if (x >= 0) for (let q = m.bgStart[x]!; q < m.bgStart[x + 1]!; q++) if (m.bgId[q] === b) other -= m.bgCnt[q]!;
      pairs += m.bgCnt[k]! * other;
    }
    return pairs;
  }

  private dist1(g: number, h: number): number {
    return h === this.m.H ? 0 : this.m.distance[g * this.m.H + h]!;
  }

  /** Delta of moving g to h (when y ≥ 0: swapping g with guest y at h). Sets dU/dB/dD. */
  evaluate(g: number, h: number, y: number): void {
    const { m } = this;
    this.evaluations++;
    const s = this.hostOf[g]!;
    let u = 0;
    let b = 0;
    let d = 0;
    const sg = m.guestSize[g]!;
    const sy = y >= 0 ? m.guestSize[y]! : 0;
    if (s === m.H) u -= sg;
    else {
      b -= this.bgWith(g, s, g);
      d -= this.dist1(g, s);
    }
    if (h === m.H) u += sg;
    else {
      b += this.bgWith(g, h, y);
      d += this.dist1(g, h);
    }
    if (y >= 0) {
      if (h === m.H) u -= sy;
      else {
        b -= this.bgWith(y, h, y);
        d -= this.dist1(y, h);
      }
      if (s === m.H) u += sy;
      else {
        b += this.bgWith(y, s, g);
        d += this.dist1(y, s);
      }
    }
    this.dU = u;
    this.dB = b;
    this.dD = d;
  }

  move(g: number, h: number): void {
    const { m } = this;
    const s = this.hostOf[g]!;
    if (s === h) return;
    if (this.undoLog) this.undoLog.push(g, s);
    this.evaluate(g, h, -1);
    this.unmatched += this.dU;
    this.bg += this.dB;
    this.dist += this.dD;
    const sz = m.guestSize[g]!;
    for (const [host, sign] of [
      [s, -1],
      [h, 1],
    ] as const) {
      this.load[host]! += sign * sz;
      this.nGuests[host]! += sign;
      for (const l of m.guestLangs[g]!) this.langCnt[host * m.L + l]! += sign;
      for (let k = m.bgStart[g]!; k < m.bgStart[g + 1]!; k++) this.bgTab[host * m.B + m.bgId[k]!]! += sign * m.bgCnt[k]!;
    }
    this.hostOf[g] = h;
  }
}

function less(u1: number, b1: number, d1: number, u2: number, b2: number, d2: number): boolean {
  if (u1 !== u2) return u1 < u2;
  if (b1 !== b2) return b1 < b2;
  return d1 < d2 - EPS;
}

function localSearch(st: PairsState, candidates: number[]): void {
  const { m } = st;
  const queue = [...candidates];
  const inQueue = new Uint8Array(m.G);
  for (const g of queue) inQueue[g] = 1;
  while (queue.length > 0) {
    const g = queue.pop()!;
    inQueue[g] = 0;
    const s = st.hostOf[g]!;
    let bu = 0;
    let bb = 0;
    let bd = 0;
    let bestHost = -1;
    let bestPartner = -1;
    for (let h = 0; h <= m.H; h++) {
      if (h === s || !st.canJoin(g, h, -1)) continue;
      st.evaluate(g, h, -1);
      if (less(st.dU, st.dB, st.dD, bu, bb, bd)) {
        bu = st.dU;
        bb = st.dB;
        bd = st.dD;
        bestHost = h;
        bestPartner = -1;
      }
    }
    for (let y = 0; y < m.G; y++) {
      const h = st.hostOf[y]!;
      if (h === s || !st.canJoin(g, h, y) || !st.canJoin(y, s, g)) continue;
      st.evaluate(g, h, y);
      if (less(st.dU, st.dB, st.dD, bu, bb, bd)) {
        bu = st.dU;
        bb = st.dB;
        bd = st.dD;
        bestHost = h;
        bestPartner = y;
      }
    }
    if (bestHost < 0) continue;
    st.move(g, bestHost);
    if (bestPartner >= 0) st.move(bestPartner, s);
    for (let y = 0; y < m.G; y++) {
      const h = st.hostOf[y]!;
      if ((h === s || h === bestHost || h === m.H) && inQueue[y] === 0) {
        inQueue[y] = 1;
        queue.push(y);
      }
    }
  }
}

function searchPairs(m: PairsModel, options: EngineOptions, clock: () => number): { assignment: Int32Array; report: SearchReport } {
  const seed = options.seed ?? 1;
  const rng = createRng(seed);
  const st = new PairsState(m);
  if (m.G === 0 || m.H === 0) return { assignment: Int32Array.from(st.hostOf), report: { seed, rounds: 0, evaluations: 0, stoppedBy: 'trivial' } };
  const deadline = clock() + (options.timeLimitMs ?? 1200);
  const maxRounds = options.maxRounds ?? 5000;
  const maxStall = options.maxStallRounds ?? Math.max(200, Math.min(2000, 20 * m.G));
  const maxEvaluations = options.maxEvaluations ?? 2_500_000;
  // largest households first: they are the hardest to place
  const order = Array.from({ length: m.G }, (_, g) => g).sort((a, b) => m.guestSize[a]! - m.guestSize[b]!);
  localSearch(st, order);
  let rounds = 0;
  let stall = 0;
  let stoppedBy: SearchReport['stoppedBy'] = 'rounds';
  const undo: number[] = [];
  for (;;) {
    if (rounds >= maxRounds) break;
    if (stall >= maxStall) {
      stoppedBy = 'stall';
      break;
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
    const before = [st.unmatched, st.bg, st.dist] as const;
    undo.length = 0;
    st.undoLog = undo;
    const kicks = 1 + rng.int(Math.min(3, m.G));
    for (let k = 0; k < kicks; k++) {
      const g = rng.int(m.G);
      const h = rng.int(m.H + 1);
      if (st.canJoin(g, h, -1)) st.move(g, h);
    }
    const touched = new Set<number>();
    for (let i = 0; i < undo.length; i += 2) {
      const hosts = [undo[i + 1]!, st.hostOf[undo[i]!]!];
      for (let y = 0; y < m.G; y++) if (hosts.includes(st.hostOf[y]!)) touched.add(y);
    }
    localSearch(st, [...touched]);
    st.undoLog = null;
    if (less(st.unmatched, st.bg, st.dist, before[0], before[1], before[2])) stall = 0;
    else {
      stall++;
      if (less(before[0], before[1], before[2], st.unmatched, st.bg, st.dist)) {
        for (let i = undo.length - 2; i >= 0; i -= 2) st.move(undo[i]!, undo[i + 1]!);
      }
    }
  }
  return { assignment: Int32Array.from(st.hostOf), report: { seed, rounds, evaluations: st.evaluations, stoppedBy } };
}

function unmatchedReason(m: PairsModel, g: number): Reason {
  if (m.H === 0) return reason('no_hosts');
  if (m.guestLangs[g]!.length === 0) return reason('no_common_language_in_party');
  let deepest = 0;
  for (let h = 0; h < m.H; h++) {
    const block = m.blocker[g * m.H + h]!;
    if (block === 0) return reason('compatible_hosts_full');
    deepest = Math.max(deepest, block);
  }
  // the rule that blocked the most promising host (the one that passed the most checks)
  switch (deepest) {
    case BLOCK.seats:
      return reason('guest_household_too_large');
    case BLOCK.diet:
      return reason('no_host_cooks_diet');
    case BLOCK.language:
      return reason('no_host_shares_language');
    case BLOCK.location:
      return reason('location_unknown');
    case BLOCK.distance:
      return reason('no_host_within_distance');
    default:
      return reason('only_same_background_hosts');
  }
}

/** Matches guests to hosts for a (validated) pairs problem. Pure and seeded. */
export function solvePairs(problem: PairsProblem, clock: () => number = () => performance.now()): PairsResult {
  const m = buildPairsModel(problem);
  const { assignment, report } = searchPairs(m, problem.options ?? {}, clock);
  const meetups: PairsResult['meetups'] = [];
  let matched = 0;
  let total = 0;
  let bgPairs = 0;
  let distanceSum = 0;
  for (let g = 0; g < m.G; g++) total += m.guestSize[g]!;
  for (let h = 0; h < m.H; h++) {
    const guests: number[] = [];
    for (let g = 0; g < m.G; g++) if (assignment[g] === h) guests.push(g);
    if (guests.length === 0) continue;
    let language = '';
    let bestSpeakers = -1;
    for (let l = 0; l < m.L; l++) {
      if (m.hostSpeaks[h * m.L + l] === 0 || !guests.every((g) => m.guestSpeaks[g * m.L + l] === 1)) continue;
      if (m.languageSpeakers[l]! > bestSpeakers) {
        bestSpeakers = m.languageSpeakers[l]!;
        language = m.languageNames[l]!;
      }
    }
    const distancesKm: Record<string, number> = {};
    for (const g of guests) {
      matched += m.guestSize[g]!;
      if (m.known[g * m.H + h] === 1) {
        distancesKm[problem.guests[g]!.id] = Math.round(m.distance[g * m.H + h]! * 100) / 100;
        distanceSum += m.distance[g * m.H + h]!;
      }
    }
    const members = guests.flatMap((g) => problem.guests[g]!.members.map((x) => ({ g, bg: x.background })));
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i]!;
        const b = members[j]!;
        if (a.g !== b.g && a.bg !== undefined && a.bg === b.bg) bgPairs++;
      }
    }
    meetups.push({ host: problem.hosts[h]!.id, language, guests: guests.map((g) => problem.guests[g]!.id), distancesKm });
  }
  const unmatched: UnmatchedGuest[] = [];
  for (let g = 0; g < m.G; g++) if (assignment[g] === m.H) unmatched.push({ guest: problem.guests[g]!.id, ...unmatchedReason(m, g) });
  const score: PairsScore = {
    totalGuests: total,
    matchedGuests: matched,
    unmatchedGuests: total - matched,
    hostsUsed: meetups.length,
    sameBackgroundGuestPairs: bgPairs,
    totalDistanceKm: Math.round(distanceSum * 100) / 100,
  };
  const explanation = [
    `Matched ${matched} of ${total} guests with ${meetups.length} host${meetups.length === 1 ? '' : 's'}.`,
    ...(unmatched.length > 0 ? [`${unmatched.length} guest household${unmatched.length === 1 ? '' : 's'} could not be matched; each has a reason to act on.`] : []),
    bgPairs === 0
      ? 'No host receives two guests from different households with the same declared background.'
      : `${bgPairs} pair${bgPairs === 1 ? '' : 's'} of guests with the same declared background share a host (the fewest found).`,
    `Total host–guest distance: ${score.totalDistanceKm} km.`,
  ];
  return { mode: 'pairs', meetups, unmatched, score, explanation, search: report };
}
