// npm run user:create — creates a staff account with a password, typically the first admin of a
// production install. In a terminal it asks for what the options leave out (the password hidden);
// for automation everything comes from options: --email --name --password-file [--roles] [--locale].
import fs from 'node:fs';
import readline from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { TFunction } from 'i18next';
import { openDatabase } from '../src/db/client.ts';
import { InviteForm } from '../src/features/accounts/accounts.forms.ts';
import { createAccount } from '../src/features/accounts/accounts.service.ts';
import { hashPassword } from '../src/features/auth/passwords.ts';
import { AppError } from '../src/lib/errors.ts';
import { parseForm, passwordField } from '../src/lib/forms.ts';
import { loadScriptConfig, runScript, ScriptExit, scriptTranslator } from './cli-support.ts';

// The invitation form's fields (e-mail, name, roles, language) plus a password: the same rules
// as the admin page, so an account made here is one the app would have accepted.
const UserCreateInput = InviteForm.extend({ password: passwordField });

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  'password-file': { type: 'string' },
  roles: { type: 'string', default: 'admin' },
  locale: { type: 'string', default: 'nl' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The option that carries each form field, for error messages. */
const OPTION_OF_FIELD: Record<string, string> = {
  email: '--email',
  name: '--name',
  password: '--password-file',
  roles: '--roles',
  locale: '--locale',
};

async function readPasswordFile(file: string, t: TFunction): Promise<string> {
  try {
    const content = file === '-' ? await readStdin() : fs.readFileSync(file, 'utf8');
    // Files written by `echo` or an editor end with a newline that is not part of the password.
    return content.replace(/\r?\n$/, '');
  } catch (error) {
    throw new ScriptExit(t('cli:userCreate.passwordFileUnreadable', { file, reason: (error as Error).message }), 1);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function ask(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** Reads a line from the terminal without echoing it (raw mode); Ctrl-C stops the script. */
function askHidden(question: string, t: TFunction): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let value: string[] = [];
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(value.join(''));
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          reject(new ScriptExit(t('cli:userCreate.aborted'), 130));
          return;
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value.push(char);
      }
    };
    // Echo goes off before the prompt appears: a password pasted the moment the prompt shows
    // must not be echoed by the terminal.
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
    process.stdout.write(question);
  });
}

async function main(): Promise<void> {
  const t = scriptTranslator();
  let parsed;
  try {
    parsed = parseArgs({ options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ScriptExit(t('cli:userCreate.badOption', { reason: (error as Error).message }), 2);
  }
  const options = parsed.values;
  if (options.help) {
    process.stdout.write(`${t('cli:userCreate.usage')}\n`);
    return;
  }

  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  let email = options.email;
  let name = options.name;
  let password = options['password-file'] === undefined ? undefined : await readPasswordFile(options['password-file'], t);
  let confirm = password;

  const missing = [
    email === undefined ? '--email' : null,
    name === undefined ? '--name' : null,
    password === undefined ? '--password-file' : null,
  ].filter((flag) => flag !== null);
  if (missing.length > 0 && !interactive) throw new ScriptExit(t('cli:userCreate.missing', { flags: missing.join(', ') }), 2);
  email ??= await ask(t('cli:userCreate.askEmail'));
  name ??= await ask(t('cli:userCreate.askName'));
  if (password === undefined) {
    password = await askHidden(t('cli:userCreate.askPassword'), t);
    confirm = await askHidden(t('cli:userCreate.askConfirm'), t);
  }
  if (password !== confirm) throw new ScriptExit(t('forms.passwordMismatch'), 1);

  const form = parseForm(UserCreateInput, {
    email,
    name,
    password,
    locale: options.locale,
    roles: options.roles.split(',').map((role) => role.trim()).filter(Boolean),
  });
  if (!form.ok) {
    const lines = Object.entries(form.errors).flatMap(([field, messages]) =>
      messages.map((message) => t('cli:userCreate.invalid', { option: OPTION_OF_FIELD[field] ?? field, message: t(message) })),
    );
    throw new ScriptExit(lines.join('\n'), 1);
  }

  const config = loadScriptConfig();
  const db = openDatabase(config.databasePath);
  try {
    const { password: chosen, ...account } = form.data;
    const passwordHash = await hashPassword(chosen);
    const user = createAccount(db, { ...account, passwordHash }, null, new Date());
    process.stdout.write(`${t('cli:userCreate.created', { email: user.email, id: user.id, roles: account.roles.join(', ') })}\n`);
  } catch (error) {
    if (error instanceof AppError) throw new ScriptExit(t(error.messageKey, error.values), 1);
    throw error;
  } finally {
    db.$client.close();
  }
}

runScript(main);
