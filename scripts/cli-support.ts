// Shared by the operator scripts (user:create, db:backup): configuration, messages, output.
import type { TFunction } from 'i18next';
import { loadConfig, type Config } from '../src/config.ts';
import { createI18n, type Locale } from '../src/i18n/i18n.ts';

/**
 * The app's configuration for a script. Scripts sign no cookies, so a placeholder secret stands
 * in when SESSION_SECRET is absent: loadConfig would otherwise refuse (production) or write a
 * development secret file next to the database.
 */
export function loadScriptConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({ ...env, SESSION_SECRET: env.SESSION_SECRET || 'not-used-by-scripts-'.repeat(2) });
}

/** Dutch when the operator's shell is Dutch (LANG=nl_NL.UTF-8 and the like), English otherwise. */
export function scriptLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  const language = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return language.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

export function scriptTranslator(env: NodeJS.ProcessEnv = process.env): TFunction {
  return createI18n().getFixedT(scriptLocale(env));
}

/** Thrown to stop a script with a message and an exit code (1: refused input or failure, 2: usage). */
export class ScriptExit extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Runs a script's main function: prints a ScriptExit's message to stderr and sets the exit code. */
export function runScript(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ScriptExit) {
      if (error.message) process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
