/**
 * Grouping core for the maximally diverse grouping problem (MDGP): split n elements into
 * G groups whose sizes lie in [lower_g, upper_g] so that the sum of distances inside the
 * groups is as large as possible.
 *
 * Search: iterated maxima search after Lai & Hao (2016). A first-improvement descent over
 * the move and swap neighbourhoods climbs to a local maximum; a "maxima search" walks between
 * nearby maxima with weak perturbations (best of a random sample of neighbours, even when
 * worse); a strong random perturbation (0.25–0.5·n/G random moves and swaps) then jumps to a
 * new basin. Around it, as in TPSDP (Yang et al. 2022), a small population of trajectories
 * that shrinks over time and occasionally restarts from a group-based crossover.
 * Every gain is O(1) because the state keeps, for each element i and group g, the sum of
 * distances from i to the members of g; applying a move costs O(n).
 *
 * Pure: no I/O. Deterministic for a given seed when the iteration limit (not the clock) ends
 * the run.
 */
import { createRng, type Rng } from './random.ts';

export interface GroupingInstance {
  n: number;
  groupCount: number;
  /** Minimum size of each group. */
  lower: Int32Array;
  /** Maximum size of each group. */
  upper: Int32Array;
  /** Row-major symmetric n×n distance matrix with a zero diagonal. */
  distance: Float64Array;
}

export interface SearchLimits {
  seed?: number;
  /** Wall-clock budget in milliseconds. */
  timeLimitMs?: number;
  /** Budget in descent passes (each pass scans both neighbourhoods once). */
  maxIterations?: number;
  /** Failed rounds a maxima search tolerates before the strong perturbation (default 3). */
  patience?: number;
  /** Trajectories at the start (default 4); the population shrinks to one by mid-run. */
  population?: number;
  /** Share of population steps that start from a crossover child instead of a perturbation. */
  crossoverRate?: number;
  /** Strong perturbation size as a multiple of n/G, drawn uniformly from [min, max] for
   * every perturbation (default [0.25, 0.5]). */
  strength?: [number, number];
  /** Clock in milliseconds; injectable for tests. */
  clock?: () => number;
}

export interface GroupingResult {
  objective: number;
  /** Group index per element. */
  assignment: Int32Array;
  iterations: number;
  /** Number of maxima searches run (local optima visited). */
  descents: number;
}

const EPS = 1e-9;

/** Mutable search state with the incremental gain matrix. */
class GroupingState {
  readonly n: number;
  readonly g: number;
  readonly d: Float64Array;
  readonly p: Int32Array;
  readonly size: Int32Array;
  /** sums[i * g + k] = sum of distances from element i to the members of group k. */
  readonly sums: Float64Array;
  /** Scratch for the pruned swap pass: elements ordered by group, group offsets, bounds. */
  readonly order: Int32Array;
  readonly start: Int32Array;
  readonly fillPos: Int32Array;
  readonly maxGain: Float64Array;
  readonly nonNegative: boolean;
  f = 0;

  constructor(inst: GroupingInstance) {
    this.n = inst.n;
    this.g = inst.groupCount;
    this.d = inst.distance;
    this.p = new Int32Array(this.n);
    this.size = new Int32Array(this.g);
    this.sums = new Float64Array(this.n * this.g);
    this.order = new Int32Array(this.n);
    this.start = new Int32Array(this.g + 1);
    this.fillPos = new Int32Array(this.g);
    this.maxGain = new Float64Array(this.g * this.g);
    let nonNegative = true;
    for (let k = 0; k < this.d.length; k++) if (this.d[k]! < 0) nonNegative = false;
    this.nonNegative = nonNegative;
  }

  load(assignment: Int32Array): void {
    const { n, g, d, p, size, sums } = this;
    p.set(assignment);
    size.fill(0);
    sums.fill(0);
    let f = 0;
    for (let i = 0; i < n; i++) size[p[i]!]!++;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const base = i * g;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        sums[base + p[j]!]! += d[row + j]!;
      }
      f += sums[base + p[i]!]!;
    }
    this.f = f / 2;
  }

  move(i: number, to: number): void {
    const { n, g, d, p, size, sums } = this;
    const from = p[i]!;
    this.f += sums[i * g + to]! - sums[i * g + from]!;
    const row = i * n;
    for (let k = 0, idx = 0; k < n; k++, idx += g) {
      const dist = d[row + k]!;
      sums[idx + from]! -= dist;
      sums[idx + to]! += dist;
    }
    p[i] = to;
    size[from]!--;
    size[to]!++;
  }
}

