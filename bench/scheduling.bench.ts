// Scheduling speed (issue 4): with 50 venues and 5,000 dinners in the database, the home page and
// an organiser's month agenda each render in under 50 ms median, and checking a weekly series of
// a year for conflicts takes under 100 ms. Run: node --import tsx bench/scheduling.bench.ts
// BENCH_QUICK=1 runs fewer rounds (a smoke test of the runner, not a measurement).
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.ts';
import { openDatabase } from '../src/db/client.ts';
import { createUser } from '../src/features/accounts/accounts.service.ts';
import { createSession } from '../src/features/auth/sessions.service.ts';
import { createMailer } from '../src/features/mail/outbox.service.ts';
import type { NewDinnerInput } from '../src/features/scheduling/dinners.forms.ts';
import { createDinners, planNewDinners, type SchedulingContext } from '../src/features/scheduling/dinners.service.ts';
import { createVenue } from '../src/features/scheduling/venues.service.ts';
import { createI18n } from '../src/i18n/i18n.ts';
import { testConfig } from '../test/support/app.ts';
import { benchVenueInput } from './support/world.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 5 : 60;
const WARMUP = QUICK ? 2 : 10;
const VENUES = 50;
const DINNERS_PER_VENUE = 100; // two weekly series of 50 per venue: 5,000 dinners over a year
const NOW = new Date('2030-01-10T12:00:00Z');
const ZONE = 'Europe/Amsterdam';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

function seriesInput(venueId: number, date: string, startTime: string, endTime: string, count: number, title: string, overrides: Partial<NewDinnerInput> = {}): NewDinnerInput {
  return {
    title, theme: 'Wonen in de wijk', description: 'Samen eten en praten over de buurt.', venueId, date, startTime, endTime,
    capacity: null, deadlineDate: '', deadlineTime: '', minTableSize: 4, maxTableSize: 8, menu: 'Soep, hoofdgerecht, toetje',
    diets: ['vegetarian', 'halal'], languages: 'Nederlands, Turks', host: 'Buurtteam', visibility: 'public', status: 'published',
    repeat: 'weekly', intervalWeeks: '1', nthWeek: '', endType: 'count', untilDate: '', count: String(count), intent: 'save', ...overrides,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scheduling-bench-'));
const db = openDatabase(path.join(dir, 'bench.sqlite'));
const config = testConfig({ databasePath: path.join(dir, 'bench.sqlite') });
const i18n = createI18n();
const mailer = createMailer(config.baseUrl);
const context: SchedulingContext = { actorId: null, now: NOW, timeZone: ZONE, baseUrl: config.baseUrl };

// ── The world: 50 venues, 5,000 dinners, planned through the services (every check applies) ──
let started = performance.now();
const venueIds: number[] = [];
for (let i = 0; i < VENUES; i++) {
  const venue = createVenue(db, benchVenueInput(i, [{ startsOn: '2031-07-20', endsOn: '2031-08-09', reason: 'Zomersluiting' }]), null, NOW);
  venueIds.push(venue.id);
}
for (const [i, venueId] of venueIds.entries()) {
  // Two weekly series per venue on different weekdays, starting in the week of 2030-01-13.
  const firstDay = 13 + (i % 7);
  const secondDay = 13 + ((i + 3) % 7);
  createDinners(db, seriesInput(venueId, `2030-01-${firstDay}`, '18:00', '21:00', DINNERS_PER_VENUE / 2, `Buurtdiner ${i + 1}`, { visibility: i % 10 === 0 ? 'invitation' : 'public' }), context);
  createDinners(db, seriesInput(venueId, `2030-01-${secondDay}`, '12:00', '14:00', DINNERS_PER_VENUE / 2, `Lunch ${i + 1}`, { status: i % 6 === 0 ? 'draft' : 'published' }), context);
}
const dinnerCount = db.$client.prepare('select count(*) as n from dinners').get() as { n: number };
const setupMs = performance.now() - started;
db.$client.pragma('optimize');

// ── An app on a real HTTP port, with an organiser's session ──
const app = createApp({ db, config, now: () => NOW, i18n, mailer });
// As in production: templates compiled once, not on every request.
app.set('view cache', true);
const server = app.listen(0);
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const organiser = createUser(db, { email: 'bench@example.org', name: 'Bench', roles: ['organiser'], locale: 'nl' }, NOW);
const cookie = `sid=${createSession(db, organiser.id, NOW)}`;

/**
 * Wall-clock time of whole HTTP round trips, and the CPU time this process spent on each (server
 * and client share the process). On a busy machine the wall time includes waiting for a core;
 * the CPU time does not, so both are printed.
 */
async function timeRequests(url: string, headers: Record<string, string> = {}): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const res = await fetch(base + url, { headers });
    const body = await res.text();
    const elapsed = performance.now() - t0;
    const used = process.cpuUsage(cpu0);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 200)}`);
    if (round >= WARMUP) {
      wall.push(elapsed);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  return { wall, cpu };
}

const home = await timeRequests('/');
const agenda = await timeRequests('/agenda?view=month&date=2030-06-01', { cookie });
const agendaEntries = db.$client.prepare("select count(*) as n from dinners where local_date between '2030-05-27' and '2030-07-07'").get() as { n: number };
server.close();

// ── Checking a weekly series of a year against a busy venue ──
const busyVenue = venueIds[0]!;
// Same weekday and evening as the venue's own series: every date clashes, the worst case to list.
const yearSeries = seriesInput(busyVenue, '2030-01-13', '19:00', '21:30', 52, 'Jaarreeks');
const checks: number[] = [];
let clashes = 0;
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const t0 = performance.now();
  const plan = planNewDinners(db, yearSeries, NOW, ZONE);
  const elapsed = performance.now() - t0;
  clashes = plan.problems.length;
  if (round >= WARMUP) checks.push(elapsed);
}
db.$client.close();
fs.rmSync(dir, { recursive: true, force: true });

const verdict = (value: number, limit: number) => (value < limit ? 'ok' : 'TOO SLOW');
const figures = (label: string, times: { wall: number[]; cpu: number[] }, limit: number) =>
  `  ${label}\n      median ${median(times.wall).toFixed(1)} ms wall (p95 ${p95(times.wall).toFixed(1)} ms), median ${median(times.cpu).toFixed(1)} ms CPU  (target < ${limit} ms median: ${verdict(median(times.wall), limit)} wall, ${verdict(median(times.cpu), limit)} CPU)`;
console.log(`scheduling benchmark${QUICK ? ' (BENCH_QUICK: few rounds, not a measurement)' : ''}`);
console.log(`  world: ${VENUES} venues, ${dinnerCount.n} dinners (built through the services in ${(setupMs / 1000).toFixed(1)} s), ${ROUNDS} rounds after ${WARMUP} warm-up`);
console.log(`  machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' / ')} (wall times grow when other work shares the CPUs)`);
console.log(figures('home page (GET /, the 20 next public dinners), whole HTTP round trip:', home, 50));
console.log(figures(`month agenda (GET /agenda, June 2030, ${agendaEntries.n} dinners in the grid), whole HTTP round trip:`, agenda, 50));
console.log(`  conflict check, weekly series of a year (52 dates, ${clashes} clashes listed)\n      median ${median(checks).toFixed(2)} ms (p95 ${p95(checks).toFixed(2)} ms)  (target < 100 ms: ${verdict(median(checks), 100)})`);
