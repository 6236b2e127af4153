/**
 * "Send me my link" timing (TEST-PLAN E6): the app runs in a child process (NODE_ENV=production)
 * on a FILE database; one client on 127.0.0.1 sends POST /r-new-link for addresses of invited
 * residents (a mail with fresh links is queued) and for unknown addresses (nothing happens),
 * alternating in random order, one request at a time. The response time must not tell them
 * apart: targets median gap < 20 ms and p95 gap < 50 ms.
 *
 *   node --import tsx bench/link-request.bench.ts      (BENCH_QUICK=1: fewer requests)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/client.ts';
import { residents } from '../src/features/residents/residents.schema.ts';
import { rsvps } from '../src/features/rsvp/rsvp.schema.ts';
import { dinners, venues } from '../src/features/scheduling/scheduling.schema.ts';
import { freePort, startAppServer, stopProcess } from './support/app-process.ts';

const quick = process.env.BENCH_QUICK === '1';
// Each known address is asked for once: a fourth request within the hour would be refused by the mail limit.
const perKind = quick ? 60 : 150;
const warmUp = 20;

/** Two coming dinners and `count` residents invited to both (the link mail lists every coming dinner). */
function prepareDatabase(file: string, count: number): string[] {
  const db = openDatabase(file);
  const now = new Date();
  const emails: string[] = [];
  db.transaction((tx) => {
    const venue = tx.insert(venues).values({ name: 'Buurthuis Bench', address: 'Benchstraat 1', postcode: '1234 AB', neighbourhood: 'Oost', capacity: 500, createdAt: now, updatedAt: now }).returning().get();
    const dinnerIds = [30, 37].map((days) => {
      const startsAt = new Date(now.getTime() + days * 24 * 60 * 60_000);
      return tx
        .insert(dinners)
        .values({ uid: `${crypto.randomUUID()}@bench`, venueId: venue.id, title: `Benchmark-etentje ${days}`, startsAt, endsAt: new Date(startsAt.getTime() + 3 * 3600_000), localDate: '2099-01-01', capacity: 500, rsvpDeadline: new Date(startsAt.getTime() - 86_400_000), status: 'published', visibility: 'public', createdAt: now, updatedAt: now })
        .returning({ id: dinners.id })
        .get().id;
    });
    for (let i = 0; i < count; i += 1) {
      const email = `bewoner${i}@bench.example`;
      const resident = tx.insert(residents).values({ name: `Bewoner ${i}`, email, locale: 'nl', createdAt: now, updatedAt: now }).returning({ id: residents.id }).get();
      for (const dinnerId of dinnerIds) tx.insert(rsvps).values({ dinnerId, residentId: resident.id, status: 'invited', source: 'invitation', invitedAt: now, createdAt: now, updatedAt: now }).run();
      emails.push(email);
    }
  });
  db.$client.close();
  return emails;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-bench-'));
const file = path.join(dir, 'bench.sqlite');
const known = prepareDatabase(file, perKind + warmUp);
const port = await freePort();
const server = await startAppServer(file, port);
const base = `http://127.0.0.1:${port}`;

try {
  const page = await fetch(`${base}/login`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the sign-in page');
  const bodies = new Set<string>();
  const statuses = new Map<number, number>();

  async function ask(email: string): Promise<number> {
    const started = performance.now();
    const res = await fetch(`${base}/r-new-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: base },
      body: new URLSearchParams({ _csrf: csrf!, email }).toString(),
    });
    const text = await res.text();
    const elapsed = performance.now() - started;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    bodies.add(text.replace(/name="_csrf" value="[^"]+"/g, ''));
    return elapsed;
  }

  for (let i = 0; i < warmUp; i += 1) {
    await ask(known[perKind + i]!);
    await ask(`warm-${i}@nobody.example`);
  }
  const times = { known: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < perKind; i += 1) {
    const pair = [
      async () => times.known.push(await ask(known[i]!)),
      async () => times.unknown.push(await ask(`nobody-${i}@nobody.example`)),
    ];
    if (Math.random() < 0.5) pair.reverse();
    for (const step of pair) await step();
  }

  const check = openDatabase(file);
  const queued = (check.$client.prepare("select count(*) as n from outbox where template = 'rsvp-links'").get() as { n: number }).n;
  check.$client.close();
  const sortedKnown = [...times.known].sort((a, b) => a - b);
  const sortedUnknown = [...times.unknown].sort((a, b) => a - b);
  const medianGap = Math.abs(percentile(sortedKnown, 50) - percentile(sortedUnknown, 50));
  const p95Gap = Math.abs(percentile(sortedKnown, 95) - percentile(sortedUnknown, 95));
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  console.log(`requests:        ${perKind} known + ${perKind} unknown addresses, alternating in random order, one at a time`);
  console.log(`known address:   median ${ms(percentile(sortedKnown, 50))}, p95 ${ms(percentile(sortedKnown, 95))}`);
  console.log(`unknown address: median ${ms(percentile(sortedUnknown, 50))}, p95 ${ms(percentile(sortedUnknown, 95))}`);
  console.log(`median gap:      ${ms(medianGap)}   target < 20 ms   ${medianGap < 20 ? 'PASS' : 'FAIL'}`);
  console.log(`p95 gap:         ${ms(p95Gap)}   target < 50 ms   ${p95Gap < 50 ? 'PASS' : 'FAIL'}`);
  const same = bodies.size === 1 && statuses.size === 1 && statuses.has(200);
  console.log(`responses:       ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}; distinct pages ${bodies.size}   ${same ? 'PASS' : 'FAIL'}`);
  console.log(`link mails queued: ${queued} (expected ${perKind + warmUp})   ${queued === perKind + warmUp ? 'PASS' : 'FAIL'}`);
  console.log(`machine load (1 min): ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
} finally {
  await stopProcess(server);
  fs.rmSync(dir, { recursive: true, force: true });
}
