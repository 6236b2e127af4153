// Mutation check (TEST-PLAN, "once per release"): break one protection at a time in a throw-away
// git worktree of HEAD and confirm that the test guarding it fails. A test that still passes with
// its protection gone proves nothing: that mutation is reported MISSED and the script exits 1.
// Usage: npm run test:mutation [letter…]   (e.g. `npm run test:mutation -- a c`)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Mutation = { id: string; what: string; file: string; find: string; replace: string; test: string; filter?: string };

// Sweeps over every route or field are narrowed with -t to the one the break touches.
const MUTATIONS: Mutation[] = [
  {
    id: 'a',
    what: "writeTransaction without behavior: 'immediate'",
    file: 'src/db/client.ts',
    find: "    { behavior: 'immediate' },\n",
    replace: '    {},\n',
    test: 'test/integration/rsvp-concurrency.test.ts',
    filter: 'never oversells or loses an answer with the IMMEDIATE transaction',
  },
  {
    id: 'b',
    what: 'CSRF middleware removed from the app',
    file: 'src/app.ts',
    find: '  app.use(csrf.doubleCsrfProtection);\n',
    replace: '',
    test: 'test/security/csrf.test.ts',
    filter: 'POST /admin/users ',
  },
  {
    id: 'c',
    what: "an account's name printed raw (<%- instead of <%=)",
    file: 'views/accounts/show.ejs',
    find: '<h1><%= account.name %></h1>',
    replace: '<h1><%- account.name %></h1>',
    test: 'test/security/xss.test.ts',
    filter: 'accounts: name of an invited account',
  },
  {
    id: 'd',
    what: 'CSV formula neutralisation disabled',
    file: 'src/features/notes/notes-export.ts',
    find: "return FORMULA_START.test(value) ? `'${value}` : value;",
    replace: 'return value;',
    test: 'test/http/notes-export.test.ts',
  },
  {
    id: 'e',
    what: 'admin check removed from the account list',
    file: 'src/features/accounts/accounts.routes.ts',
    find: "router.get('/admin/users', admin, ",
    replace: "router.get('/admin/users', ",
    test: 'test/security/authz.test.ts',
    filter: 'GET /admin/users answers each role',
  },
];

const root = path.resolve(import.meta.dirname, '..');
const wanted = process.argv.slice(2);
const chosen = MUTATIONS.filter((m) => wanted.length === 0 || wanted.includes(m.id));

function git(args: string[]): void {
  const run = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`);
}

/** Runs the test file in the worktree; returns vitest's exit code and its summary line. */
function runTest(dir: string, mutation: Mutation): { status: number; summary: string } {
  const args = ['run', mutation.test, ...(mutation.filter ? ['-t', mutation.filter] : [])];
  const run = spawnSync(path.join(dir, 'node_modules', '.bin', 'vitest'), args, { cwd: dir, encoding: 'utf8', env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const summary = /Tests\s+(.+)/.exec(`${run.stdout}${run.stderr}`)?.[1]?.trim() ?? 'no summary';
  return { status: run.status ?? 1, summary };
}

type Verdict = 'caught' | 'MISSED' | 'BROKEN';

/** Applies the mutation in a fresh worktree and runs its test, first without it and then with it. */
function check(dir: string, mutation: Mutation): { verdict: Verdict; detail: string } {
  const target = path.join(dir, mutation.file);
  const source = fs.readFileSync(target, 'utf8');
  if (source.split(mutation.find).length !== 2) return { verdict: 'BROKEN', detail: `"${mutation.find}" is not in ${mutation.file} exactly once: update the mutation` };
  // The test must pass on HEAD first, or its failure below would say nothing about the mutation.
  const baseline = runTest(dir, mutation);
  if (baseline.status !== 0) return { verdict: 'BROKEN', detail: `fails without the mutation (${baseline.summary})` };
  fs.writeFileSync(target, source.replace(mutation.find, mutation.replace));
  const mutated = runTest(dir, mutation);
  return { verdict: mutated.status !== 0 ? 'caught' : 'MISSED', detail: mutated.summary };
}

let failed = 0;
for (const mutation of chosen) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-mutation-'));
  const modules = path.join(dir, 'node_modules');
  git(['worktree', 'add', '--detach', dir, 'HEAD']);
  let result: { verdict: Verdict; detail: string };
  try {
    fs.symlinkSync(path.join(root, 'node_modules'), modules, 'dir');
    result = check(dir, mutation);
  } finally {
    // Remove the link first, so nothing that deletes the worktree can reach the real node_modules.
    if (fs.existsSync(modules)) fs.unlinkSync(modules);
    git(['worktree', 'remove', '--force', dir]);
  }
  if (result.verdict !== 'caught') failed += 1;
  console.log(`${result.verdict.padEnd(6)} (${mutation.id}) ${mutation.what} → ${mutation.test}: ${result.detail}`);
}

console.log(`${chosen.length - failed} of ${chosen.length} mutations caught${failed ? `, ${failed} missed or broken` : ''}`);
process.exit(failed === 0 && chosen.length > 0 ? 0 : 1);
