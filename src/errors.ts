/**
 * Every error tsdib raises is a TsdibError with a code. Context goes in fields so tests can assert
 * them; `message` is the one line a user reads. Factories are sorted by code.
 *
 * Exit codes: bad input (config, element, flag, environment) → 2; everything else → 1.
 */
export type ErrorCode =
  | 'BLOCK_DEVICE_FAILED'
  | 'BOOT_FAILED'
  | 'CONFIG_INVALID'
  | 'ELEMENT_INVALID'
  | 'ELEMENTS_CONFLICT'
  | 'ELEMENT_NOT_FOUND'
  | 'ELEMENT_UNSUPPORTED'
  | 'ELEMENTS_PATH_INVALID'
  | 'ENV_INVALID'
  | 'FLAG_INVALID'
  | 'HOOK_DUPLICATE'
  | 'HOOK_FAILED'
  | 'HOST_COMMAND_FAILED'
  | 'HOST_TOOLS_MISSING'
  | 'IMAGE_INVALID'
  | 'INTERRUPTED'
  | 'NO_OPERATING_SYSTEM'
  | 'OUTPUT_FAILED'
  | 'OUTPUT_PATH_INVALID'
  | 'ROOT_REQUIRED'
  | 'STATE_INVALID';

/** Codes that mean "the user gave us something wrong": exit 2, nothing touched on disk. */
const BAD_INPUT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONFIG_INVALID',
  'ELEMENT_INVALID',
  'ELEMENTS_CONFLICT',
  'ELEMENT_NOT_FOUND',
  'ELEMENT_UNSUPPORTED',
  'ELEMENTS_PATH_INVALID',
  'ENV_INVALID',
  'FLAG_INVALID',
  'HOOK_DUPLICATE',
  'IMAGE_INVALID',
  'NO_OPERATING_SYSTEM',
  'OUTPUT_PATH_INVALID',
  'ROOT_REQUIRED',
  'STATE_INVALID',
]);

export interface ErrorContext {
  /** The flag (or command argument) as the user types it: '--memory', '-t', 'tsdib push'. */
  flag?: string;
  /** The environment variable (or the settings file read from the environment) at fault. */
  variable?: string;
  /** The value given to `flag` or `variable`, as typed (several for a list flag). */
  value?: string | readonly string[];
  /** What the value should have been ("a whole number of at least 1"); the message says "expected …". */
  expected?: string;
  /** What is wrong with the value, when `expected` does not say it. */
  problem?: string;
  file?: string;
  path?: string;
  element?: string;
  elements?: string[];
  phase?: string;
  script?: string;
  node?: string;
  command?: string;
  exitCode?: number;
  signal?: string;
  seconds?: number;
  outputTail?: string;
  hint?: string;
  /** Further lines printed under the message (each problem of a multi-problem report). */
  details?: string[];
  /** Every problem of a multi-problem report (details may print only some of them). */
  problems?: Array<{ path: string; message: string }>;
  /** Further bad-input errors found by the same validation pass, sorted (printed after this one). */
  also?: TsdibError[];
  cause?: unknown;
}

export class TsdibError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = 'TsdibError';
    this.code = code;
    this.context = context;
  }

  get isBadInput(): boolean {
    return BAD_INPUT.has(this.code);
  }

  get exitCode(): number {
    if (this.code === 'INTERRUPTED') return INTERRUPT_EXIT_CODES[this.context.signal ?? ''] ?? 130;
    return this.isBadInput ? 2 : 1;
  }
}

export function isTsdibError(e: unknown): e is TsdibError {
  return e instanceof TsdibError;
}

export function blockDeviceFailed(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('BLOCK_DEVICE_FAILED', message, ctx);
}

export function bootFailed(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('BOOT_FAILED', message, ctx);
}

export function configInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('CONFIG_INVALID', message, ctx);
}

export function elementInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('ELEMENT_INVALID', message, ctx);
}

export function elementsConflict(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('ELEMENTS_CONFLICT', message, ctx);
}

export function elementNotFound(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('ELEMENT_NOT_FOUND', message, ctx);
}

/** An element (usually from DIB's tree) that cannot work on this host or with tsdib; exit 2. */
export function elementUnsupported(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('ELEMENT_UNSUPPORTED', message, ctx);
}

export function elementsPathInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('ELEMENTS_PATH_INVALID', message, ctx);
}

/** What is wrong, or what was expected; the message says "expected …" for the latter. */
type ExpectedOrProblem = { expected: string; problem?: never } | { problem: string; expected?: never };

/**
 * The fields of a bad environment variable: its name, its value (left out when the variable's
 * absence or pairing is the problem) and what was `expected` or what the `problem` is.
 */
export type EnvFields = Omit<ErrorContext, 'variable' | 'value' | 'expected' | 'problem'> & { variable: string; value?: string } & ExpectedOrProblem;

/** "NAME=VALUE: expected …" or "NAME=VALUE: problem" (or "NAME: …" without a value); exit 2. */
export function envInvalid(fields: EnvFields): TsdibError {
  const { variable, value, expected, problem, ...ctx } = fields;
  const what = expected === undefined ? (problem as string) : `expected ${expected}`;
  return new TsdibError('ENV_INVALID', `${variable}${value === undefined ? '' : `=${showValue(value)}`}: ${what}`, { ...ctx, variable, value, expected, problem });
}

/**
 * The fields of a bad flag: the flag, the value given (left out when the flag itself is the
 * problem) and either what was `expected` or what the `problem` is. The factory writes the one line.
 */
