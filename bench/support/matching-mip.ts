/**
 * Exact optimum of a tables problem on its first two objective levels (people seated, then
 * same-background pairs) from a mixed-integer model solved by HiGHS. Two lexicographic
 * stages: maximise seated people; then, with that number fixed, minimise same-background
 * pairs. For benchmarks only (small problems).
 *
 * Variables: x_P_t (party P at table t, only where seats, accessibility and the party's own
 * languages allow), u_t (table used), y_t_l (table t speaks language l), z_P_Q_t ≥
 * x_P_t + x_Q_t − 1 for pairs of parties that form same-background pairs.
 */
import type { Highs } from 'highs';
import type { TablesProblem } from '../../src/features/matching/engine/types.ts';

export interface MipOptimum {
  seated: number;
  sameBackground: number;
  status: string;
}

function commonLanguages(members: { languages: string[] }[]): string[] {
  return members.map((m) => m.languages).reduce((a, b) => a.filter((l) => b.includes(l)));
}

export function solveTablesMip(highs: Highs, problem: TablesProblem): MipOptimum {
  const min = problem.minPerTable ?? 1;
  const tables = problem.tables;
  const parties = problem.parties;
  const languages = [...new Set(parties.flatMap((p) => p.members.flatMap((m) => m.languages)))];
  const langIndex = new Map(languages.map((l, k) => [l, k]));
  const eligible: boolean[][] = parties.map((p) => {
    const langs = commonLanguages(p.members);
    const access = p.members.some((m) => m.needsAccessibleSeat === true);
    return tables.map((t) => langs.length > 0 && p.members.length <= t.seats && (!access || t.accessible === true));
  });
  const x = (P: number, t: number): string => `x_${P}_${t}`;
  const seatedExpr: string[] = [];
  const rows: string[] = [];
  const binaries: string[] = [];
  let r = 0;
  const row = (expr: string): void => {
    rows.push(` c${r++}: ${expr}`);
  };

  parties.forEach((p, P) => {
    const vars = tables.flatMap((_, t) => (eligible[P]![t] ? [x(P, t)] : []));
    for (const v of vars) {
      binaries.push(v);
      seatedExpr.push(`${p.members.length} ${v}`);
    }
    if (vars.length > 1) row(`${vars.join(' + ')} <= 1`);
  });
  tables.forEach((t, k) => {
    binaries.push(`u_${k}`);
    const load = parties.flatMap((p, P) => (eligible[P]![k] ? [`${p.members.length} ${x(P, k)}`] : []));
    if (load.length === 0) {
      row(`u_${k} = 0`);
      return;
    }
    row(`${load.join(' + ')} - ${t.seats} u_${k} <= 0`);
    row(`${load.join(' + ')} - ${min} u_${k} >= 0`);
    const ys = languages.map((_, l) => `y_${k}_${l}`);
    binaries.push(...ys);
    row(`${ys.join(' + ')} <= 1`);
    parties.forEach((p, P) => {
      if (!eligible[P]![k]) return;
      const spoken = commonLanguages(p.members).map((l) => `y_${k}_${langIndex.get(l)!}`);
      row(`${x(P, k)} - ${spoken.join(' - ')} <= 0`);
      row(`${x(P, k)} - u_${k} <= 0`);
    });
  });

  const stage1 = `Maximize\n obj: ${seatedExpr.length > 0 ? seatedExpr.join(' + ') : '0 u_0'}\nSubject To\n${rows.join('\n')}\nBinaries\n ${binaries.join(' ')}\nEnd\n`;
  if (tables.length === 0 || seatedExpr.length === 0) return { seated: 0, sameBackground: 0, status: 'Optimal' };
  const first = highs.solve(stage1, { output_flag: false, mip_rel_gap: 0 });
  if (first.Status !== 'Optimal') return { seated: -1, sameBackground: -1, status: first.Status };
  const seated = Math.round(first.ObjectiveValue);

  // stage 2: same-background pairs with seating fixed at its optimum
  const pairTerms: string[] = [];
  const zRows: string[] = [];
  const bgCount = parties.map((p) => {
    const counts = new Map<string, number>();
    for (const m of p.members) if (m.background) counts.set(m.background, (counts.get(m.background) ?? 0) + 1);
    return counts;
  });
  for (let P = 0; P < parties.length; P++) {
    for (let Q = P + 1; Q < parties.length; Q++) {
      let c = 0;
      for (const [b, n] of bgCount[P]!) c += n * (bgCount[Q]!.get(b) ?? 0);
      if (c === 0) continue;
      tables.forEach((_, t) => {
        if (!eligible[P]![t] || !eligible[Q]![t]) return;
        const z = `z_${P}_${Q}_${t}`;
        pairTerms.push(`${c} ${z}`);
        zRows.push(` c${r++}: ${z} - ${x(P, t)} - ${x(Q, t)} >= -1`);
      });
    }
  }
  if (pairTerms.length === 0) return { seated, sameBackground: 0, status: 'Optimal' };
  const stage2 =
    `Minimize\n obj: ${pairTerms.join(' + ')}\nSubject To\n${rows.join('\n')}\n${zRows.join('\n')}\n` +
    ` seat: ${seatedExpr.join(' + ')} >= ${seated}\nBinaries\n ${binaries.join(' ')}\nEnd\n`;
  const second = highs.solve(stage2, { output_flag: false, mip_rel_gap: 0 });
  if (second.Status !== 'Optimal') return { seated, sameBackground: -1, status: second.Status };
  return { seated, sameBackground: Math.round(second.ObjectiveValue), status: 'Optimal' };
}
