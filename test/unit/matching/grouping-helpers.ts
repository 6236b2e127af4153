import type { GroupingInstance } from '../../../src/features/matching/engine/grouping.ts';
import { createRng } from '../../../src/features/matching/engine/random.ts';

/** A random MDGP instance with distances in [0, 100) and equal group sizes (or given bounds). */
export function randomGroupingInstance(n: number, groups: number, seed: number, bounds?: [number, number]): GroupingInstance {
  const rng = createRng(seed);
  const distance = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.round(rng.next() * 100000) / 1000;
      distance[i * n + j] = d;
      distance[j * n + i] = d;
    }
  }
  const [lo, hi] = bounds ?? [n / groups, n / groups];
  return { n, groupCount: groups, lower: new Int32Array(groups).fill(lo), upper: new Int32Array(groups).fill(hi), distance };
}

/** Best objective over every assignment of n elements to groups within the size bounds. */
export function bruteForceGrouping(instance: GroupingInstance): number {
  const { n, groupCount: g, lower, upper, distance } = instance;
  const assign = new Int32Array(n);
  const size = new Int32Array(g);
  let best = -Infinity;
  const recurse = (i: number, f: number): void => {
    if (i === n) {
      for (let k = 0; k < g; k++) if (size[k]! < lower[k]!) return;
      best = Math.max(best, f);
      return;
    }
    // symmetry: element i may only open the first empty group
    let openedEmpty = false;
    for (let k = 0; k < g; k++) {
      if (size[k]! >= upper[k]!) continue;
      if (size[k] === 0) {
        if (openedEmpty && lower.every((v, idx) => v === lower[0] && upper[idx] === upper[0])) continue;
        openedEmpty = true;
      }
      let add = 0;
      for (let j = 0; j < i; j++) if (assign[j] === k) add += distance[i * n + j]!;
      assign[i] = k;
      size[k]!++;
      recurse(i + 1, f + add);
      size[k]!--;
    }
  };
  recurse(0, 0);
  return best;
}
