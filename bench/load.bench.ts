/**
 * Load benchmark (issue 7, "Load"; a benchmark, not a test). The real app (src/server.ts) runs in
 * a child process with NODE_ENV=production on a FILE database holding the demo data scaled up:
 * 50 venues, 5,000 dinners, 20,000 residents. This process drives it over 127.0.0.1 with
 * autocannon, 50 connections for 20 s each: the public home page, a dinner page, and answers
 * through personal links (POST /r/<token>: each a different resident and dinner, a real write of
 * the answer and its outbox mail). In the same run a minimal Express + better-sqlite3 page
 * (bench/support/ceiling-server.ts) reads the same dinners from the same file: the ceiling for
 * this stack on this machine.
 * Targets: home page rate ≥ 0.5 × the ceiling's, home p99 < 100 ms, no RSVP answer lost.
 *
 *   node --import tsx bench/load.bench.ts      (npm run bench:load; BENCH_QUICK=1: 3 s runs;
 *                                               BENCH_PROFILE=<dir>: CPU profile of the app server)
 *
 * Venues and personal links come from bench/support/world.ts, as in bench/scheduling.bench.ts and
 * bench/rsvp.bench.ts.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { and, count, eq, gt, isNotNull } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.ts';
import { outbox } from '../src/db/schema.ts';
import { residents, type NewResident } from '../src/features/residents/residents.schema.ts';
import { rsvpLinks, rsvps } from '../src/features/rsvp/rsvp.schema.ts';
import { dinners } from '../src/features/scheduling/scheduling.schema.ts';
import { createVenue } from '../src/features/scheduling/venues.service.ts';
import { cpuSeconds, freePort, startAppServer, startProcess, stopProcess } from './support/app-process.ts';
import { benchVenueInput, NEIGHBOURHOODS, personalLink } from './support/world.ts';

const quick = process.env.BENCH_QUICK === '1';
const seconds = quick ? 3 : 20;
const connections = 50;
const VENUES = 50;
const DINNERS_PER_VENUE = 100; // 5,000 dinners over the coming year
const RESIDENTS = 20_000;
/** Personal links, one per (resident, dinner) pair, more than the RSVP run can use. */
const LINKS = quick ? 20_000 : 60_000;
/** Upcoming public dinners the links point at (so answers spread; each resident answers each at most once). */
const ANSWERED_DINNERS = 200;
const DAY = 86_400_000;

