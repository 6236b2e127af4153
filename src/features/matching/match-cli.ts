/**
 * Reads a matching problem (JSON) and writes the result as JSON to standard output.
 *
 *   npm run --silent match -- PROBLEM.json [--seed N]
 *
 * Exit codes: 0 success; 1 the file is invalid (messages with JSON paths on standard error);
 * 2 wrong usage or unreadable file.
 */
import { readFileSync } from 'node:fs';
import { solveMatching } from './engine/match.ts';
import { parseProblem } from './engine/validate.ts';

const USAGE = 'usage: npm run --silent match -- PROBLEM.json [--seed N]';

function main(argv: string[]): number {
  let file: string | undefined;
  let seed: number | undefined;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (arg === '--seed') {
      seed = Number(argv[++k]);
      if (!Number.isInteger(seed) || seed < 0) {
        process.stderr.write(`match: --seed needs a non-negative integer\n${USAGE}\n`);
        return 2;
      }
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else if (arg.startsWith('--') || file !== undefined) {
      process.stderr.write(`match: unexpected argument ${arg}\n${USAGE}\n`);
      return 2;
    } else file = arg;
  }
  if (file === undefined) {
    process.stderr.write(`match: missing PROBLEM.json\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`match: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const outcome = parseProblem(text);
  if (!outcome.ok) {
    process.stderr.write(`match: ${file} is not a valid problem:\n${outcome.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return 1;
  }
  const problem = outcome.problem;
  if (seed !== undefined) problem.options = { ...problem.options, seed };
  const result = solveMatching(problem);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