/** Objective of an assignment, computed from scratch (for verification and reporting). */
export function groupingObjective(inst: GroupingInstance, assignment: ArrayLike<number>): number {
  let f = 0;
  for (let i = 0; i < inst.n; i++) {
    for (let j = i + 1; j < inst.n; j++) {
      if (assignment[i] === assignment[j]) f += inst.distance[i * inst.n + j]!;
    }
  }
  return f;
}

/** Throws when no assignment can satisfy the size bounds. */
export function checkGroupingBounds(inst: GroupingInstance): void {
  let minTotal = 0;
  let maxTotal = 0;
  for (let k = 0; k < inst.groupCount; k++) {
    if (inst.lower[k]! > inst.upper[k]! || inst.lower[k]! < 0) {
      throw new Error(`group ${k}: lower bound ${inst.lower[k]} exceeds upper bound ${inst.upper[k]}`);
    }
    minTotal += inst.lower[k]!;
    maxTotal += inst.upper[k]!;
  }
  if (inst.n < minTotal || inst.n > maxTotal) {
    throw new Error(`${inst.n} elements cannot fill groups whose sizes total between ${minTotal} and ${maxTotal}`);
  }
}

function randomAssignment(inst: GroupingInstance, rng: Rng): Int32Array {
  const order = new Int32Array(inst.n);
  for (let i = 0; i < inst.n; i++) order[i] = i;
  rng.shuffle(order);
  const assignment = new Int32Array(inst.n);
  const size = new Int32Array(inst.groupCount);
  let next = 0;
  for (let k = 0; k < inst.groupCount; k++) {
    for (let s = 0; s < inst.lower[k]!; s++) {
      assignment[order[next++]!] = k;
      size[k]!++;
    }
  }
  const open: number[] = [];
  while (next < inst.n) {
    open.length = 0;
    for (let k = 0; k < inst.groupCount; k++) if (size[k]! < inst.upper[k]!) open.push(k);
    const k = open[rng.int(open.length)]!;
    assignment[order[next++]!] = k;
    size[k]!++;
  }
  return assignment;
}

interface Budget {
  deadline: number;
  maxIterations: number;
  iterations: number;
  clock: () => number;
}

function exhausted(b: Budget): boolean {
  return b.iterations >= b.maxIterations || b.clock() >= b.deadline;
}

/** Snapshot of a state that can be restored in O(n·G) instead of the O(n²) rebuild. */
class Snapshot {
  readonly p: Int32Array;
  readonly size: Int32Array;
  readonly sums: Float64Array;
  f = -Infinity;
  constructor(s: GroupingState) {
    this.p = new Int32Array(s.p.length);
    this.size = new Int32Array(s.size.length);
    this.sums = new Float64Array(s.sums.length);
  }
  save(s: GroupingState): void {
    this.p.set(s.p);
    this.size.set(s.size);
    this.sums.set(s.sums);
    this.f = s.f;
  }
  restore(s: GroupingState): void {
    s.p.set(this.p);
    s.size.set(this.size);
    s.sums.set(this.sums);
    s.f = this.f;
  }
}

/**
 * First-improvement descent over the move and swap neighbourhoods: every improving
 * neighbour is applied as soon as it is found, until a full pass finds none.
 */
