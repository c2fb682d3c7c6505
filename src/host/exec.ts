/**
 * The one place tsdib runs host commands. Every command is logged, timed and, on failure, turned
 * into a HOST_COMMAND_FAILED error naming the command, its exit code and the tail of its stderr.
 * Only this file imports execa (through src/vendor/execa.js, which the build bundles into one file).
 */
import type { Options as ExecaOptions, ResultPromise } from 'execa';
import { execa } from '../vendor/execa.js';
import { hostCommandFailed, interrupted } from '../errors.js';
import { log } from '../log.js';
import { lastLines } from './text.js';

export interface RunOptions {
  /** Name for the timings report; defaults to the command. */
  step?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the environment instead of extending process.env. */
  extendEnv?: boolean;
  input?: string | Buffer;
  /** Exit codes that are not failures (default: 0 only). */
  okExitCodes?: readonly number[];
  timeoutMs?: number;
  /** Called with every line of stdout/stderr as it arrives (for hooks and long commands). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Keep the output as Buffer (binary stdout). */
  binary?: boolean;
  hint?: string;
  /** Called with the child's PID as soon as it is spawned (to register it for release). */
  onSpawn?: (pid: number) => void;
  /** Called with every chunk of stdout/stderr as it arrives, line end or not (a console's `login: `). */
  onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  /**
   * Give the child this terminal (stdin, stdout and stderr inherited), for an interactive console.
   * Such a child stays in our process group: in a group of its own it could not read the terminal.
   */
  interactive?: boolean;
  /**
   * May run after an interrupt (Ctrl-C, SIGTERM): true only for the commands that release a
   * resource (umount, losetup --detach, vgchange -an, …). Any other command is refused then, with
   * INTERRUPTED, so that an interrupted build starts no new work while its release stack runs.
   */
  afterInterrupt?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

interface TimingSink {
  add(step: string, ms: number): void;
}
const commandTimings = new Map<string, { count: number; ms: number }>();
export const hostTimings: TimingSink & { entries(): Array<[string, { count: number; ms: number }]> } = {
  add(step, ms) {
    const t = commandTimings.get(step) ?? { count: 0, ms: 0 };
    t.count++;
    t.ms += ms;
    commandTimings.set(step, t);
  },
  entries: () => [...commandTimings.entries()],
};

/**
 * Live children, so an interrupt can stop them before resources are released. Each child runs in
 * its own process group (execa `detached`), and is signalled as a group: a hook's own children
 * (the `sleep` a bash script waits on, a package manager's helpers) die with it instead of living
 * on as orphans that hold the output pipe open or keep files in the workspace busy.
 */
const liveChildren = new Set<ResultPromise>();

function signalGroup(child: ResultPromise, signal: NodeJS.Signals): boolean {
  const pid = child.pid;
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // the group is gone (or never formed): fall back to the child itself
    return child.kill(signal);
  }
}

/** How long children get to end after SIGTERM before their groups get SIGKILL. */
const KILL_GRACE_MS = 5000;

/**
 * Sends `signal` to every live child's process group; groups still alive after a grace period get
 * SIGKILL. Returns how many children were signalled.
 */
export function killLiveChildren(signal: NodeJS.Signals = 'SIGTERM'): number {
  let n = 0;
  const signalled = [...liveChildren];
  for (const c of signalled) {
    if (signalGroup(c, signal)) n++;
  }
  if (signal !== 'SIGKILL' && signalled.length > 0) {
    setTimeout(() => {
      for (const c of signalled) if (liveChildren.has(c)) signalGroup(c, 'SIGKILL');
    }, KILL_GRACE_MS).unref();
  }
  return n;
}

// detached children are not killed by execa when we exit: do it ourselves (not on SIGKILL, of course)
process.once('exit', () => {
  for (const c of liveChildren) signalGroup(c, 'SIGKILL');
});

let interruptSignal: string | undefined;
/** After an interrupt only commands run with `afterInterrupt: true` may start: the release stack is the only thing still running. */
export function markInterrupted(signal: string): void {
  interruptSignal = signal;
}
export function clearInterrupted(): void {
  interruptSignal = undefined;
}

