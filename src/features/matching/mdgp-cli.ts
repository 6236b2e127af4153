/**
 * Runs the grouping core on an MDGPLIB instance (ss or ds) and prints
 * {"objective": …, "groups": [[0-based element indices], …]} as JSON.
 *
 *   npm run --silent mdgp -- INSTANCE.txt [--seconds S] [--seed N] [--iterations N]
 */
import { readFileSync } from 'node:fs';
import { solveGrouping } from './engine/grouping.ts';
import { parseMdgpInstance } from './engine/mdgp-instance.ts';

const USAGE = 'usage: npm run --silent mdgp -- INSTANCE.txt [--seconds S] [--seed N] [--iterations N]';

function parseArgs(argv: string[]): { file: string; seconds: number; seed: number; iterations: number | undefined } {
  let file: string | undefined;
  let seconds = 3;
  let seed = 1;
  let iterations: number | undefined;
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    const value = (): number => {
      const v = Number(argv[++k]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${arg} needs a non-negative number`);
      return v;
    };
    if (arg === '--seconds') seconds = value();
    else if (arg === '--seed') seed = value();
    else if (arg === '--iterations') iterations = value();
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (file === undefined) throw new Error('missing INSTANCE.txt');
  return { file, seconds, seed, iterations };
}

function main(): void {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`mdgp: ${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (error) {
    process.stderr.write(`mdgp: cannot read ${args.file}: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const instance = parseMdgpInstance(text);
    const result = solveGrouping(instance, {
      seed: args.seed,
      timeLimitMs: args.seconds * 1000,
      ...(args.iterations === undefined ? {} : { maxIterations: args.iterations }),
    });
    const groups: number[][] = Array.from({ length: instance.groupCount }, () => []);
    for (let i = 0; i < instance.n; i++) groups[result.assignment[i]!]!.push(i);
    process.stdout.write(`${JSON.stringify({ objective: Number(result.objective.toFixed(6)), groups })}\n`);
  } catch (error) {
    process.stderr.write(`mdgp: ${args.file}: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

main();
