/**
 * Findings as text: one `path:line: rule: message` line each (`path: rule: message` when the
 * finding is about a whole file or element), warnings with `warning: ` before the message; paths
 * relative to `cwd` when inside it. Then a one-line summary.
 */
import { relative, isAbsolute } from 'node:path';
import type { LintReport } from './lint-elements.js';
import type { LintFinding } from './types.js';

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export function formatFinding(f: LintFinding, cwd: string): string {
  const where = f.line === undefined ? displayPath(f.path, cwd) : `${displayPath(f.path, cwd)}:${f.line}`;
  return `${where}: ${f.rule}: ${f.severity === 'warning' ? 'warning: ' : ''}${f.message}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatSummary(report: LintReport): string {
  return `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')} in ${plural(report.elements, 'element')}`;
}
