/**
 * Logging and step timing. A step is a named, timed unit of work; steps nest and indent. Every
 * finished step's seconds are recorded in `timings` for the end-of-build report.
 *
 * Everything goes to the log file and to event listeners; the terminal gets a readable screen:
 * - quiet (`-q`, DIB_QUIET=1, `--logfile` as DIB): warnings and errors only;
 * - default: one line per finished top-level step with its seconds, the info lines of those steps,
 *   and a live status line for the step running now (on a TTY) or a plain line every
 *   PERIODIC_SECONDS (otherwise); the output of hooks and commands (level `detail`) is folded;
 * - verbose (`-v`, level `detail`; `-vv` or TSDIB_LOG_LEVEL=debug adds the host commands): all of it.
 */
import { appendFileSync } from 'node:fs';
import { cleanLine } from './report/terminal-text.js';
import { StatusLine, type TerminalStream } from './report/status-line.js';

export type Level = 'debug' | 'detail' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 0, detail: 1, info: 2, warn: 3, error: 4 };
export const LEVELS = Object.keys(RANK) as Level[];

export interface StepTiming {
  name: string;
  depth: number;
  seconds: number;
  ok: boolean;
}

interface RunningStep {
  name: string;
  depth: number;
  t0: number;
  /** Its start line was printed (the default screen prints it only before its first info line). */
  announced: boolean;
}

interface LogState {
  /** The lowest level the terminal shows. */
  level: Level;
  depth: number;
  logfile: string | undefined;
  /** Lines held for a deferred logfile until `openLogfile` (a refused build leaves no file behind). */
  pendingLogLines: string[] | undefined;
  /** Makes the deferred logfile's directory (and prunes it) when the file is opened. */
  prepareLogfile: (() => void) | undefined;
  quiet: boolean;
  started: number;
  timings: StepTiming[];
  listeners: Array<(event: LogEvent) => void>;
  running: RunningStep[];
  /** What the innermost long-running work reports (apt counts, bytes written), innermost last. */
  progress: Array<() => string | undefined>;
}

export type LogEvent =
  | { type: 'log'; level: Level; message: string; t: number }
  | { type: 'step-start'; name: string; depth: number; t: number }
  | { type: 'step-end'; name: string; depth: number; seconds: number; ok: boolean; t: number };

const envLevel = process.env['TSDIB_LOG_LEVEL'];
const state: LogState = {
  level: envLevel && envLevel in RANK ? (envLevel as Level) : 'info',
  depth: 0,
  logfile: undefined,
  pendingLogLines: undefined,
  prepareLogfile: undefined,
  quiet: false,
  started: Date.now(),
  timings: [],
  listeners: [],
  running: [],
  progress: [],
};

/** How often a step's progress is printed when stderr is not a terminal. */
export const PERIODIC_SECONDS = 20;
/** Finished steps quicker than this are left off the default screen (they are in the log file). */
const TRIVIAL_SECONDS = 0.05;

let terminal = new StatusLine(process.stderr as TerminalStream);
let ticker: NodeJS.Timeout | undefined;
let lastPeriodic = 0;

/**
 * `deferLogfile`: keep the logfile's lines in memory until `openLogfile()` and only then call
 * `prepare` and write the file, so that input refused before any work creates nothing on disk.
 */
export function configureLog(opts: {
  level?: Level;
  logfile?: string;
  deferLogfile?: { prepare: () => void };
  quiet?: boolean;
  terminal?: TerminalStream;
}): void {
  if (opts.level) state.level = opts.level;
  if (opts.logfile !== undefined) state.logfile = opts.logfile;
  if (opts.deferLogfile) {
    state.pendingLogLines = [];
    state.prepareLogfile = opts.deferLogfile.prepare;
  }
  if (opts.quiet !== undefined) state.quiet = opts.quiet;
  if (opts.terminal) terminal = new StatusLine(opts.terminal);
}

export function logFile(): string | undefined {
  return state.logfile;
}

/** Writes a deferred logfile's held lines and from now on appends to it (a no-op otherwise). */
export function openLogfile(): void {
  const pending = state.pendingLogLines;
  if (!pending || !state.logfile) return;
  state.pendingLogLines = undefined;
  try {
    state.prepareLogfile?.();
    appendFileSync(state.logfile, pending.join(''));
  } catch {
    // as toLogfile: a broken logfile must not break the build
  }
}

export function onLogEvent(listener: (event: LogEvent) => void): () => void {
  state.listeners.push(listener);
  return () => {
    state.listeners = state.listeners.filter((l) => l !== listener);
  };
}

function emit(event: LogEvent): void {
  for (const l of state.listeners) l(event);
}

function elapsed(): string {
  const s = (Date.now() - state.started) / 1000;
  return s.toFixed(1).padStart(6);
}

function format(level: Level, message: string, depth: number): string {
  const prefix = level === 'warn' || level === 'error' ? `${level}: ` : '';
  const indent = '  '.repeat(depth);
  return message
    .split('\n')
    .map((l) => `[${elapsed()}s] ${indent}${prefix}${cleanLine(l)}`)
    .join('\n');
}

function toLogfile(text: string): void {
  if (!state.logfile) return;
  const line = `${new Date().toISOString()} ${text.replace(/\n/g, `\n${' '.repeat(25)}`)}\n`;
  if (state.pendingLogLines) {
    state.pendingLogLines.push(line);
    return;
  }
  try {
    appendFileSync(state.logfile, line);
  } catch {
    // a broken logfile must not break the build; the terminal still gets the line
  }
}

