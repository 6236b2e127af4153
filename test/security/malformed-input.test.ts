import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatrixContext } from '../authz-matrix.ts';
import { paths } from '../../src/paths.ts';
import { allowedActor, bodyFor, entryFor, formBody, inventory, makeMatrixWorld, pathFor, type MatrixWorld } from '../support/matrix.ts';
import { fillPath, paramNames, UNSAFE_METHODS, type RouteInfo } from '../support/routes.ts';
import { rowCounts, watchWrites, type Actor } from '../support/security.ts';

// Test plan D4, D5, D7, D8: hostile or broken input gets a 4xx and stores nothing; it never gets a 500.
const routes = inventory();
const unsafeRoutes = routes.filter((route) => UNSAFE_METHODS.includes(route.method));
const idRoutes = routes.filter((route) => paramNames(route.path).some((name) => /(^id|Id)$/.test(name)));
const getRoutes = routes.filter((route) => route.method === 'GET');

/**
 * Single fields with a length limit, one line per form: the form must refuse 10,000 characters
 * with its own validation answer (400 or 422) naming the field, and store nothing.
 */
const OVERSIZED_FIELDS: { route: string; field: string; label: string; body: (ctx: MatrixContext) => Record<string, string> }[] = [
  { route: 'POST /admin/users', field: 'name', label: 'Naam', body: () => ({ email: 'long@test.example', locale: 'nl', roles: 'staff' }) },
  { route: 'POST /invitation/:token', field: 'name', label: 'Naam', body: () => ({ password: 'a long enough passphrase', confirm: 'a long enough passphrase' }) },
];

