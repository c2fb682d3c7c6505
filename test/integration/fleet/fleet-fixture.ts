// The fleet test's processes: redis-server on 127.0.0.1, `tsdib worker`s and `tsdib fleet run`
// spawned as a user would (the compiled CLI), their output collected, each stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CLI, REPO_ROOT } from '../../helpers/cli.js';
import { freePort, startService, type Service } from '../../helpers/services.js';

export interface Redis {
  url: string;
  service: Service;
}

/** redis-server on a free port of 127.0.0.1, nothing saved to disk. */
export async function startRedis(dir: string): Promise<Redis> {
  const port = await freePort();
  // prettier-ignore
  const service = await startService('redis-server', [
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--dir', dir,
    '--save', '',
    '--appendonly', 'no',
  ], { port });
  return { url: `redis://127.0.0.1:${port}`, service };
}

export interface Spawned {
  child: ChildProcess;
  /** stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status (null when killed by a signal) once the process has exited. */
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

/** `node dist/cli/main.js ARGS` with `env` (the test's environment and `env`, undefined unsets). */
export function spawnCli(args: string[], env: Record<string, string | undefined>): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (status, signal) => resolve({ status, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls `check` every 200 ms until it returns a value (not undefined); rejects after `timeoutMs` saying `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Worker extends Spawned {
  name: string;
  workDir: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 60 s: a worker releases its builds first). */
  stop(): Promise<void>;
}

/** `tsdib worker --name NAME --work-dir DIR/NAME`, resolved once it takes jobs. */
export async function startWorker(redis: string, dir: string, name: string, extraArgs: string[], env: Record<string, string | undefined>): Promise<Worker> {
  const workDir = join(dir, name);
  const p = spawnCli(['worker', '--redis', redis, '--name', name, '--work-dir', workDir, ...extraArgs], env);
  const worker: Worker = {
    ...p,
    name,
    workDir,
    async stop() {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      p.child.kill('SIGTERM');
      const t = setTimeout(() => p.child.kill('SIGKILL'), 60_000);
      await p.exited;
      clearTimeout(t);
    },
  };
  let gone = false;
  void p.exited.then(() => (gone = true));
  await waitFor(`worker ${name} to take jobs (stderr so far: ${p.stderr()})`, () => {
    if (gone) throw new Error(`worker ${name} exited at start: ${p.stderr()}`);
    return p.stderr().includes('taking jobs from') ? true : undefined;
  }, 150_000);
  return worker;
}

/** Lines of a worker's stderr that say it started job NAME (`job ID NAME: building (attempt N)`). */
export function buildsStarted(stderr: string, job: string): number {
  return stderr.split('\n').filter((l) => new RegExp(`\\bjob \\S+ ${job}: building \\(attempt`).test(l)).length;
}