function shellQuote(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map(shellQuote).join(' ');
}

/** Runs a command; resolves with its stdout (trailing newline trimmed) or throws HOST_COMMAND_FAILED. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return (await runResult(cmd, args, opts)).stdout;
}

/** Like run() but returns the whole result; still throws on a non-ok exit code. */
export async function runResult(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const command = formatCommand(cmd, args);
  if (interruptSignal && opts.afterInterrupt !== true) {
    throw interrupted(interruptSignal, { command });
  }
  const execaOpts: ExecaOptions = {
    reject: false,
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: opts.extendEnv ?? true,
    input: opts.input,
    timeout: opts.timeoutMs,
    stripFinalNewline: true,
    encoding: opts.binary ? 'buffer' : 'utf8',
    lines: false,
    all: false,
    // own process group, so an interrupt reaches the child's children too (see killLiveChildren)
    detached: !opts.interactive,
    cleanup: true,
    ...(opts.interactive ? { stdio: 'inherit' as const } : {}),
  };
  const t0 = performance.now();
  const child = execa(cmd, args, execaOpts);
  liveChildren.add(child);
  if (opts.onSpawn && child.pid !== undefined) opts.onSpawn(child.pid);
  if (opts.onOutput) {
    const onOutput = opts.onOutput;
    child.stdout?.on('data', (chunk: Buffer) => onOutput(chunk, 'stdout'));
    child.stderr?.on('data', (chunk: Buffer) => onOutput(chunk, 'stderr'));
  }
  if (opts.onLine) {
    const onLine = opts.onLine;
    for (const [stream, name] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
      let buf = '';
      stream?.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i), name);
          buf = buf.slice(i + 1);
        }
      });
      stream?.on('end', () => {
        if (buf) onLine(buf, name);
        buf = '';
      });
    }
  }
  let r;
  try {
    r = await child;
  } finally {
    liveChildren.delete(child);
  }
  const durationMs = performance.now() - t0;
  hostTimings.add(opts.step ?? cmd, durationMs);
  log.debug(`$ ${command} (${durationMs.toFixed(0)} ms, exit ${r.exitCode ?? r.signal ?? '?'})`);
  const stdout = typeof r.stdout === 'string' ? r.stdout : Buffer.from(r.stdout as Uint8Array).toString('latin1');
  const stderr = typeof r.stderr === 'string' ? r.stderr : Buffer.from(r.stderr as Uint8Array).toString('utf8');
  const exitCode = r.exitCode ?? -1;
  const ok = !r.failed || (r.exitCode !== undefined && (opts.okExitCodes ?? [0]).includes(r.exitCode) && !r.signal && !r.timedOut);
  if (ok && (opts.okExitCodes ?? [0]).includes(exitCode)) return { stdout, stderr, exitCode, durationMs };
  if (interruptSignal) throw interrupted(interruptSignal, { command });
  const notFound = (r as { code?: string }).code === 'ENOENT';
  const reason = notFound
    ? 'was not found'
    : r.timedOut
      ? `timed out after ${((opts.timeoutMs ?? 0) / 1000).toFixed(0)} s`
      : r.signal
        ? `was killed by ${r.signal}`
        : `exited ${exitCode}`;
  const tail = lastLines(stderr || stdout, 20);
  throw hostCommandFailed(`${command} ${reason}${tail ? `: ${JSON.stringify(lastLines(tail, 1))}` : ''}`, {
    command,
    exitCode,
    ...(r.signal ? { signal: r.signal } : {}),
    ...(tail ? { outputTail: tail } : {}),
    hint: opts.hint ?? (notFound ? `${cmd} is missing: run "tsdib doctor --install"` : undefined),
  });
}

/** Runs a command and reports only whether it exited 0 (for probes such as `which`-like checks). */
export async function succeeds(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<boolean> {
  try {
    await runResult(cmd, args, opts);
    return true;
  } catch {
    return false;
  }
}
