import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResult } from '../../../src/features/matching/engine/validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'match-cli-'));

function runMatch(content: string, ...args: string[]) {
  const file = join(dir, `problem-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/features/matching/match-cli.ts', file, ...args], { encoding: 'utf8' });
}

const issueExample = {
  mode: 'tables',
  minPerTable: 1,
  tables: [{ id: 'T1', seats: 8, accessible: true }],
  parties: [{ id: 'p1', members: [{ id: 'r1', background: 'turks', languages: ['nl', 'tr'], needsAccessibleSeat: false }] }],
  metBefore: [['r1', 'r7']],
};

describe('match CLI', () => {
  it('seats the example from the issue and prints a result that matches the published schema', () => {
    const run = runMatch(JSON.stringify(issueExample));

    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(validateResult(result)).toEqual([]);
    expect(result.tables).toEqual([{ id: 'T1', language: 'nl', members: ['r1'], parties: ['p1'] }]);
    expect(result.unseated).toEqual([]);
  });

  it('produces the same output twice for the same file and seed', () => {
    const content = JSON.stringify(issueExample);

    const a = runMatch(content, '--seed', '5');
    const b = runMatch(content, '--seed', '5');

    expect(a.stdout).toBe(b.stdout);
  });

  it('exits 1 and names the JSON path when a member has no languages', () => {
    const bad = structuredClone(issueExample);
    (bad.parties[0]!.members[0] as { languages: string[] }).languages = [];

    const run = runMatch(JSON.stringify(bad));

    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('/parties/0/members/0/languages');
  });

  it('exits 1 and reports both places of a duplicate resident id', () => {
    const bad = structuredClone(issueExample);
    bad.parties.push({ id: 'p2', members: [{ id: 'r1', background: 'pools', languages: ['pl'], needsAccessibleSeat: false }] });

    const run = runMatch(JSON.stringify(bad));

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('/parties/1/members/0/id: duplicate resident id "r1" (first used at /parties/0/members/0/id)');
  });

  it('exits 1 for a duplicate table id', () => {
    const bad = structuredClone(issueExample);
    bad.tables.push({ id: 'T1', seats: 4, accessible: false });

    const run = runMatch(JSON.stringify(bad));

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('/tables/1/id: duplicate table id "T1"');
  });

  it('exits 1 for a file that is not JSON', () => {
    const run = runMatch('{ "mode": "tables", ');

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not valid JSON');
  });

  it('exits 1 for an unknown mode and for unknown properties', () => {
    const unknownMode = runMatch(JSON.stringify({ ...issueExample, mode: 'buffet' }));
    const unknownField = runMatch(JSON.stringify({ ...issueExample, tabels: [] }));

    expect(unknownMode.status).toBe(1);
    expect(unknownMode.stderr).toContain('/mode: must be "tables" or "pairs"');
    expect(unknownField.status).toBe(1);
    expect(unknownField.stderr).toContain('(root): unknown property "tabels"');
  });

  it('exits 2 with usage when the file is missing', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/features/matching/match-cli.ts', join(dir, 'nope.json')], { encoding: 'utf8' });

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('cannot read');
  });
});