function descend(inst: GroupingInstance, s: GroupingState, budget: Budget): void {
  const { n, g, d, p, size, sums } = s;
  const { lower, upper } = inst;
  let improved = true;
  while (improved && !exhausted(budget)) {
    improved = false;
    budget.iterations++;
    for (let i = 0; i < n; i++) {
      const base = i * g;
      for (let h = 0; h < g; h++) {
        const gi = p[i]!;
        if (h === gi || size[gi]! <= lower[gi]! || size[h]! >= upper[h]!) continue;
        if (sums[base + h]! - sums[base + gi]! > EPS) {
          s.move(i, h);
          improved = true;
        }
      }
    }
    if (s.nonNegative) {
      if (prunedSwapPass(s)) improved = true;
      continue;
    }
    for (let i = 0; i < n - 1; i++) {
      const base = i * g;
      const row = i * n;
      let gi = p[i]!;
      let oi = sums[base + gi]!;
      for (let j = i + 1; j < n; j++) {
        const gj = p[j]!;
        if (gj === gi) continue;
        const jb = j * g;
        const delta = sums[base + gj]! - oi + sums[jb + gi]! - sums[jb + gj]! - 2 * d[row + j]!;
        if (delta > EPS) {
          s.move(i, gj);
          s.move(j, gi);
          improved = true;
          gi = gj;
          oi = sums[base + gi]!;
        }
      }
    }
  }
}

/**
 * Swap pass with bound pruning (distances ≥ 0): a swap of i (group a) with j (group b) gains
 * gain_i(b) + gain_j(a) − 2·d_ij ≤ gain_i(b) + max_{j∈b} gain_j(a), so whole groups b are
 * skipped for i when that bound is not positive. Bounds are computed at the start of the pass;
 * after a swap they may be stale and miss a swap, but then the pass reports an improvement
 * and the caller runs another pass with fresh bounds, so a pass that finds nothing proves a
 * local maximum. Returns whether it swapped anything.
 */
function prunedSwapPass(s: GroupingState): boolean {
  const { n, g, d, p, sums, order, start, maxGain } = s;
  start.fill(0);
  for (let i = 0; i < n; i++) start[p[i]! + 1]!++;
  for (let k = 0; k < g; k++) start[k + 1]! += start[k]!;
  const fill = s.fillPos;
  fill.set(start.subarray(0, g));
  for (let i = 0; i < n; i++) order[fill[p[i]!]!++] = i;
  maxGain.fill(-Infinity);
  for (let j = 0; j < n; j++) {
    const gj = p[j]!;
    const jb = j * g;
    const own = sums[jb + gj]!;
    const mb = gj * g;
    for (let a = 0; a < g; a++) {
      const gain = sums[jb + a]! - own;
      if (gain > maxGain[mb + a]!) maxGain[mb + a] = gain;
    }
  }
  let improved = false;
  for (let i = 0; i < n; i++) {
    let gi = p[i]!;
    const base = i * g;
    const row = i * n;
    for (let b = 0; b < g; b++) {
      if (b === gi) continue;
      const gainI = sums[base + b]! - sums[base + gi]!;
      if (gainI + maxGain[b * g + gi]! <= EPS) continue;
      for (let k = start[b]!; k < start[b + 1]!; k++) {
        const j = order[k]!;
        if (p[j] !== b) continue;
        const jb = j * g;
        const delta = gainI + sums[jb + gi]! - sums[jb + b]! - 2 * d[row + j]!;
        if (delta > EPS) {
          s.move(i, b);
          s.move(j, gi);
          improved = true;
          gi = b;
          break;
        }
      }
      if (p[i] !== gi) break;
      if (gi === b) break;
    }
  }
  return improved;
}

/**
 * Weak perturbation: look at `samples` random feasible neighbours and apply the best of
 * them, even when it lowers the objective. It lets the search walk over a plateau of
 * nearby maxima instead of leaving the basin.
 */
function bestOfSample(inst: GroupingInstance, s: GroupingState, samples: number, rng: Rng): void {
  const { n, g, d, p, size, sums } = s;
  let bestDelta = -Infinity;
  let bi = -1;
  let bj = -1;
  let bh = -1;
  let tries = 0;
  for (let seen = 0; seen < samples && tries < samples * 20; tries++) {
    const i = rng.int(n);
    const gi = p[i]!;
    if (rng.int(n + g) < g) {
      const h = rng.int(g);
      if (h === gi || size[gi]! <= inst.lower[gi]! || size[h]! >= inst.upper[h]!) continue;
      seen++;
      const delta = sums[i * g + h]! - sums[i * g + gi]!;
      if (delta > bestDelta) {
        bestDelta = delta;
        bi = i;
        bj = -1;
        bh = h;
      }
    } else {
      const j = rng.int(n);
      const gj = p[j]!;
      if (gj === gi) continue;
      seen++;
      const delta = sums[i * g + gj]! - sums[i * g + gi]! + sums[j * g + gi]! - sums[j * g + gj]! - 2 * d[i * n + j]!;
      if (delta > bestDelta) {
        bestDelta = delta;
        bi = i;
        bj = j;
      }
    }
  }
  if (bi < 0) return;
  if (bj < 0) {
    s.move(bi, bh);
  } else {
    const gi = p[bi]!;
    s.move(bi, p[bj]!);
    s.move(bj, gi);
  }
}

