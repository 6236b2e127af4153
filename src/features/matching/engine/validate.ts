/**
 * Validates a problem file against the published JSON Schemas (ajv), then checks what a
 * schema cannot say: unique ids and known postcodes. Every message starts with the JSON
 * pointer of the offending value, e.g. `/parties/2/members/0/languages: must NOT have fewer than 1 items`.
 */
import { Ajv, type ErrorObject } from 'ajv';
import pairsProblemSchema from '../schemas/pairs-problem.schema.json' with { type: 'json' };
import pairsResultSchema from '../schemas/pairs-result.schema.json' with { type: 'json' };
import tablesProblemSchema from '../schemas/tables-problem.schema.json' with { type: 'json' };
import tablesResultSchema from '../schemas/tables-result.schema.json' with { type: 'json' };
import type { PairsProblem, TablesProblem } from './types.ts';

export type MatchingProblem = TablesProblem | PairsProblem;

export type ValidationOutcome = { ok: true; problem: MatchingProblem } | { ok: false; errors: string[] };

const MAX_ERRORS = 25;

const ajv = new Ajv({ allErrors: true, strict: true });
const validators = {
  tables: ajv.compile(tablesProblemSchema),
  pairs: ajv.compile(pairsProblemSchema),
  tablesResult: ajv.compile(tablesResultSchema),
  pairsResult: ajv.compile(pairsResultSchema),
};

function describe(error: ErrorObject): string {
  const path = error.instancePath === '' ? '(root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${path}: missing required property "${String(params.missingProperty)}"`;
    case 'additionalProperties':
      return `${path}: unknown property "${String(params.additionalProperty)}"`;
    case 'const':
      return `${path}: must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `${path}: must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}

function schemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, MAX_ERRORS).map(describe);
}

/** Records ids and reports each repeat with both locations. */
class IdRegistry {
  private readonly seen = new Map<string, string>();
  constructor(
    private readonly what: string,
    private readonly errors: string[],
  ) {}
  add(id: string, path: string): void {
    const first = this.seen.get(id);
    if (first === undefined) this.seen.set(id, path);
    else this.errors.push(`${path}: duplicate ${this.what} id ${JSON.stringify(id)} (first used at ${first})`);
  }
}

function tablesSemantics(problem: TablesProblem): string[] {
  const errors: string[] = [];
  const tables = new IdRegistry('table', errors);
  problem.tables.forEach((t, k) => tables.add(t.id, `/tables/${k}/id`));
  const parties = new IdRegistry('party', errors);
  const residents = new IdRegistry('resident', errors);
  problem.parties.forEach((p, k) => {
    parties.add(p.id, `/parties/${k}/id`);
    p.members.forEach((m, j) => residents.add(m.id, `/parties/${k}/members/${j}/id`));
  });
  return errors;
}

function pairsSemantics(problem: PairsProblem): string[] {
  const errors: string[] = [];
  const households = new IdRegistry('household', errors);
  const residents = new IdRegistry('resident', errors);
  const postcodes = problem.postcodes ?? {};
  const visit = (list: 'hosts' | 'guests', items: PairsProblem['hosts'] | PairsProblem['guests']): void => {
    items.forEach((h, k) => {
      households.add(h.id, `/${list}/${k}/id`);
      h.members.forEach((m, j) => residents.add(m.id, `/${list}/${k}/members/${j}/id`));
      if (h.location === undefined && h.postcode !== undefined && !Object.hasOwn(postcodes, h.postcode)) {
        errors.push(`/${list}/${k}/postcode: postcode ${JSON.stringify(h.postcode)} has no centroid in /postcodes`);
      }
    });
  };
  visit('hosts', problem.hosts);
  visit('guests', problem.guests);
  return errors;
}

/** Validates parsed JSON as a tables or pairs problem. */
export function validateProblem(input: unknown): ValidationOutcome {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: ['(root): must be an object with "mode": "tables" or "pairs"'] };
  }
  const mode = (input as { mode?: unknown }).mode;
  if (mode !== 'tables' && mode !== 'pairs') {
    return { ok: false, errors: [`/mode: must be "tables" or "pairs" (found ${mode === undefined ? 'nothing' : JSON.stringify(mode)})`] };
  }
  const validate = validators[mode];
  if (!validate(input)) return { ok: false, errors: schemaErrors(validate.errors) };
  const valid: unknown = input;
  const semantic = mode === 'tables' ? tablesSemantics(valid as TablesProblem) : pairsSemantics(valid as PairsProblem);
  if (semantic.length > 0) return { ok: false, errors: semantic.slice(0, MAX_ERRORS) };
  return { ok: true, problem: valid as MatchingProblem };
}

/** Checks a result against its published schema (used by tests and benchmarks). */
export function validateResult(result: unknown): string[] {
  const mode = (result as { mode?: unknown } | null)?.mode;
  const validate = mode === 'pairs' ? validators.pairsResult : validators.tablesResult;
  return validate(result) ? [] : schemaErrors(validate.errors);
}

/** Parses JSON text and validates it; syntax errors are reported like schema errors. */
export function parseProblem(text: string): ValidationOutcome {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`(root): not valid JSON: ${(error as Error).message}`] };
  }
  return validateProblem(json);
}