/** Terminal lines held back by `withHeldLog` (the logfile and listeners get them at once). */
let held: string[] | undefined;

function toTerminal(text: string): void {
  if (held) held.push(`${text}\n`);
  else terminal.print(text);
}

const verbose = () => RANK[state.level] <= RANK.detail;

/** Whether the terminal shows a log line of `level` written inside steps nested `depth` deep. */
function shownOnTerminal(level: Level, depth: number): boolean {
  if (RANK[level] >= RANK.warn) return true;
  if (state.quiet || RANK[level] < RANK[state.level]) return false;
  return verbose() || depth <= 1;
}

/** The default screen prints a top-level step's start line only when something is printed inside it. */
function announceTopStep(): void {
  const top = state.running[0];
  if (!top || top.announced || verbose()) return;
  top.announced = true;
  toTerminal(format('info', `▶ ${top.name}`, 0));
}

function write(level: Level, message: string): void {
  const text = format(level, message, state.depth);
  toLogfile(text);
  emit({ type: 'log', level, message: message.split('\n').map(cleanLine).join('\n'), t: Date.now() });
  if (!shownOnTerminal(level, state.depth)) return;
  if (state.depth > 0) announceTopStep();
  toTerminal(text);
}

/**
 * Runs `fn` with its terminal output held back: printed when it succeeds, dropped when it fails
 * with an error `drop` accepts (a bad input is reported by its error alone, in a few lines).
 */
export async function withHeldLog<T>(fn: () => Promise<T>, drop: (e: unknown) => boolean): Promise<T> {
  const outer = held;
  const mine: string[] = [];
  held = mine;
  let keep = true;
  try {
    return await fn();
  } catch (e) {
    keep = !drop(e);
    throw e;
  } finally {
    held = outer;
    if (keep) for (const line of mine) (outer ? outer.push(line) : terminal.print(line));
  }
}

export const log = {
  debug: (m: string) => write('debug', m),
  /** A line of a hook's or a command's output: in the log file; on the terminal only with -v. */
  detail: (m: string) => write('detail', m),
  info: (m: string) => write('info', m),
  warn: (m: string) => write('warn', m),
  error: (m: string) => write('error', m),
};

/** The status line: the top-level step running, its seconds, and what the innermost work reports. */
function statusText(): string | undefined {
  const top = state.running[0];
  if (!top) return undefined;
  const inner = state.running[state.running.length - 1];
  const seconds = ((performance.now() - top.t0) / 1000).toFixed(0);
  let detail: string | undefined;
  for (let i = state.progress.length - 1; i >= 0 && detail === undefined; i--) detail = state.progress[i]?.();
  const where = inner && inner !== top ? ` › ${inner.name}` : '';
  return `… ${top.name}${where} ${seconds} s${detail ? ` · ${detail}` : ''}`;
}

function tick(): void {
  if (state.quiet) return;
  if (terminal.live) {
    if (!held) terminal.show(statusText());
    return;
  }
  const top = state.running[0];
  if (!top || verbose() || held) return;
  const now = performance.now();
  if (now - top.t0 < PERIODIC_SECONDS * 1000 || now - lastPeriodic < PERIODIC_SECONDS * 1000) return;
  lastPeriodic = now;
  const text = statusText();
  if (text) terminal.print(format('info', text, 1));
}

function startTicker(): void {
  if (ticker || state.quiet) return;
  lastPeriodic = performance.now();
  ticker = setInterval(tick, 1000);
  ticker.unref();
}

function stopTicker(): void {
  if (ticker) clearInterval(ticker);
  ticker = undefined;
  terminal.show(undefined);
}

/** Runs `fn` as a named step: logs start and end with elapsed seconds, nests, records the timing. */
export async function withStep<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const depth = state.depth;
  const t0 = performance.now();
  const running: RunningStep = { name, depth, t0, announced: false };
  state.running.push(running);
  toLogfile(format('info', `▶ ${name}`, depth));
  if (verbose() && !state.quiet) toTerminal(format('info', `▶ ${name}`, depth));
  emit({ type: 'step-start', name, depth, t: Date.now() });
  if (depth === 0) startTicker();
  state.depth++;
  let ok = false;
  try {
    const r = await fn();
    ok = true;
    return r;
  } finally {
    state.depth = depth;
    state.running = state.running.filter((s) => s !== running);
    const seconds = (performance.now() - t0) / 1000;
    state.timings.push({ name, depth, seconds, ok });
    emit({ type: 'step-end', name, depth, seconds, ok, t: Date.now() });
    if (state.running.length === 0) stopTicker();
    const text = format(ok ? 'info' : 'warn', `${ok ? '✔' : '✘'} ${name} (${seconds.toFixed(1)} s)`, depth);
    toLogfile(text);
    const shown = !state.quiet && (verbose() || (depth === 0 && (running.announced || seconds >= TRIVIAL_SECONDS)));
    if (shown || !ok) toTerminal(text);
  }
}

/** Runs `fn` with `describe` reporting its progress on the status line (and the periodic lines). */
export async function withProgress<T>(describe: () => string | undefined, fn: () => Promise<T>): Promise<T> {
  state.progress.push(describe);
  try {
    return await fn();
  } finally {
    state.progress = state.progress.filter((d) => d !== describe);
  }
}

export function stepTimings(): readonly StepTiming[] {
  return state.timings;
}

export function resetTimings(): void {
  state.timings = [];
  state.started = Date.now();
}
