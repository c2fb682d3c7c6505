// Real services for tests (an OCI registry, NBD servers), started on 127.0.0.1 and stopped by the
// test. A missing program skips the test with a printed reason — except under CI=true, where the
// suite's set-up must have installed it, so it fails (skipUnless).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { hasCommand, skipUnless } from './resources.js';

/** True when the test must skip for want of `commands` (prints why); throws under CI=true. */
export function missingTools(what: string, commands: readonly string[]): boolean {
  const missing = commands.filter((c) => !hasCommand(c));
  if (missing.length === 0) return false;
  return skipUnless(false, what, `needs ${missing.join(', ')} (tsdib doctor --install --for-tests installs them)`);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export interface Service {
  readonly child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `cmd args` and waits until it listens: on 127.0.0.1:`port`, or at the unix socket `socket`.
 * Rejects (after stopping it) when it exits first or does not listen within `timeoutMs`.
 */
export async function startService(cmd: string, args: string[], wait: { port?: number; socket?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<Service> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...wait.env } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: Service = {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
  const deadline = Date.now() + (wait.timeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited ${child.exitCode} before it listened: ${out}`);
    if (wait.port !== undefined && (await answers(wait.port))) return service;
    if (wait.socket !== undefined && existsSync(wait.socket)) return service;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`${cmd} did not listen within ${wait.timeoutMs ?? 15_000} ms: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
