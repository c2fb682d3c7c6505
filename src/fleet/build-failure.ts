/**
 * What a fleet job's failed build is reported as. A build that fails as tsdib means it to writes an
 * `error` event (code, message, exit code), and that is the report. A build that exits non-zero
 * without one crashed (an uncaught exception, a stray `process.exit`): BUILD_CRASHED, with the
 * line of its stderr that says why — Node ends a crash's output with its own version line
 * (`Node.js v20.x`), after the stack, so the last line alone says nothing.
 */

/** The fields of the build's `error` event that a report uses. */
export interface BuildErrorEvent {
  code?: string;
  message?: string;
  exitCode?: number;
}

export interface BuildFailure {
  code: string;
  message: string;
  exitCode: number;
}

/** Lines of a crash's stderr that never say why: Node's version footer and hint, stack frames, the source caret. */
const NOISE: readonly RegExp[] = [/^Node\.js v\d/, /^\s+at /, /^\s*\^+\s*$/, /^\(Use `node --trace-/];

/**
 * An error's own line as Node prints an uncaught one: `TypeError: …`, `Error [ERR_X]: …`,
 * `Uncaught Foo: …`; V8's `FATAL ERROR: …`; or tsdib's `error CODE: …`.
 */
const ERROR_LINE = /^(?:Uncaught )?(?:[A-Za-z_$][\w$]*)?(?:Error|Exception)(?: \[[A-Z0-9_]+\])?:|^FATAL ERROR:|^error [A-Z][A-Z0-9_]*:/;

/** The line of a crashed build's stderr that says why: the last error line, else the last line that is not Node's noise. */
export function crashLine(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !NOISE.some((re) => re.test(l)));
  return lines.findLast((l) => ERROR_LINE.test(l)) ?? lines.at(-1)?.trim();
}

/** The report of a build that exited `exitCode` (non-zero) or wrote `event`. */
export function buildFailure(exitCode: number, event: BuildErrorEvent | undefined, stderr: string): BuildFailure {
  if (event) return { code: event.code ?? 'BUILD_FAILED', message: event.message ?? `tsdib exited ${exitCode}`, exitCode: event.exitCode ?? exitCode };
  const why = crashLine(stderr);
  return { code: 'BUILD_CRASHED', message: `tsdib exited ${exitCode} without an error event${why ? `: ${why}` : ' and printed nothing on stderr'}`, exitCode };
}
