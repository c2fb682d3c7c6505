import { isCommentLine } from '../shell-text.js';
import type { FileRule } from '../types.js';

/** `set -x`, `set -ex`, `set -o xtrace`… */
const TRACE = /(^|[\s;&|])set\s+(-[A-Za-z]*x[A-Za-z]*\b|-o\s+xtrace\b)/;

export const envTraceRule: FileRule = {
  id: 'env-trace',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: '`environment.d` files do not turn on tracing (they are sourced into every phase)',
  check(file) {
    if (!file.inEnvironmentDir) return [];
    return file.lines.flatMap((l, i) =>
      !isCommentLine(l) && TRACE.test(l) ? [{ path: file.path, line: i + 1, message: 'environment file turns on tracing; remove it (hooks trace themselves with DIB_DEBUG_TRACE)' }] : [],
    );
  },
};
