/**
 * Logging and step timing. A step is a named, timed unit of work; steps nest and indent. Every
 * finished step's seconds are recorded in `timings` for the end-of-build report.
 */
import { appendFileSync } from 'node:fs';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface StepTiming {
  name: string;
  depth: number;
  seconds: number;
  ok: boolean;
}

interface LogState {
  level: Level;
  depth: number;
  logfile: string | undefined;
  quiet: boolean;
  started: number;
  timings: StepTiming[];
  listeners: Array<(event: LogEvent) => void>;
}

export type LogEvent =
  | { type: 'log'; level: Level; message: string; t: number }
  | { type: 'step-start'; name: string; depth: number; t: number }
  | { type: 'step-end'; name: string; depth: number; seconds: number; ok: boolean; t: number };

const state: LogState = {
  level: (process.env['TSDIB_LOG_LEVEL'] as Level | undefined) ?? 'info',
  depth: 0,
  logfile: undefined,
  quiet: false,
  started: Date.now(),
  timings: [],
  listeners: [],
};

export function configureLog(opts: { level?: Level; logfile?: string; quiet?: boolean }): void {
  if (opts.level) state.level = opts.level;
  if (opts.logfile !== undefined) state.logfile = opts.logfile;
  if (opts.quiet !== undefined) state.quiet = opts.quiet;
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

function write(level: Level, message: string): void {
  const prefix = level === 'info' || level === 'debug' ? '' : `${level}: `;
  const indent = '  '.repeat(state.depth);
  const text = message
    .split('\n')
    .map((l) => `[${elapsed()}s] ${indent}${prefix}${l}`)
    .join('\n');
  if (state.logfile) {
    try {
      appendFileSync(state.logfile, `${new Date().toISOString()} ${text}\n`);
    } catch {
      // a broken logfile must not break the build; the terminal still gets the line
    }
  }
  emit({ type: 'log', level, message, t: Date.now() });
  if (RANK[level] < RANK[state.level]) return;
  if (state.quiet && level !== 'error' && level !== 'warn') return;
  if (held) held.push(`${text}\n`);
  else process.stderr.write(`${text}\n`);
}

/** Terminal lines held back by `withHeldLog` (the logfile and listeners get them at once). */
let held: string[] | undefined;

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
    if (keep) for (const line of mine) (outer ? outer.push(line) : process.stderr.write(line));
  }
}

export const log = {
  debug: (m: string) => write('debug', m),
  info: (m: string) => write('info', m),
  warn: (m: string) => write('warn', m),
  error: (m: string) => write('error', m),
};

/** Runs `fn` as a named step: logs start and end with elapsed seconds, nests, records the timing. */
export async function withStep<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const depth = state.depth;
  const t0 = performance.now();
  write('info', `▶ ${name}`);
  emit({ type: 'step-start', name, depth, t: Date.now() });
  state.depth++;
  let ok = false;
  try {
    const r = await fn();
    ok = true;
    return r;
  } finally {
    state.depth = depth;
    const seconds = (performance.now() - t0) / 1000;
    state.timings.push({ name, depth, seconds, ok });
    emit({ type: 'step-end', name, depth, seconds, ok, t: Date.now() });
    write(ok ? 'info' : 'warn', `${ok ? '✔' : '✘'} ${name} (${seconds.toFixed(1)} s)`);
  }
}

export function stepTimings(): readonly StepTiming[] {
  return state.timings;
}

export function resetTimings(): void {
  state.timings = [];
  state.started = Date.now();
}
