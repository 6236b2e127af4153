import Database from 'better-sqlite3';
import { count, eq, lte } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { auditEvents, users } from '../../src/db/schema.ts';
import { recordAudit } from '../../src/features/audit/audit.service.ts';
import { makeTestApp } from '../support/app.ts';
import { buildUser } from '../support/builders.ts';
import { runScript, scriptEnv, tempFolder } from '../support/scripts.ts';

/** A live file database (WAL, as in production) whose recent commits are all still in the -wal file. */
async function liveDatabase() {
  const dir = tempFolder('aanschuiftafel-backup-');
  const databasePath = path.join(dir, 'aanschuiftafel.sqlite');
  const db = openDatabase(databasePath);
  onTestFinished(() => {
    db.$client.close();
  });
  await buildUser(db, { email: 'anna@example.org', roles: ['admin'] });
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  for (let i = 0; i < 200; i++) commitRow(db, i);
  return { dir, databasePath, db, env: scriptEnv({ DATABASE_PATH: databasePath }) };
}

/** One commit: an audit row, the simplest table every install has. */
function commitRow(db: Db, n: number): void {
  recordAudit(db, { actorUserId: null, action: 'test.write', objectId: n }, new Date());
}

function lastAuditId(db: Db): number {
  return db.$client.prepare('select max(id) as id from audit_events').pluck().get() as number;
}

function openCopy(file: string): Database.Database {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  onTestFinished(() => {
    copy.close();
  });
  return copy;
}

describe('npm run db:backup', () => {
  it('copies every row committed before it started while a writer keeps committing; the copy passes the integrity check and the app boots on it', async () => {
    const live = await liveDatabase();
    const target = path.join(live.dir, 'copy.sqlite');
    const committedBeforeStart = lastAuditId(live.db);
    let writesDuringBackup = 0;
    const writer = setInterval(() => {
      commitRow(live.db, 1000 + writesDuringBackup);
      writesDuringBackup += 1;
    }, 2);

    const result = await runScript('db-backup.ts', [target], { env: live.env }).finally(() => clearInterval(writer));

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${target}\n`);
    expect(result.stderr).toContain('integrity ok');
    expect(writesDuringBackup).toBeGreaterThan(0);
    expect(fs.existsSync(`${target}-wal`)).toBe(false);
    const copy = openCopy(target);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    const copied = copy.prepare('select count(*) from audit_events where id <= ?').pluck().get(committedBeforeStart);
    expect(copied).toBe(committedBeforeStart);
    copy.close();
    const restored = openDatabase(target);
    onTestFinished(() => {
      restored.$client.close();
    });
    const health = await request(makeTestApp({ db: restored }).app).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(restored.select().from(users).where(eq(users.email, 'anna@example.org')).get()).toBeDefined();
    expect(restored.select({ n: count() }).from(auditEvents).where(lte(auditEvents.id, committedBeforeStart)).get()!.n).toBe(committedBeforeStart);
  });

  it('misses commits still in the WAL when the file is merely copied (control: why the backup API is used)', async () => {
    const live = await liveDatabase();
    const target = path.join(live.dir, 'plain-copy.sqlite');

    fs.copyFileSync(live.databasePath, target);

    const copy = openCopy(target);
    const copied = copy.prepare('select count(*) from audit_events').pluck().get() as number;
    expect(copied).toBeLessThan(lastAuditId(live.db));
  });

  it('writes to the backups folder next to the database, named by the UTC time, when no path is given', async () => {
    const live = await liveDatabase();

    const result = await runScript('db-backup.ts', [], { env: live.env });

    expect(result.code).toBe(0);
    const written = result.stdout.trim();
    expect(path.dirname(written)).toBe(path.join(live.dir, 'backups'));
    expect(path.basename(written)).toMatch(/^aanschuiftafel-\d{8}-\d{6}\.sqlite$/);
    expect(openCopy(written).pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses to overwrite an existing file', async () => {
    const live = await liveDatabase();
    const target = path.join(live.dir, 'taken.sqlite');
    fs.writeFileSync(target, 'an older backup');

    const result = await runScript('db-backup.ts', [target], { env: live.env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists');
    expect(fs.readFileSync(target, 'utf8')).toBe('an older backup');
  });

  it('says there is no database when DATABASE_PATH points nowhere, and creates nothing', async () => {
    const dir = tempFolder();
    const missing = path.join(dir, 'nothing-here', 'aanschuiftafel.sqlite');

    const result = await runScript('db-backup.ts', [], { env: scriptEnv({ DATABASE_PATH: missing }) });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`There is no database at ${missing}.`);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });
});
