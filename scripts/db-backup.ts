// npm run db:backup [-- <file>] — an online backup: a consistent copy of the database taken
// while the app keeps running, checked with PRAGMA integrity_check before it is reported.
// Default target: <folder of DATABASE_PATH>/backups/aanschuiftafel-YYYYMMDD-HHMMSS.sqlite (UTC).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadScriptConfig, runScript, ScriptExit, scriptTranslator } from './cli-support.ts';

/** 20261128-203512: sortable, and UTC so a summer-to-winter-time hour never gives two equal names. */
function utcStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function defaultBackupPath(databasePath: string, now: Date): string {
  return path.join(path.dirname(path.resolve(databasePath)), 'backups', `aanschuiftafel-${utcStamp(now)}.sqlite`);
}

/**
 * Copies the live database with SQLite's online backup API. All remaining pages are copied in one
 * step, inside one read transaction: the copy is a snapshot that holds every commit made before
 * that step, and writers in other processes carry on meanwhile (WAL). Copying in small steps
 * would restart from the beginning after every concurrent write, and might never finish.
 */
async function copyDatabase(source: Database.Database, target: string): Promise<void> {
  await source.backup(target, { progress: () => 0x7fffffff });
}

/** Makes the copy one self-contained file (no -wal needed) and returns its integrity check result. */
function finishCopy(target: string): string {
  const copy = new Database(target, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const rows = copy.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    copy.close();
  }
}

async function main(): Promise<void> {
  const t = scriptTranslator();
  let parsed;
  try {
    parsed = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ScriptExit(`${(error as Error).message}\n\n${t('cli:backup.usage')}`, 2);
  }
  if (parsed.values.help || parsed.positionals.length > 1) {
    process.stdout.write(`${t('cli:backup.usage')}\n`);
    if (parsed.positionals.length > 1) process.exitCode = 2;
    return;
  }

  const { databasePath } = loadScriptConfig();
  if (databasePath === ':memory:' || !fs.existsSync(databasePath)) throw new ScriptExit(t('cli:backup.noDatabase', { path: databasePath }), 1);
  const target = path.resolve(parsed.positionals[0] ?? defaultBackupPath(databasePath, new Date()));
  if (fs.existsSync(target)) throw new ScriptExit(t('cli:backup.exists', { path: target }), 1);
  fs.mkdirSync(path.dirname(target), { recursive: true });

  const source = new Database(databasePath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await copyDatabase(source, target);
  } catch (error) {
    fs.rmSync(target, { force: true });
    throw new ScriptExit(t('cli:backup.failed', { reason: (error as Error).message }), 1);
  } finally {
    source.close();
  }

  const result = finishCopy(target);
  if (result !== 'ok') throw new ScriptExit(t('cli:backup.integrityFailed', { path: target, result }), 1);
  // The path alone on stdout, so `npm run -s db:backup` can feed it to the next command.
  process.stderr.write(`${t('cli:backup.done')}\n`);
  process.stdout.write(`${target}\n`);
}

runScript(main);