/** The demo neighbourhood scaled up; venues through the service, the bulk through drizzle in one transaction. */
function prepareDatabase(file: string): { dinnerPageId: number; tokens: string[]; counts: { venues: number; dinners: number; residents: number } } {
  const db = openDatabase(file);
  const now = new Date();
  const venues = Array.from({ length: VENUES }, (_, i) => createVenue(db, benchVenueInput(i), null, now));

  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const tokens: string[] = [];
  const dinnerPageId = db.transaction((tx) => {
    // Every venue: a dinner every 3–4 days from the day after tomorrow, at 17:00 or 11:00 UTC.
    // One venue in ten invites only; one dinner in twelve is a draft (neither is on the home page).
    for (const [i, venue] of venues.entries()) {
      const rows = Array.from({ length: DINNERS_PER_VENUE }, (_, k) => {
        const startsAt = new Date(today + (2 + Math.floor(k * 3.6) + (i % 3)) * DAY + (k % 2 === 0 ? 17 : 11) * 3_600_000);
        const endsAt = new Date(startsAt.getTime() + (k % 2 === 0 ? 3 : 2) * 3_600_000);
        return {
          uid: `${crypto.randomUUID()}@bench`, venueId: venue.id, title: k % 2 === 0 ? `Buurtdiner ${i + 1}` : `Lunch ${i + 1}`, theme: 'Wonen in de wijk',
          description: 'Samen eten en praten over de buurt.', startsAt, endsAt, localDate: startsAt.toISOString().slice(0, 10), capacity: venue.capacity,
          rsvpDeadline: new Date(startsAt.getTime() - DAY), menu: 'Soep, hoofdgerecht, toetje', diets: JSON.stringify(['vegetarian', 'halal']), languages: 'Nederlands, Turks',
          host: 'Buurtteam', visibility: i % 10 === 0 ? ('invitation' as const) : ('public' as const), status: k % 12 === 5 ? ('draft' as const) : ('published' as const),
          createdAt: now, updatedAt: now,
        };
      });
      tx.insert(dinners).values(rows).run();
    }

    const residentIds: number[] = [];
    for (let start = 0; start < RESIDENTS; start += 500) {
      const rows: NewResident[] = Array.from({ length: Math.min(500, RESIDENTS - start) }, (_, j) => {
        const n = start + j;
        return {
          name: `Bewoner ${n}`, email: `bewoner${n}@bench.example`, locale: ['nl', 'en', 'tr', 'ar'][n % 4]!, street: `Straat ${n % 300}`, houseNumber: String(1 + (n % 150)),
          postcode: '3511 AB', neighbourhood: NEIGHBOURHOODS[n % NEIGHBOURHOODS.length]!, adults: 1 + (n % 2), children: n % 3, languages: 'Nederlands', source: 'import',
          createdAt: now, updatedAt: now,
        };
      });
      residentIds.push(...tx.insert(residents).values(rows).returning({ id: residents.id }).all().map((row) => row.id));
    }

    // Link j: resident j mod R, for the ((j mod R) + round)-th of the answered dinners: no pair twice.
    const targets = tx
      .select({ id: dinners.id, endsAt: dinners.endsAt })
      .from(dinners)
      .where(and(eq(dinners.visibility, 'public'), eq(dinners.status, 'published'), gt(dinners.startsAt, new Date(now.getTime() + 2 * DAY))))
      .orderBy(dinners.startsAt, dinners.id)
      .limit(ANSWERED_DINNERS)
      .all();
    const links = [];
    for (let j = 0; j < LINKS; j += 1) {
      const residentIndex = j % residentIds.length;
      const target = targets[(residentIndex + Math.floor(j / residentIds.length)) % targets.length]!;
      const link = personalLink(residentIds[residentIndex]!, target, now);
      tokens.push(link.token);
      links.push(link.row);
      if (links.length === 1000) tx.insert(rsvpLinks).values(links.splice(0)).run();
    }
    if (links.length > 0) tx.insert(rsvpLinks).values(links).run();
    return targets[0]!.id;
  });
  const counts = {
    venues: venues.length,
    dinners: db.select({ n: count() }).from(dinners).get()!.n,
    residents: db.select({ n: count() }).from(residents).get()!.n,
  };
  db.$client.pragma('optimize');
  db.$client.close();
  return { dinnerPageId, tokens, counts };
}

type Run = { rate: number; p50: number; p99: number; total: number; errors: number; statuses: Map<number, number>; cpuMs: number | null };

/** One autocannon run; with `server`, also the server's CPU time per answered request. */
async function run(options: autocannon.Options, server?: ChildProcess): Promise<Run> {
  const cpu0 = cpuSeconds(server?.pid);
  const statuses = new Map<number, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ connections, duration: seconds, ...options }, (error, outcome) => (error ? reject(error) : resolve(outcome)));
    instance.on('response', (_client, statusCode) => statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1));
  });
  const cpu1 = cpuSeconds(server?.pid);
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  return {
    rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total, errors: result.errors + result.timeouts, statuses,
    cpuMs: cpu0 !== null && cpu1 !== null && total > 0 ? ((cpu1 - cpu0) * 1000) / total : null,
  };
}