/**
 * Maxima search: alternate descents with a few weak perturbation steps, always restarting
 * from the best local maximum of this search, until `patience` rounds bring nothing new.
 */
function maximaSearch(
  inst: GroupingInstance,
  s: GroupingState,
  local: Snapshot,
  patience: number,
  rng: Rng,
  budget: Budget,
): void {
  descend(inst, s, budget);
  local.save(s);
  let failures = 0;
  while (failures < patience && !exhausted(budget)) {
    for (let step = 0; step < 3; step++) bestOfSample(inst, s, s.n, rng);
    descend(inst, s, budget);
    if (s.f > local.f + EPS) {
      local.save(s);
      failures = 0;
    } else {
      local.restore(s);
      failures++;
    }
  }
  if (s.f < local.f - EPS) local.restore(s);
}

/** Strong perturbation: `strength` random feasible moves and swaps, applied blindly. */
function perturb(inst: GroupingInstance, s: GroupingState, strength: number, rng: Rng): void {
  const { n, p, size } = s;
  for (let step = 0; step < strength; step++) {
    const i = rng.int(n);
    if (rng.int(n + s.g) < s.g) {
      const h = rng.int(s.g);
      const gi = p[i]!;
      if (h !== gi && size[gi]! > inst.lower[gi]! && size[h]! < inst.upper[h]!) s.move(i, h);
      continue;
    }
    let j = rng.int(n);
    for (let tries = 0; p[j] === p[i] && tries < 20; tries++) j = rng.int(n);
    if (p[j] === p[i]) continue;
    const gi = p[i]!;
    s.move(i, p[j]!);
    s.move(j, gi);
  }
}

/**
 * Group-based crossover: groups are taken alternately from the two parents, each time the
 * parent's unused group whose still-free members are most diverse on average; the elements
 * left over go, most diverse fit first, to groups under their lower bound and then to groups
 * with room. Writes a feasible assignment into `out`.
 */
function crossover(inst: GroupingInstance, a: Int32Array, b: Int32Array, rng: Rng, out: Int32Array): void {
  const { n, groupCount: g, lower, upper, distance: d } = inst;
  out.fill(-1);
  const size = new Int32Array(g);
  const used = new Uint8Array(g);
  const members: number[] = [];
  const parents = rng.next() < 0.5 ? [a, b] : [b, a];
  for (let step = 0; step < g; step++) {
    const parent = parents[step % 2]!;
    let chosen = -1;
    let chosenValue = -Infinity;
    for (let k = 0; k < g; k++) {
      if (used[k] === 1) continue;
      members.length = 0;
      for (let i = 0; i < n; i++) if (parent[i] === k && out[i] === -1) members.push(i);
      let sum = 0;
      for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) sum += d[members[x]! * n + members[y]!]!;
      const value = members.length > 0 ? sum / members.length : 0;
      if (value > chosenValue) {
        chosenValue = value;
        chosen = k;
      }
    }
    used[chosen] = 1;
    for (let i = 0; i < n && size[chosen]! < upper[chosen]!; i++) {
      if (parent[i] === chosen && out[i] === -1) {
        out[i] = chosen;
        size[chosen]!++;
      }
    }
  }
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (out[i] === -1) rest.push(i);
  rng.shuffle(rest);
  const gainTo = (i: number, k: number): number => {
    let sum = 0;
    for (let j = 0; j < n; j++) if (out[j] === k) sum += d[i * n + j]!;
    return sum;
  };
  for (const i of rest) {
    let deficit = false;
    for (let k = 0; k < g; k++) if (size[k]! < lower[k]!) deficit = true;
    let target = -1;
    let targetGain = -Infinity;
    for (let k = 0; k < g; k++) {
      if (size[k]! >= upper[k]! || (deficit && size[k]! >= lower[k]!)) continue;
      const gain = gainTo(i, k);
      if (gain > targetGain) {
        targetGain = gain;
        target = k;
      }
    }
    out[i] = target;
    size[target]!++;
  }
  // groups still under their lower bound take elements from groups above theirs
  for (let k = 0; k < g; k++) {
    for (let i = 0; i < n && size[k]! < lower[k]!; i++) {
      const from = out[i]!;
      if (from !== k && size[from]! > lower[from]!) {
        out[i] = k;
        size[from]!--;
        size[k]!++;
      }
    }
  }
}

