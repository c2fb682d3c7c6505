// Runs a real build with the compiled CLI (as a user would), then checks what it left on the host:
// loop devices backed by its workspace, mounts inside it, the workspace directory itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO_ROOT } from '../../helpers/cli.js';
import { loopsAndMountsUnder } from '../../helpers/host-state.js';

/** Base trees and apt archives are kept here between runs (DIB_IMAGE_CACHE). */
export const E2E_CACHE = process.env['DIB_IMAGE_CACHE'] ?? join(homedir(), '.cache', 'tsdib');

export interface BuildRun {
  status: number;
  /** stdout + stderr, interleaved as they came. */
  output: string;
  seconds: number;
  /** The build's workspace, from its log. */
  workspace: string | undefined;
  /** What the build left: loop devices backed by files in its workspace, mounts in it, the workspace itself. */
  leaked: { loops: string[]; mounts: string[]; workspaces: string[] };
}

/**
 * What a finished build left on the host. Scoped to the build's own workspace, so builds running
 * at the same time (other test files) do not count.
 */
export function leftBehind(workspace: string | undefined): BuildRun['leaked'] {
  if (!workspace) return { loops: [], mounts: [], workspaces: [] };
  const { loops, mounts } = loopsAndMountsUnder(workspace);
  return { loops, mounts, workspaces: existsSync(workspace) ? [workspace] : [] };
}

/**
 * Runs `tsdib ARGS…` with the shared cache; resolves when it exits (or is killed at the timeout).
 * With `interruptWhen`, the build gets `signal` (default SIGINT) once its output matches.
 */
export async function runBuild(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; interruptWhen?: RegExp; signal?: NodeJS.Signals } = {},
): Promise<BuildRun> {
  return runProgram(process.execPath, [CLI, ...args], opts);
}

/** Runs a shell command line as a user types it (e.g. the README's `npm run image`) in the repo. */
export async function runShellCommand(
  commandLine: string,
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<BuildRun> {
  return runProgram('sh', ['-c', commandLine], opts);
}

/**
 * Collects a started build's stdout and stderr as they come, sends it `signal` (SIGINT) once its
 * output matches `interruptWhen`, SIGTERM after `timeoutMs`; resolves when it exits, with its
 * status (128 when a signal ended it), output, seconds and the workspace its log named.
 */
export async function watchBuild(
  child: ChildProcess,
  opts: { timeoutMs: number; interruptWhen?: RegExp; signal?: NodeJS.Signals },
): Promise<{ status: number; output: string; seconds: number; workspace: string | undefined }> {
  const t0 = performance.now();
  let output = '';
  let signalled = false;
  const onData = (c: Buffer) => {
    output += c.toString('utf8');
    if (opts.interruptWhen && !signalled && opts.interruptWhen.test(output)) {
      signalled = true;
      child.kill(opts.signal ?? 'SIGINT');
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs);
  const status = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  clearTimeout(timer);
  return { status, output, seconds: (performance.now() - t0) / 1000, workspace: /workspace (\/\S+) \(/.exec(output)?.[1] };
}

async function runProgram(
  program: string,
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; interruptWhen?: RegExp; signal?: NodeJS.Signals } = {},
): Promise<BuildRun> {
  mkdirSync(E2E_CACHE, { recursive: true });
  const child = spawn(program, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, DIB_IMAGE_CACHE: E2E_CACHE, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = await watchBuild(child, { ...opts, timeoutMs: opts.timeoutMs ?? 20 * 60_000 });
  return { ...run, leaked: leftBehind(run.workspace) };
}

/** The last lines of a build's output, for assertion messages. */
export function tail(text: string, n = 40): string {
  return text.split('\n').slice(-n).join('\n');
}

export function outputsExist(prefix: string, types: string[]): boolean {
  return types.every((t) => existsSync(`${prefix}.${t}`));
}