const statusList = (r: Run) => [...r.statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(', ') + (r.errors ? `, errors/timeouts×${r.errors}` : '');
const line = (label: string, r: Run) => `  ${label.padEnd(34)} ${r.rate.toFixed(0).padStart(6)} req/s   median ${r.p50} ms, p99 ${r.p99} ms${r.cpuMs === null ? '' : `, server CPU ${r.cpuMs.toFixed(2)} ms/req`}   (${statusList(r)})`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-load-'));
const file = path.join(dir, 'load.sqlite');
let app: ChildProcess | undefined;
let ceiling: ChildProcess | undefined;
try {
  console.log(`load benchmark${quick ? ' (BENCH_QUICK: 3 s runs, not a measurement)' : ''}: preparing ${VENUES} venues, ${VENUES * DINNERS_PER_VENUE} dinners, ${RESIDENTS} residents, ${LINKS} personal links on a file database…`);
  const t0 = performance.now();
  const { dinnerPageId, tokens, counts } = prepareDatabase(file);
  console.log(`  world: ${counts.venues} venues, ${counts.dinners} dinners, ${counts.residents} residents (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  const appPort = await freePort();
  const appBase = `http://127.0.0.1:${appPort}`;
  app = await startAppServer(file, appPort);
  const ceilingPort = await freePort();
  const ceilingBase = `http://127.0.0.1:${ceilingPort}`;
  ceiling = await startProcess('bench/support/ceiling-server.ts', { PORT: String(ceilingPort), DATABASE_PATH: file }, ceilingBase);

  // Both pages must show dinners, or the comparison is empty.
  const [appHome, ceilingHome] = await Promise.all([fetch(`${appBase}/`).then((r) => r.text()), fetch(`${ceilingBase}/`).then((r) => r.text())]);
  if (!appHome.includes(`/dinners/`) || !ceilingHome.includes('/dinners/')) throw new Error('a home page lists no dinners');
  const dinnerPage = await fetch(`${appBase}/dinners/${dinnerPageId}`);
  if (dinnerPage.status !== 200) throw new Error(`GET /dinners/${dinnerPageId} answered ${dinnerPage.status}`);

  // One CSRF cookie + token pair serves every answer (double-submit: the token matches the cookie).
  const answerPage = await fetch(`${appBase}/r/${tokens[0]}`);
  const cookie = (answerPage.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await answerPage.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the answer page');

  // Home page and ceiling back to back, so both see the same machine.
  await run({ url: `${appBase}/`, duration: 1 });
  const home = await run({ url: `${appBase}/` }, app);
  await run({ url: `${ceilingBase}/`, duration: 1 });
  const top = await run({ url: `${ceilingBase}/` }, ceiling);
  await stopProcess(ceiling);
  ceiling = undefined;

  await run({ url: `${appBase}/dinners/${dinnerPageId}`, duration: 1 });
  const dinner = await run({ url: `${appBase}/dinners/${dinnerPageId}` }, app);

  let next = 1;
  const rsvp = await run({
    url: appBase,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const token = tokens[next % tokens.length]!;
          next += 1;
          const body = new URLSearchParams({ _csrf: csrf, _key: crypto.randomBytes(16).toString('base64url'), answer: 'yes', people: '1' }).toString();
          return { ...request, path: `/r/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body };
        },
      },
    ],
  }, app);
  await stopProcess(app); // finishes requests in flight, checkpoints the WAL
  app = undefined;

  const db = openDatabase(file);
  const stored = db.select({ n: count() }).from(rsvps).where(isNotNull(rsvps.answeredAt)).get()!.n;
  const mails = db.select({ n: count() }).from(outbox).get()!.n;
  db.$client.close();
  const acknowledged = rsvp.statuses.get(303) ?? 0;
  // A request still in flight when autocannon stops may commit without being counted: stored ≥ acknowledged.
  const lost = Math.max(0, acknowledged - stored);
  const share = home.rate / top.rate;

  console.log(`  ${connections} connections, ${seconds} s each, autocannon in this process, servers in child processes on 127.0.0.1`);
  console.log(line('home page GET /', home));
  console.log(line(`dinner page GET /dinners/${dinnerPageId}`, dinner));
  console.log(line('RSVP POST /r/<token>', rsvp));
  console.log(line('ceiling (Express + SQLite list)', top));
  console.log(`  home rate / ceiling rate:          ${share.toFixed(2)}   target ≥ 0.50   ${share >= 0.5 ? 'ok' : 'BELOW'}`);
  if (home.cpuMs !== null && top.cpuMs !== null) {
    // What the share would be with a core to itself: the machine's load does not enter this figure.
    console.log(`  same share from server CPU/request: ${(top.cpuMs / home.cpuMs).toFixed(2)}   (home ${home.cpuMs.toFixed(2)} ms, ceiling ${top.cpuMs.toFixed(2)} ms; for reading, not the target)`);
  }
  console.log(`  home p99:                          ${home.p99} ms   target < 100 ms   ${home.p99 < 100 ? 'ok' : 'BELOW'}`);
  console.log(`  RSVP answers acknowledged (303):   ${acknowledged}; stored: ${stored}; outbox rows: ${mails}; lost: ${lost}   ${lost === 0 && mails >= stored ? 'ok' : 'LOST'}`);
  if (next > tokens.length) console.log('  (more requests than prepared links: later requests repeated earlier answers)');
  console.log(`  machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' / ')} (client and servers share them)`);
  const onlyOk = (r: Run) => r.errors === 0 && [...r.statuses.keys()].every((status) => status === 200);
  const pass = share >= 0.5 && home.p99 < 100 && lost === 0 && mails >= stored && onlyOk(home) && onlyOk(dinner) && onlyOk(top);
  console.log(quick ? 'RESULT: QUICK (smoke run only)' : pass ? 'RESULT: PASS' : 'RESULT: BELOW TARGET');
} finally {
  if (ceiling) await stopProcess(ceiling);
  if (app) await stopProcess(app);
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