export type FlagFields = Omit<ErrorContext, 'flag' | 'value' | 'expected' | 'problem'> & {
  flag: string;
  value?: string | number | readonly string[];
} & ExpectedOrProblem;

/** A value as typed, quoted (JSON) only where bare it would mislead: empty, spaces, quotes, control characters, a leading '-'. */
export function showValue(value: string): string {
  return value === '' || value.startsWith('-') || /[\s"'\\\x00-\x1f\x7f]/.test(value) ? JSON.stringify(value) : value;
}

/** "FLAG VALUE: expected …" or "FLAG VALUE: problem" (or "FLAG: …" without a value); exit 2. */
export function flagInvalid(fields: FlagFields): TsdibError {
  const { flag, value, expected, problem, ...ctx } = fields;
  const given = value === undefined ? undefined : typeof value === 'number' ? String(value) : value;
  const shown = given === undefined ? '' : ` ${typeof given === 'string' ? showValue(given) : given.map(showValue).join(', ')}`;
  const what = expected === undefined ? (problem as string) : `expected ${expected}`;
  return new TsdibError('FLAG_INVALID', `${flag}${shown}: ${what}`, { ...ctx, flag, value: given, expected, problem });
}

export function hookDuplicate(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('HOOK_DUPLICATE', message, ctx);
}

export function hookFailed(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('HOOK_FAILED', message, ctx);
}

export function hostCommandFailed(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('HOST_COMMAND_FAILED', message, ctx);
}

export function hostToolsMissing(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('HOST_TOOLS_MISSING', message, ctx);
}

export function imageInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('IMAGE_INVALID', message, ctx);
}

/** With `element`, `phase` and `script` in ctx, the message names the hook that was running. */
/** 128 + the signal's number, as a shell reports a process the signal killed. */
const INTERRUPT_EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGPIPE: 141, SIGTERM: 143 };

export function interrupted(signal: string, ctx: ErrorContext = {}): TsdibError {
  const during = ctx.script ? ` while element ${ctx.element ?? '?'}, ${ctx.phase ?? '?'}/${ctx.script} ran${ctx.seconds === undefined ? '' : ` (${ctx.seconds.toFixed(1)} s)`}` : '';
  return new TsdibError('INTERRUPTED', `interrupted by ${signal}${during}`, { ...ctx, signal });
}

export function noOperatingSystem(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('NO_OPERATING_SYSTEM', message, ctx);
}

export function outputFailed(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('OUTPUT_FAILED', message, ctx);
}

export function outputPathInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('OUTPUT_PATH_INVALID', message, ctx);
}

export function rootRequired(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('ROOT_REQUIRED', message, ctx);
}

export function stateInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('STATE_INVALID', message, ctx);
}

/** Bad-input errors in report order: by code, then message; each (code, message) once. */
export function sortBadInput(errors: readonly TsdibError[]): TsdibError[] {
  const seen = new Set<string>();
  return [...errors]
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0))
    .filter((e) => {
      const id = `${e.code}\0${e.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

/** One error for several bad inputs (at least one): the first, sorted, carrying the rest in `also`. */
export function badInputs(errors: readonly TsdibError[]): TsdibError {
  const [first, ...rest] = sortBadInput(errors.flatMap((e) => [e, ...(e.context.also ?? [])]));
  if (!first) throw new Error('badInputs needs at least one error');
  return new TsdibError(first.code, first.message, { ...first.context, also: rest });
}

/** The lines a user sees for an error: "error CODE: message", details, then a hint. No stack. */
export function formatError(e: TsdibError): string[] {
  const lines = [`error ${e.code}: ${e.message}`];
  for (const d of e.context.details ?? []) lines.push(`  ${d}`);
  if (e.context.outputTail) for (const l of e.context.outputTail.split('\n')) lines.push(`  | ${l}`);
  if (e.context.hint) lines.push(`  hint: ${e.context.hint}`);
  for (const other of e.context.also ?? []) lines.push(...formatError(other));
  return lines;
}

/**
 * Collects the bad-input errors of independent checks so that one run reports them all
 * (`throwIfAny`: one error, sorted, the rest in `also`). Any other exception passes through.
 */
export class BadInputs {
  private readonly errors: TsdibError[] = [];

  get count(): number {
    return this.errors.length;
  }

  add(e: TsdibError): void {
    this.errors.push(e);
  }

  /** The value of `fn`, or undefined when it threw a bad-input error (kept for the report). */
  sync<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (isTsdibError(e) && e.isBadInput) this.errors.push(e);
      else throw e;
      return undefined;
    }
  }

  async check<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      if (isTsdibError(e) && e.isBadInput) this.errors.push(e);
      else throw e;
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw badInputs(this.errors);
  }

  /**
   * After the last check: throws the problems collected, if any; else returns `values`, typed as
   * defined. `check` and `sync` leave a value undefined only when they collected a problem, so with
   * none collected every value is there (checked once more here, as an internal error).
   */
  valuesOrThrow<T extends Record<string, unknown>>(values: T): { [K in keyof T]: Exclude<T[K], undefined> } {
    this.throwIfAny();
    const missing = Object.keys(values).filter((k) => values[k] === undefined);
    if (missing.length > 0) throw new Error(`internal: ${missing.join(', ')} undefined though no check failed`);
    return values as { [K in keyof T]: Exclude<T[K], undefined> };
  }
}
