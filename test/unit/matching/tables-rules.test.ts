import { describe, expect, it } from 'vitest';
import { solveTables } from '../../../src/features/matching/engine/tables.ts';
import { findRuleBreaks } from '../../../src/features/matching/engine/verify.ts';
import { validateResult } from '../../../src/features/matching/engine/validate.ts';
import type { TablesProblem } from '../../../src/features/matching/engine/types.ts';
import { household, person, table, tablesProblem } from './helpers.ts';

function solveChecked(problem: TablesProblem) {
  const result = solveTables(problem);
  expect(findRuleBreaks(problem, result)).toEqual([]);
  expect(validateResult(result)).toEqual([]);
  return result;
}

function tableOf(result: ReturnType<typeof solveTables>, partyId: string): string | undefined {
  return result.tables.find((t) => t.parties.includes(partyId))?.id;
}

describe('tables mode: hard rules', () => {
  it('returns an empty plan with a zero score for a problem without parties or tables', () => {
    const result = solveChecked(tablesProblem({ tables: [], parties: [] }));

    expect(result.tables).toEqual([]);
    expect(result.unseated).toEqual([]);
    expect(result.score.totalPeople).toBe(0);
  });

  it('reports every household unseated with reason no_tables when the venue has no tables', () => {
    const result = solveChecked(tablesProblem({ tables: [], parties: [household('p1', person())] }));

    expect(result.unseated).toEqual([expect.objectContaining({ party: 'p1', code: 'no_tables' })]);
  });

  it('keeps a household together at one table', () => {
    const problem = tablesProblem({
      tables: [table('T1', 4), table('T2', 4)],
      parties: [household('big', person(), person(), person()), household('a', person()), household('b', person()), household('c', person())],
    });

    const result = solveChecked(problem);

    const bigTable = result.tables.find((t) => t.parties.includes('big'))!;
    expect(bigTable.members).toHaveLength(bigTable.parties.length === 1 ? 3 : 3 + bigTable.parties.length - 1);
    expect(result.score.seatedPeople).toBe(6);
  });

  it('reports a household larger than every table as unseated with reason party_larger_than_every_table', () => {
    const problem = tablesProblem({
      tables: [table('T1', 4), table('T2', 6)],
      parties: [household('huge', ...Array.from({ length: 7 }, () => person())), household('a', person()), household('b', person())],
    });

    const result = solveChecked(problem);

    expect(result.unseated).toEqual([expect.objectContaining({ party: 'huge', code: 'party_larger_than_every_table' })]);
    expect(result.unseated[0]!.reason).toMatch(/bigger table/);
    expect(result.score.seatedPeople).toBe(2);
  });

  it('never puts more people at a table than it has seats, and reports the rest as tables_full', () => {
    const problem = tablesProblem({
      tables: [table('T1', 3), table('T2', 3)],
      parties: Array.from({ length: 4 }, (_, k) => household(`p${k}`, person(), person())),
    });

    const result = solveChecked(problem);

    expect(result.score.seatedPeople).toBe(4);
    expect(result.unseated).toHaveLength(2);
    expect(result.unseated.every((u) => u.code === 'tables_full')).toBe(true);
  });

  it('gives every table a language that everyone at it speaks', () => {
    const problem = tablesProblem({
      minPerTable: 2,
      tables: [table('T1', 4), table('T2', 4)],
      parties: [
        household('tr1', person({ languages: ['tr'] })),
        household('tr2', person({ languages: ['tr', 'nl'] })),
        household('nl1', person({ languages: ['nl'] })),
        household('nl2', person({ languages: ['nl', 'en'] })),
      ],
    });

    const result = solveChecked(problem);

    expect(result.score.seatedPeople).toBe(4);
    expect(tableOf(result, 'tr1')).toBe(tableOf(result, 'tr2'));
    expect(result.tables.find((t) => t.parties.includes('tr1'))!.language).toBe('tr');
  });

  it('reports a household speaking a language nobody else speaks as unseated with reason no_shared_language when it cannot fill a table alone', () => {
    const problem = tablesProblem({
      minPerTable: 3,
      tables: [table('T1', 6), table('T2', 6)],
      parties: [household('ti', person({ languages: ['ti'] })), household('a', person(), person()), household('b', person(), person())],
    });

    const result = solveChecked(problem);

    expect(result.unseated).toEqual([expect.objectContaining({ party: 'ti', code: 'no_shared_language' })]);
    expect(result.unseated[0]!.reason).toMatch(/interpreter/);
  });

  it('reports a household whose own members share no language with reason no_common_language_in_party', () => {
    const problem = tablesProblem({
      tables: [table('T1', 6)],
      parties: [household('mixed', person({ languages: ['tr'] }), person({ languages: ['pl'] })), household('a', person())],
    });

    const result = solveChecked(problem);

    expect(result.unseated).toEqual([expect.objectContaining({ party: 'mixed', code: 'no_common_language_in_party' })]);
  });

  it('seats people who need an accessible seat only at accessible tables, and reports the overflow as accessible_seats_full', () => {
    const problem = tablesProblem({
      tables: [table('A', 2, true), table('B', 6), table('C', 6)],
      parties: [
        household('w1', person({ needsAccessibleSeat: true })),
        household('w2', person({ needsAccessibleSeat: true })),
        household('w3', person({ needsAccessibleSeat: true })),
        household('x', person(), person()),
        household('y', person()),
      ],
    });

    const result = solveChecked(problem);

    const atA = result.tables.find((t) => t.id === 'A')!.parties;
    expect(atA.filter((p) => p.startsWith('w'))).toHaveLength(2);
    expect(result.unseated).toEqual([expect.objectContaining({ code: 'accessible_seats_full' })]);
    expect(result.score.seatedPeople).toBe(5);
  });

  it('reports no_accessible_table when someone needs an accessible seat and the venue has none', () => {
    const problem = tablesProblem({
      tables: [table('T1', 6)],
      parties: [household('w', person({ needsAccessibleSeat: true }), person()), household('a', person())],
    });

    const result = solveChecked(problem);

    expect(result.unseated).toEqual([expect.objectContaining({ party: 'w', code: 'no_accessible_table' })]);
  });

  it('never uses a table with fewer than minPerTable people', () => {
    const problem = tablesProblem({
      minPerTable: 4,
      tables: [table('T1', 6), table('T2', 6), table('T3', 6)],
      parties: Array.from({ length: 5 }, (_, k) => household(`p${k}`, person(), person())),
    });

    const result = solveChecked(problem);

    expect(result.tables.every((t) => t.members.length >= 4)).toBe(true);
    expect(result.score.seatedPeople).toBe(10);
  });

  it('reports min_per_table_exceeds_seats when minPerTable is larger than every table', () => {
    const problem = tablesProblem({ minPerTable: 10, tables: [table('T1', 6)], parties: [household('a', person(), person()), household('b', person())] });

    const result = solveChecked(problem);

    expect(result.tables).toEqual([]);
    expect(result.unseated.map((u) => u.code)).toEqual(['min_per_table_exceeds_seats', 'min_per_table_exceeds_seats']);
  });

  it('reports below_minimum_per_table when too few people are left to open a table', () => {
    const problem = tablesProblem({
      minPerTable: 3,
      tables: [table('T1', 3), table('T2', 3)],
      parties: [household('a', person(), person(), person()), household('b', person())],
    });

    const result = solveChecked(problem);

    expect(result.unseated).toEqual([expect.objectContaining({ party: 'b', code: 'below_minimum_per_table' })]);
  });

  it('reports every party exactly once, seated or unseated with a reason', () => {
    const problem = tablesProblem({
      minPerTable: 2,
      tables: [table('T1', 3, true), table('T2', 2)],
      parties: [
        household('a', person({ languages: ['ar'] })),
        household('b', person({ languages: ['ar', 'nl'] }), person({ languages: ['ar'] })),
        household('c', person({ needsAccessibleSeat: true })),
        household('d', person({ languages: ['zh'] })),
        household('e', person(), person(), person(), person()),
      ],
    });

    const result = solveChecked(problem);

    const reported = [...result.tables.flatMap((t) => t.parties), ...result.unseated.map((u) => u.party)].sort();
    expect(reported).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('tables mode: objective', () => {
  it('separates households with the same declared background when seats allow it', () => {
    const problem = tablesProblem({
      tables: [table('T1', 4), table('T2', 4)],
      parties: [
        household('t1', person({ background: 'turks' }), person({ background: 'turks' })),
        household('t2', person({ background: 'turks' }), person({ background: 'turks' })),
        household('m1', person({ background: 'marokkaans' }), person({ background: 'marokkaans' })),
        household('m2', person({ background: 'marokkaans' }), person({ background: 'marokkaans' })),
      ],
    });

    const result = solveChecked(problem);

    expect(result.score.sameBackgroundPairs).toBe(0);
    expect(tableOf(result, 't1')).not.toBe(tableOf(result, 't2'));
  });

  it('never counts undeclared backgrounds as the same background', () => {
    const problem = tablesProblem({
      tables: [table('T1', 4)],
      parties: [household('a', person()), household('b', person()), household('c', person({ background: 'pools' }))],
    });

    const result = solveChecked(problem);

    expect(result.score.sameBackgroundPairs).toBe(0);
  });

  it('prefers seating one more person over avoiding a same-background pair', () => {
    const problem = tablesProblem({
      tables: [table('T1', 2)],
      parties: [household('a', person({ background: 'turks' })), household('b', person({ background: 'turks' }))],
    });

    const result = solveChecked(problem);

    expect(result.score.seatedPeople).toBe(2);
    expect(result.score.sameBackgroundPairs).toBe(1);
  });

  it('avoids seating people who met before together when it costs nothing else', () => {
    const [a, b, c, d] = [person(), person(), person(), person()];
    const problem = tablesProblem({
      tables: [table('T1', 2), table('T2', 2)],
      parties: [household('a', a), household('b', b), household('c', c), household('d', d)],
      metBefore: [
        [a.id, b.id],
        [c.id, d.id],
      ],
    });

    const result = solveChecked(problem);

    expect(result.score.metBeforePairs).toBe(0);
  });

  it('puts background before history: a repeat meeting is accepted to avoid a same-background pair', () => {
    const [a, b, c, d] = [person({ background: 'x' }), person({ background: 'x' }), person({ background: 'y' }), person({ background: 'y' })];
    const problem = tablesProblem({
      tables: [table('T1', 2), table('T2', 2)],
      parties: [household('a', a), household('b', b), household('c', c), household('d', d)],
      metBefore: [
        [a.id, c.id],
        [a.id, d.id],
      ],
    });

    const result = solveChecked(problem);

    expect(result.score.sameBackgroundPairs).toBe(0);
    expect(result.score.metBeforePairs).toBe(1);
  });

  it('spreads first-timers and same-street neighbours when weighted', () => {
    const problem = tablesProblem({
      tables: [table('T1', 2), table('T2', 2)],
      weights: { street: 1, ageGroup: 0, firstTime: 5 },
      parties: [
        household('a', person({ firstTime: true, street: 'Dorpsstraat' })),
        household('b', person({ firstTime: true, street: 'Kade' })),
        household('c', person({ street: 'Dorpsstraat' })),
        household('d', person({ street: 'Kade' })),
      ],
    });

    const result = solveChecked(problem);

    expect(result.score.firstTimerPairs).toBe(0);
    expect(result.score.sameStreetPairs).toBe(0);
  });
});
