import { describe, expect, it } from 'vitest';
import { generateTablesProblem } from '../../../bench/support/matching-problems.ts';
import { createRng } from '../../../src/features/matching/engine/random.ts';
import { buildTablesModel, SeatingState } from '../../../src/features/matching/engine/tables.ts';

// The search prices every move and swap from per-table counts; these checks compare each
// price with the change in the totals after actually applying the move.
describe('incremental gains of the tables search', () => {
  const problem = generateTablesProblem({ seed: 77, people: 150, tables: 24, minPerTable: 3, historyPerPerson: 3 });
  const m = buildTablesModel(problem);

  function totals(st: SeatingState): number[] {
    return [st.hard(), st.bg, st.met, st.sig];
  }

  it('prices a move exactly as applying it changes the objective', () => {
    const st = new SeatingState(m);
    const rng = createRng(1);
    for (let P = 0; P < m.K; P++) st.move(P, rng.int(m.T + 1));
    let checked = 0;

    for (let i = 0; i < 2000; i++) {
      const P = rng.int(m.K);
      const t = rng.int(m.T + 1);
      if (st.tableOf[P] === t) continue;
      st.evalMove(P, t);
      const predicted = [st.dH, st.dB, st.dM, st.dS];
      const before = totals(st);
      st.move(P, t);
      const after = totals(st);
      expect(predicted.map((d, k) => d - (after[k]! - before[k]!)).map((x) => Math.abs(x) < 1e-9)).toEqual([true, true, true, true]);
      checked++;
    }

    expect(checked).toBeGreaterThan(1500);
  });

  it('prices a swap exactly as applying it changes the objective', () => {
    const st = new SeatingState(m);
    const rng = createRng(2);
    for (let P = 0; P < m.K; P++) st.move(P, rng.int(m.T + 1));

    for (let i = 0; i < 2000; i++) {
      const P = rng.int(m.K);
      const Q = rng.int(m.K);
      const s = st.tableOf[P]!;
      const t = st.tableOf[Q]!;
      if (s === t) continue;
      st.prepare(P);
      st.cacheJoin(P, t);
      st.evalSwapWith(P, Q);
      const predicted = [st.dH, st.dB, st.dM, st.dS];
      const before = totals(st);
      st.move(P, t);
      st.move(Q, s);
      const after = totals(st);
      expect(predicted.map((d, k) => Math.abs(d - (after[k]! - before[k]!)) < 1e-9)).toEqual([true, true, true, true]);
    }
  });

  it('keeps running totals equal to a fresh recount', () => {
    const st = new SeatingState(m);
    const rng = createRng(3);
    for (let i = 0; i < 3000; i++) st.move(rng.int(m.K), rng.int(m.T + 1));
    const fresh = new SeatingState(m);

    fresh.loadAssignment(Int32Array.from(st.tableOf));

    expect(totals(st).map((x, k) => Math.abs(x - totals(fresh)[k]!) < 1e-6)).toEqual([true, true, true, true]);
  });
});
