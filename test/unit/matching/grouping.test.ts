import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupingObjective, solveGrouping } from '../../../src/features/matching/engine/grouping.ts';
import { parseMdgpInstance } from '../../../src/features/matching/engine/mdgp-instance.ts';
import { bruteForceGrouping, randomGroupingInstance } from './grouping-helpers.ts';

function sizes(assignment: Int32Array, groups: number): number[] {
  const s = new Array<number>(groups).fill(0);
  for (const k of assignment) s[k]!++;
  return s;
}

function toMdgpText(n: number, header: string, d: (i: number, j: number) => number): string {
  const lines = [header];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) lines.push(`${i} ${j} ${d(i, j)}`);
  return `${lines.join('\n')}\n`;
}

describe('grouping core (maximally diverse grouping)', () => {
  it.each([
    [8, 2, 11],
    [9, 3, 12],
    [10, 2, 13],
  ])('finds the enumerated optimum for n=%i in %i equal groups (seed %i)', (n, groups, seed) => {
    const instance = randomGroupingInstance(n, groups, seed);

    const result = solveGrouping(instance, { seed: 1, maxIterations: 2000, timeLimitMs: 60_000 });

    expect(result.objective).toBeCloseTo(bruteForceGrouping(instance), 6);
  });

  it('finds the enumerated optimum when group sizes may differ (ds)', () => {
    const instance = randomGroupingInstance(9, 3, 21, [2, 4]);

    const result = solveGrouping(instance, { seed: 1, maxIterations: 3000, timeLimitMs: 60_000 });

    expect(result.objective).toBeCloseTo(bruteForceGrouping(instance), 6);
    expect(sizes(result.assignment, 3).every((s) => s >= 2 && s <= 4)).toBe(true);
  });

  it('keeps every group within its size bounds and reports the true objective', () => {
    const instance = randomGroupingInstance(60, 6, 4, [7, 13]);

    const result = solveGrouping(instance, { seed: 2, maxIterations: 500, timeLimitMs: 60_000 });

    expect(sizes(result.assignment, 6).every((s) => s >= 7 && s <= 13)).toBe(true);
    expect(result.objective).toBeCloseTo(groupingObjective(instance, result.assignment), 6);
  });

  it('rejects size bounds that no assignment can meet', () => {
    const instance = randomGroupingInstance(10, 2, 1, [6, 7]);

    expect(() => solveGrouping(instance, { maxIterations: 10 })).toThrow(/cannot fill groups/);
  });
});

describe('MDGPLIB instance parser', () => {
  it('reads the header bounds and the symmetric distances', () => {
    const text = toMdgpText(4, '4 2 ds 1 3 1 3', (i, j) => i + j);

    const instance = parseMdgpInstance(text);

    expect(instance.n).toBe(4);
    expect(Array.from(instance.lower)).toEqual([1, 1]);
    expect(Array.from(instance.upper)).toEqual([3, 3]);
    expect(instance.distance[1 * 4 + 3]).toBe(4);
    expect(instance.distance[3 * 4 + 1]).toBe(4);
  });

  it('names the problem when the file is cut short', () => {
    expect(() => parseMdgpInstance('4 2 ss 2 2 2 2\n0 1 5\n')).toThrow(/expected i .* end of file/);
  });
});

describe('mdgp CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdgp-cli-'));

  it('prints the objective and 0-based groups as JSON', () => {
    const file = join(dir, 'tiny_ss.txt');
    writeFileSync(file, toMdgpText(6, '6 2 ss 3 3 3 3', (i, j) => ((i * 7 + j * 3) % 10) + 1));

    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/features/matching/mdgp-cli.ts', file, '--seconds', '0.2'], { encoding: 'utf8' });

    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { objective: number; groups: number[][] };
    expect(out.groups.map((g) => g.length)).toEqual([3, 3]);
    expect(out.groups.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(out.objective).toBeGreaterThan(0);
  });

  it('exits non-zero with a message for a broken instance file', () => {
    const file = join(dir, 'broken.txt');
    writeFileSync(file, '6 2 xx\n');

    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/features/matching/mdgp-cli.ts', file], { encoding: 'utf8' });

    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/"ss" or "ds"/);
  });
});
