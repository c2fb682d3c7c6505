import { isBashScript, isDocOrData } from '../shell-text.js';
import type { FileRule } from '../types.js';

export const dibDebugTraceRule: FileRule = {
  id: 'dibdebugtrace',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'bash scripts honour `DIB_DEBUG_TRACE` (`-x` on the command line) by turning on `set -x`',
  check(file) {
    if (isDocOrData(file) || !isBashScript(file) || file.lines.some((l) => l.includes('DIB_DEBUG_TRACE'))) return [];
    return [
      {
        path: file.path,
        line: 1,
        message: 'does not follow DIB_DEBUG_TRACE; add: if [ "${DIB_DEBUG_TRACE:-0}" -gt 0 ]; then set -x; fi',
      },
    ];
  },
};
