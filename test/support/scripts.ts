import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { paths } from '../../src/paths.ts';

export type ScriptResult = { code: number | null; stdout: string; stderr: string };

/** A temporary folder removed after the test; DATABASE_PATH for scripts points into it. */
export function tempFolder(prefix = 'aanschuiftafel-script-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The environment a script gets: only what it needs, English messages, and the given variables.
 * Built from scratch so the test runner's own NODE_ENV or DATABASE_PATH never leak in.
 */
export function scriptEnv(variables: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', LANG: 'C.UTF-8', ...variables };
}

/** Runs scripts/<name> the way package.json does (node --import tsx) and collects its output. */
export function runScript(name: string, args: string[], options: { env: NodeJS.ProcessEnv; input?: string }): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', name), ...args], {
      cwd: paths.root,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Runs a script inside a pseudo-terminal (util-linux `script`), so it sees a TTY and prompts.
 * `answer(output, write)` is called with everything printed so far whenever more arrives.
 */
export function runScriptInTerminal(
  name: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; answer: (output: string, write: (text: string) => void) => void },
): Promise<ScriptResult> {
  const command = [process.execPath, '--import', 'tsx', path.join('scripts', name), ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--return', '--flush', '--command', command, '/dev/null'], {
      cwd: paths.root,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const write = (text: string) => child.stdin.write(text);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.answer(stdout, write);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
