import { eq } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { auditEvents, userRoles, users } from '../../src/db/schema.ts';
import { verifyPassword } from '../../src/features/auth/passwords.ts';
import { makeTestApp } from '../support/app.ts';
import { browserAgent } from '../support/builders.ts';
import { runScript, runScriptInTerminal, scriptEnv, tempFolder } from '../support/scripts.ts';

const PASSWORD = 'a long enough passphrase';

/** A fresh folder with a password file; DATABASE_PATH points to a database that does not exist yet. */
function installation() {
  const dir = tempFolder();
  const passwordFile = path.join(dir, 'password.txt');
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`);
  const databasePath = path.join(dir, 'aanschuiftafel.sqlite');
  return { dir, passwordFile, databasePath, env: scriptEnv({ DATABASE_PATH: databasePath }) };
}

function open(databasePath: string): Db {
  const db = openDatabase(databasePath);
  onTestFinished(() => {
    db.$client.close();
  });
  return db;
}

function rolesOf(db: Db, userId: number): string[] {
  return db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(eq(userRoles.userId, userId))
    .all()
    .map((row) => row.role)
    .sort();
}

describe('npm run user:create', () => {
  it('creates an admin from options on a production install, and that admin can sign in', async () => {
    const install = installation();

    const result = await runScript('user-create.ts', ['--email', 'Anna@Example.org', '--name', 'Anna de Vries', '--password-file', install.passwordFile], {
      env: { ...install.env, NODE_ENV: 'production' },
    });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created the account anna@example.org (id 1) with role(s): admin.');
    const db = open(install.databasePath);
    const user = db.select().from(users).where(eq(users.email, 'anna@example.org')).get()!;
    expect(user).toMatchObject({ name: 'Anna de Vries', locale: 'nl', disabledAt: null });
    expect(rolesOf(db, user.id)).toEqual(['admin']);
    expect(await verifyPassword(user.passwordHash!, PASSWORD)).toBe(true);
    expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'accounts.created')).all()).toHaveLength(1);
    const signIn = await browserAgent(makeTestApp({ db }).app).signIn(user, PASSWORD);
    expect(signIn.status).toBe(303);
  });

  it('reads the password from standard input with --password-file - and takes --roles and --locale', async () => {
    const install = installation();

    const result = await runScript(
      'user-create.ts',
      ['--email', 'olga@example.org', '--name', 'Olga', '--password-file', '-', '--roles', 'organiser,staff', '--locale', 'en'],
      { env: install.env, input: `${PASSWORD}\n` },
    );

    expect(result.code).toBe(0);
    const db = open(install.databasePath);
    const user = db.select().from(users).get()!;
    expect(user.locale).toBe('en');
    expect(rolesOf(db, user.id)).toEqual(['organiser', 'staff']);
    expect(await verifyPassword(user.passwordHash!, PASSWORD)).toBe(true);
  });

  it('asks for e-mail, name and password in a terminal, without showing the password', async () => {
    const install = installation();
    const answers: [prompt: string, answer: string][] = [
      ['E-mail address: ', 'noor@example.org\r'],
      ['Name: ', 'Noor Haddad\r'],
      ['not shown): ', `${PASSWORD}\r`],
      ['Repeat the password: ', `${PASSWORD}\r`],
    ];
    let searchFrom = 0;

    const result = await runScriptInTerminal('user-create.ts', [], {
      env: install.env,
      answer(output, write) {
        const next = answers[0];
        if (!next) return;
        const at = output.indexOf(next[0], searchFrom);
        if (at === -1) return;
        searchFrom = at + next[0].length;
        answers.shift();
        write(next[1]);
      },
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created the account noor@example.org');
    expect(result.stdout).not.toContain(PASSWORD);
    const db = open(install.databasePath);
    const user = db.select().from(users).get()!;
    expect(user.name).toBe('Noor Haddad');
    expect(await verifyPassword(user.passwordHash!, PASSWORD)).toBe(true);
  });

  it('refuses invalid values with one line per option, in the operator’s language, and stores nothing', async () => {
    const install = installation();
    fs.writeFileSync(install.passwordFile, 'short\n');

    const result = await runScript('user-create.ts', ['--email', 'anna@', '--name', ' ', '--password-file', install.passwordFile, '--roles', 'boss'], {
      env: { ...install.env, LANG: 'nl_NL.UTF-8' },
    });

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').sort()).toEqual([
      '--email: Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.',
      '--name: Vul dit veld in.',
      '--password-file: Kies een wachtwoord van minstens 12 tekens.',
      '--roles: Kies een bestaande rol.',
    ]);
    expect(fs.existsSync(install.databasePath)).toBe(false);
  });

  it('refuses an e-mail address that already has an account, whatever its case', async () => {
    const install = installation();
    const args = ['--name', 'Anna', '--password-file', install.passwordFile];
    await runScript('user-create.ts', ['--email', 'anna@example.org', ...args], { env: install.env });

    const result = await runScript('user-create.ts', ['--email', 'ANNA@example.org', ...args], { env: install.env });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('There is already an account with this e-mail address.\n');
    expect(open(install.databasePath).select().from(users).all()).toHaveLength(1);
  });

  it('exits with 2 and names what is missing when options are left out without a terminal', async () => {
    const install = installation();

    const result = await runScript('user-create.ts', ['--email', 'anna@example.org'], { env: install.env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Missing --name, --password-file.');
    expect(fs.existsSync(install.databasePath)).toBe(false);
  });

  it('exits with 2 for an unknown option, and explains itself with --help', async () => {
    const install = installation();

    const unknown = await runScript('user-create.ts', ['--admin'], { env: install.env });
    const help = await runScript('user-create.ts', ['--help'], { env: install.env });

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--admin'");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--password-file');
  });

  it('says so when the password file cannot be read', async () => {
    const install = installation();

    const result = await runScript('user-create.ts', ['--email', 'a@example.org', '--name', 'A', '--password-file', path.join(install.dir, 'missing.txt')], {
      env: install.env,
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot read the password file');
  });
});