describe('malformed input', () => {
  let world: MatrixWorld;
  let server: http.Server;
  beforeAll(async () => {
    world = await makeMatrixWorld();
    server = world.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The actor the matrix allows (admin for a route without an entry yet), with a fresh session and token. */
  async function prepare(route: RouteInfo) {
    const actor: Actor = allowedActor(route) ?? 'admin';
    const creds = await world.credentials(actor);
    const path = await pathFor(route, world.ctx);
    const body = await bodyFor(route, world.ctx);
    const writes = watchWrites(world.db);
    writes.reset();
    return { creds, path, body, writes, counts: rowCounts(world.db) };
  }

  /** Raw bytes on the wire: supertest re-encodes strings, and D5 needs bytes that are not UTF-8. */
  function rawPost(path: string, cookie: string, body: Buffer, contentType?: string): Promise<{ status: number; text: string }> {
    const { port } = server.address() as AddressInfo;
    const headers: http.OutgoingHttpHeaders = { cookie, 'content-length': body.length };
    if (contentType) headers['content-type'] = contentType;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  describe('oversized fields (D4)', () => {
    for (const field of OVERSIZED_FIELDS) {
      it(`${field.route} refuses a 10,000-character ${field.field}, names the field in Dutch and stores nothing`, async () => {
        const route = routes.find((r) => r.key === field.route);
        expect(route, `${field.route} is not a route any more: update OVERSIZED_FIELDS`).toBeDefined();
        const { creds, path, writes } = await prepare(route!);

        const res = await request(world.app)
          .post(path)
          .set('Cookie', creds.cookie)
          .type('form')
          .send(formBody({ _csrf: creds.csrf, ...field.body(world.ctx), [field.field]: 'x'.repeat(10_000) }));

        expect([400, 422]).toContain(res.status);
        expect(res.text).toContain(`href="#field-${field.field}"`);
        expect(res.text).toContain(`${field.label}: Dit is te lang.`);
        expect(writes.writes(['sessions'])).toEqual([]);
      });
    }
  });

  describe('bodies over the limits (D4)', () => {
    for (const route of unsafeRoutes) {
      it(`${route.key} answers 413 to a body over the 100 kB limit and to 1,001 parameters, storing nothing`, async () => {
        const { creds, path, writes } = await prepare(route);
        const params = Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&');

        const big = await request(world.app).post(path).set('Cookie', creds.cookie).type('form').send(`_csrf=${encodeURIComponent(creds.csrf)}&story=${'x'.repeat(150_000)}`);
        const many = await request(world.app).post(path).set('Cookie', creds.cookie).type('form').send(`_csrf=${encodeURIComponent(creds.csrf)}&${params}`);

        expect(big.status).toBe(413);
        expect(many.status).toBe(413);
        expect(writes.writes()).toEqual([]);
      });
    }
  });

  describe('broken encodings and shapes (D5)', () => {
    for (const route of unsafeRoutes) {
      it(`${route.key} answers 4xx to JSON, to no Content-Type and to bytes that are not UTF-8, storing nothing`, async () => {
        const { creds, path, body, writes } = await prepare(route);
        const form = formBody({ _csrf: creds.csrf, ...body });
        const notUtf8 = Buffer.concat([Buffer.from(`${form}&name=ab`), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('cd')]);

        const json = await request(world.app).post(path).set('Cookie', creds.cookie).set('Content-Type', 'application/json').send(JSON.stringify({ _csrf: creds.csrf, ...body }));
        const untyped = await rawPost(path, creds.cookie, Buffer.from(form));
        const badBytes = await rawPost(path, creds.cookie, notUtf8, 'application/x-www-form-urlencoded');

        expect([json.status, untyped.status, badBytes.status].every((status) => status >= 400 && status < 500)).toBe(true);
        expect(writes.writes()).toEqual([]);
      });

      it(`${route.key} never answers 500 to %FF, repeated fields or __proto__ keys, and pollutes no prototype`, async () => {
        const { creds, path, body } = await prepare(route);
        const fields = Object.keys(body).length ? Object.keys(body) : ['name', 'email'];
        const doubled = fields.map((name) => `${name}=a&${name}=b`).join('&');
        const hostile = [
          `${fields.map((name) => `${name}=%FF%FE`).join('&')}`,
          doubled,
          '__proto__[x]=1&__proto__=x&constructor[prototype][x]=1&a[__proto__][x]=1',
        ];

        for (const extra of hostile) {
          const res = await request(world.app).post(path).set('Cookie', creds.cookie).type('form').send(`_csrf=${encodeURIComponent(creds.csrf)}&${extra}`);

          expect(res.status, extra).toBeLessThan(500);
        }
        expect(({} as Record<string, unknown>).x).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('x');
        expect(rowCountsWithoutU_FFFD()).toBe(true);
      });
    }
  });

  /** No text column anywhere holds U+FFFD: broken bytes were refused, not stored mangled. */
  function rowCountsWithoutU_FFFD(): boolean {
    const client = world.db.$client;
    const tables = client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'").all() as { name: string }[];
    for (const { name } of tables) {
      const columns = client.prepare(`SELECT name, type FROM pragma_table_info('${name}')`).all() as { name: string; type: string }[];
      for (const column of columns.filter((c) => /TEXT/i.test(c.type))) {
        const hit = client.prepare(`SELECT 1 FROM "${name}" WHERE instr("${column.name}", char(65533)) > 0 LIMIT 1`).get();
        if (hit) return false;
      }
    }
    return true;
  }

  describe('malformed ids in every :id route (D7)', () => {
    const BAD_IDS = ['12abc', '1e3', '0x10', '-1', '9007199254740993', ' ', '01', '1.0', '+1', '0'];
    const filled = new Set<unknown>(); // row builders already run 17 times in this world

    for (const route of idRoutes) {
      it(`${route.key} answers 404 (or 400) to ids like 12abc, 1e3, 0x10, -1, 2^53+1 and ' ', never another record`, async () => {
        // Real rows with small ids exist, so a lenient parser ('12abc' → 12, '0x10' → 16) would find one.
        const entry = entryFor(route);
        if (entry?.params && !filled.has(entry.params)) {
          for (let i = 0; i < 17; i++) await entry.params(world.ctx);
          filled.add(entry.params);
        }
        const { creds, body, writes } = await prepare(route);
        const statuses: Record<string, number> = {};

        for (const bad of BAD_IDS) {
          const params = Object.fromEntries(paramNames(route.path).map((name) => [name, /(^id|Id)$/.test(name) ? bad : '1']));
          const target = fillPath(route.path, params);
          const res =
            route.method === 'GET'
              ? await request(world.app).get(target).set('Cookie', creds.cookie)
              : await request(world.app)[route.method.toLowerCase() as 'post'](target).set('Cookie', creds.cookie).type('form').send(formBody({ _csrf: creds.csrf, ...body }));
          statuses[bad] = res.status;
        }

        expect(Object.entries(statuses).filter(([, status]) => status !== 404 && status !== 400)).toEqual([]);
        expect(writes.writes(['sessions'])).toEqual([]);
      });
    }
  });

  describe('EJS option injection through the query string (D8)', () => {
    const INJECTIONS = [
      'settings[view options][outputFunctionName]=x;process.exit(7);//',
      'settings[view%20options][client]=1&settings[view%20options][escapeFunction]=process.exit',
      'outputFunctionName=x;process.exit(7);//&client=1&escapeFunction=process.exit&localsName=x;process.exit(7)',
    ];

    for (const route of getRoutes) {
      it(`${route.key} answers as usual with template options in the query, and the process lives on`, async () => {
        const actor = allowedActor(route) ?? 'admin';
        const creds = await world.credentials(actor);
        const path = await pathFor(route, world.ctx);
        const join = path.includes('?') ? '&' : '?';
        const normal = await request(world.app).get(path).set('Cookie', creds.cookie);

        for (const query of INJECTIONS) {
          const res = await request(world.app).get(`${path}${join}${query}`).set('Cookie', creds.cookie);

          expect(res.status, query).toBe(normal.status);
        }
        expect((await request(world.app).get('/healthz')).status).toBe(200);
      });
    }
  });
});

describe('no request data handed to res.render as locals (D8 lint)', () => {
  /** Calls of .render( whose locals are req.query / req.body / req.params, or spread or assign them. */
  function renderCallsWithRequestLocals(source: string): string[] {
    const findings: string[] = [];
    for (const match of source.matchAll(/\.render\(/g)) {
      let depth = 1;
      let end = match.index + match[0].length;
      while (end < source.length && depth > 0) {
        const char = source[end];
        if (char === '(' || char === '{' || char === '[') depth++;
        if (char === ')' || char === '}' || char === ']') depth--;
        end++;
      }
      const args = source.slice(match.index + match[0].length, end - 1);
      const risky =
        /^[^,]+,\s*(req|request)\.(query|body|params|cookies)\b/.test(args) ||
        /\.\.\.\s*[\w.]*\(?\s*(req|request)\.(query|body|params|cookies)\b/.test(args) ||
        /Object\.assign\([^)]*(req|request)\.(query|body|params|cookies)/.test(args);
      if (risky) findings.push(source.slice(match.index, end).replace(/\s+/g, ' ').slice(0, 160));
    }
    return findings;
  }

  function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return /\.(ts|js|mjs)$/.test(entry.name) ? [full] : [];
    });
  }

  it('recognises the dangerous shapes (control) and lets nested values pass', () => {
    expect(renderCallsWithRequestLocals("res.render('x', req.query);")).toHaveLength(1);
    expect(renderCallsWithRequestLocals("res.render('x', { ...req.body, a: 1 });")).toHaveLength(1);
    expect(renderCallsWithRequestLocals("res.render('x', { ...formValues(req.body) });")).toHaveLength(1);
    expect(renderCallsWithRequestLocals("res.render('x', Object.assign({}, req.query));")).toHaveLength(1);
    expect(renderCallsWithRequestLocals("res.render('x', { values: formValues(req.body), errors });")).toEqual([]);
  });

  it('finds none in src/', () => {
    const findings = sourceFiles(path.join(paths.root, 'src')).flatMap((file) =>
      renderCallsWithRequestLocals(fs.readFileSync(file, 'utf8')).map((call) => `${path.relative(paths.root, file)}: ${call}`),
    );

    expect(findings, 'Build locals explicitly and nest user input under `values` (STYLE.md §4)').toEqual([]);
  });
});
