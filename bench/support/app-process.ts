import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The environment of the app as in production, on a file database, with mail to the in-app mailbox. */
export function productionEnv(file: string, port: number): NodeJS.ProcessEnv {
  return { NODE_ENV: 'production', PORT: String(port), DATABASE_PATH: file, BASE_URL: `http://127.0.0.1:${port}`, SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123', SMTP_URL: '' };
}

/**
 * Starts a script of this repository in a child process and waits until GET /healthz answers 200.
 * BENCH_PROFILE=<dir> writes a CPU profile of the app server there (node --cpu-prof).
 */
export async function startProcess(script: string, env: NodeJS.ProcessEnv, base: string): Promise<ChildProcess> {
  const profile = process.env.BENCH_PROFILE && script === 'src/server.ts' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(root, script)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`${script} exited with ${exited}`);
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not answer /healthz within 60 s`);
}

/** The app (src/server.ts) on a file database, as in production. */
export function startAppServer(file: string, port: number): Promise<ChildProcess> {
  return startProcess('src/server.ts', productionEnv(file, port), `http://127.0.0.1:${port}`);
}

/** SIGTERM, and wait until the process has exited (graceful shutdown checkpoints the database). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** CPU seconds a process has used so far (Linux /proc; null elsewhere): independent of how busy the machine is. */
export function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return null;
  }
}
