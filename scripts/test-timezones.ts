// Test plan I1: the whole suite under three process time zones must give identical results.
// Usage: node --import tsx scripts/test-timezones.ts [vitest filters…]
// The app computes in its configured zone (Europe/Amsterdam); TZ only changes what the machine
// thinks local time is, so any test whose outcome moves with TZ has found a hidden `new Date()` bug.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ZONES = ['UTC', 'Europe/Amsterdam', 'America/Los_Angeles'];
const root = path.resolve(import.meta.dirname, '..');
const vitest = path.join(root, 'node_modules', '.bin', 'vitest');

type Report = {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
};

const outcomes = new Map<string, Map<string, string>>(); // test → zone → status
const totals: { zone: string; passed: number; failed: number; exit: number }[] = [];

for (const zone of ZONES) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vitest-tz-')), 'report.json');
  console.log(`› vitest run (TZ=${zone})`);
  const run = spawnSync(vitest, ['run', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TZ: zone },
  });
  if (!fs.existsSync(report)) {
    totals.push({ zone, passed: 0, failed: 1, exit: run.status ?? 1 });
    continue;
  }
  const results = JSON.parse(fs.readFileSync(report, 'utf8')) as Report;
  totals.push({ zone, passed: results.numPassedTests, failed: results.numFailedTests, exit: run.status ?? 1 });
  for (const file of results.testResults) {
    for (const test of file.assertionResults) {
      const key = `${path.relative(root, file.name)} › ${test.fullName}`;
      if (!outcomes.has(key)) outcomes.set(key, new Map());
      outcomes.get(key)!.set(zone, test.status);
    }
  }
}

const differing = [...outcomes.entries()].filter(([, byZone]) => new Set(ZONES.map((zone) => byZone.get(zone) ?? 'missing')).size > 1);

console.log('');
for (const total of totals) console.log(`TZ=${total.zone}: ${total.passed} passed, ${total.failed} failed`);
if (differing.length > 0) {
  console.log(`\n${differing.length} test(s) depend on the machine's time zone:`);
  for (const [name, byZone] of differing) {
    console.log(`  ${name}\n    ${ZONES.map((zone) => `${zone}=${byZone.get(zone) ?? 'missing'}`).join('  ')}`);
  }
}
const ok = differing.length === 0 && totals.every((total) => total.exit === 0 && total.failed === 0);
console.log(ok ? '\nIdentical results in all three time zones.' : '\nTime-zone check failed.');
process.exit(ok ? 0 : 1);
