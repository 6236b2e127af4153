/**
 * The ceiling for this stack (bench/load.bench.ts): the least an Express + better-sqlite3 page can
 * do. It reads the same dinners as the app's home page (upcoming published public dinners with
 * their venue, soonest first, 20 of them) from the same file and renders a trivial HTML list: no
 * sessions, CSRF, i18n, templates, security headers or seat counts.
 *
 *   DATABASE_PATH=<file> PORT=<port> node --import tsx bench/support/ceiling-server.ts
 */
import Database from 'better-sqlite3';
import express from 'express';

const file = process.env.DATABASE_PATH;
const port = Number(process.env.PORT);
if (!file || !Number.isInteger(port)) {
  console.error('ceiling-server: DATABASE_PATH and PORT are required');
  process.exit(1);
}

const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const upcoming = db.prepare<[number], { id: number; title: string; startsAt: number; venueName: string; neighbourhood: string }>(
  `select d.id, d.title, d.starts_at as startsAt, v.name as venueName, v.neighbourhood
     from dinners d join venues v on v.id = d.venue_id
    where d.visibility = 'public' and d.status = 'published' and d.starts_at > ?
    order by d.starts_at, d.id
    limit 21`,
);

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (value: string) => value.replace(/[&<>"']/g, (c) => escapes[c]!);

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/', (_req, res) => {
  const rows = upcoming.all(Date.now());
  const items = rows
    .slice(0, 20)
    .map((row) => `<li><a href="/dinners/${row.id}">${escape(row.title)}</a> · ${new Date(row.startsAt).toISOString()} · ${escape(row.venueName)} (${escape(row.neighbourhood)})</li>`)
    .join('\n');
  res.type('html').send(`<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Dinners</title></head><body><ul>\n${items}\n</ul>${rows.length > 20 ? '<a href="/?page=2">More</a>' : ''}</body></html>`);
});

const server = app.listen(port, '127.0.0.1', () => console.log(`ceiling server listens on 127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  server.closeIdleConnections();
});