/** Solves an MDGP instance with iterated maxima search within the given limits. */
export function solveGrouping(inst: GroupingInstance, limits: SearchLimits = {}): GroupingResult {
  checkGroupingBounds(inst);
  const rng = createRng(limits.seed ?? 1);
  const clock = limits.clock ?? (() => performance.now());
  const budget: Budget = {
    deadline: clock() + (limits.timeLimitMs ?? 1000),
    maxIterations: limits.maxIterations ?? Number.MAX_SAFE_INTEGER,
    iterations: 0,
    clock,
  };
  const { n, groupCount: g } = inst;
  const patience = limits.patience ?? 3;
  const [strengthMin, strengthMax] = limits.strength ?? [0.25, 0.5];
  const populationSize = Math.max(1, limits.population ?? 4);
  const crossoverRate = limits.crossoverRate ?? 0.2;
  const child = new Int32Array(n);
  const startedAt = clock();
  const timeLimit = limits.timeLimitMs ?? 1000;
  // with an iteration limit, progress is counted in iterations only, so the run stays
  // reproducible whatever the machine's speed
  const progress = (): number =>
    limits.maxIterations !== undefined ? budget.iterations / budget.maxIterations : (clock() - startedAt) / timeLimit;
  let descents = 0;

  // A small population of independent trajectories, advanced in turn. It shrinks linearly
  // (dropping the worst) until half the budget is spent, then one trajectory continues: the
  // "dynamic population size" idea of TPSDP in its simplest form. It protects against a
  // trajectory stuck in a poor region, e.g. a poor choice of group sizes on "ds" instances.
  const population: { state: GroupingState; best: Snapshot; local: Snapshot }[] = [];
  for (let k = 0; k < populationSize; k++) {
    const state = new GroupingState(inst);
    const trajectory = { state, best: new Snapshot(state), local: new Snapshot(state) };
    for (let start = 0; start < 3 && !exhausted(budget); start++) {
      state.load(randomAssignment(inst, rng));
      descend(inst, state, budget);
      descents++;
      if (state.f > trajectory.best.f) trajectory.best.save(state);
    }
    trajectory.best.restore(state);
    population.push(trajectory);
  }

  let turn = 0;
  while (!exhausted(budget)) {
    const wanted = Math.max(1, Math.ceil(populationSize * (1 - progress() / 0.5)));
    while (population.length > wanted) {
      let worst = 0;
      for (let k = 1; k < population.length; k++) if (population[k]!.best.f < population[worst]!.best.f) worst = k;
      population.splice(worst, 1);
    }
    const trajectory = population[turn++ % population.length]!;
    const cur = trajectory.state;
    if (population.length > 1 && rng.next() < crossoverRate) {
      // recombine this trajectory's best with another's and continue from the child
      let other = population[rng.int(population.length)]!;
      if (other === trajectory) other = population[(population.indexOf(trajectory) + 1) % population.length]!;
      crossover(inst, trajectory.best.p, other.best.p, rng, child);
      cur.load(child);
    } else {
      const strength = Math.max(2, Math.round((strengthMin + rng.next() * (strengthMax - strengthMin)) * (n / g)));
      perturb(inst, cur, strength, rng);
    }
    maximaSearch(inst, cur, trajectory.local, patience, rng, budget);
    descents++;
    if (cur.f > trajectory.best.f + EPS) trajectory.best.save(cur);
  }
  let best = population[0]!.best;
  for (const trajectory of population) if (trajectory.best.f > best.f) best = trajectory.best;
  const assignment = Int32Array.from(best.p);
  return { objective: groupingObjective(inst, assignment), assignment, iterations: budget.iterations, descents };
}
