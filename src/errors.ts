/**
 * Every error tsdib raises is a TsdibError with a code. Context goes in fields so tests can assert
 * them; `message` is the one line a user reads. Factories are sorted by code.
 *
 * Exit codes: bad input (config, element, flag, environment) → 2; everything else → 1.
 */
export type ErrorCode =
  | 'BLOCK_DEVICE_FAILED'
  | 'CONFIG_INVALID'
  | 'ELEMENT_INVALID'
  | 'ELEMENTS_CONFLICT'
  | 'ELEMENT_NOT_FOUND'
  | 'ELEMENTS_PATH_INVALID'
  | 'ENV_INVALID'
  | 'FLAG_INVALID'
  | 'HOOK_DUPLICATE'
  | 'HOOK_FAILED'
  | 'HOST_COMMAND_FAILED'
  | 'HOST_TOOLS_MISSING'
  | 'INTERRUPTED'
  | 'NO_OPERATING_SYSTEM'
  | 'OUTPUT_FAILED'
  | 'OUTPUT_PATH_INVALID'
  | 'STATE_INVALID';

/** Codes that mean "the user gave us something wrong": exit 2, nothing touched on disk. */
const BAD_INPUT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONFIG_INVALID',
  'ELEMENT_INVALID',
  'ELEMENTS_CONFLICT',
  'ELEMENT_NOT_FOUND',
  'ELEMENTS_PATH_INVALID',
  'ENV_INVALID',
  'FLAG_INVALID',
  'HOOK_DUPLICATE',
  'NO_OPERATING_SYSTEM',
  'OUTPUT_PATH_INVALID',
  'STATE_INVALID',
]);

export interface ErrorContext {
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
    if (this.code === 'INTERRUPTED') return this.context.signal === 'SIGTERM' ? 143 : this.context.signal === 'SIGHUP' ? 129 : 130;
    return this.isBadInput ? 2 : 1;
  }
}

export function isTsdibError(e: unknown): e is TsdibError {
  return e instanceof TsdibError;
}

export function blockDeviceFailed(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('BLOCK_DEVICE_FAILED', message, ctx);
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

export function elementsPathInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('ELEMENTS_PATH_INVALID', message, ctx);
}

export function envInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('ENV_INVALID', message, ctx);
}

export function flagInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('FLAG_INVALID', message, ctx);
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

/** With `element`, `phase` and `script` in ctx, the message names the hook that was running. */
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

export function stateInvalid(message: string, ctx: ErrorContext = {}): TsdibError {
  return new TsdibError('STATE_INVALID', message, ctx);
}

/** The lines a user sees for an error: "error CODE: message", details, then a hint. No stack. */
export function formatError(e: TsdibError): string[] {
  const lines = [`error ${e.code}: ${e.message}`];
  for (const d of e.context.details ?? []) lines.push(`  ${d}`);
  if (e.context.outputTail) for (const l of e.context.outputTail.split('\n')) lines.push(`  | ${l}`);
  if (e.context.hint) lines.push(`  hint: ${e.context.hint}`);
  return lines;
}
