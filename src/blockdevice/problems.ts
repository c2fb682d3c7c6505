/**
 * Reporting config problems: sorted by their path in the config, all raised as one CONFIG_INVALID
 * error (exit 2) whose message names the source and the first problem. At most four lines are
 * printed: the message and up to three detail lines, the last of them "…and N more problems"
 * when there are more; `context.problems` keeps them all.
 */
import { configInvalid, type TsdibError } from '../errors.js';
import type { ConfigProblem } from './types.js';

const MAX_LINES = 4;

function tokens(path: string): string[] {
  return path.match(/\[\d+\]|\.[^.[]+|[^.[]+/g) ?? [];
}

/** Orders config paths as a reader meets them: `[2]` before `[10]`, a key before its children. */
export function comparePaths(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === y) continue;
    const nx = /^\[(\d+)\]$/.exec(x);
    const ny = /^\[(\d+)\]$/.exec(y);
    if (nx && ny) return Number(nx[1]) - Number(ny[1]);
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

/** Sorted by path (then message), each (path, message) once. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return [...problems]
    .sort((p, q) => comparePaths(p.path, q.path) || (p.message < q.message ? -1 : p.message > q.message ? 1 : 0))
    .filter((p) => {
      const id = `${p.path}\0${p.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

/** `[2].mkfs.label: "x" has 17 characters…` (no path: just the message). */
export function formatProblem(p: ConfigProblem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

/** One CONFIG_INVALID error for all `problems` (at least one) found in `source`. */
export function configProblemsError(source: string, problems: readonly ConfigProblem[]): TsdibError {
  const sorted = sortProblems(problems);
  const [first, ...rest] = sorted;
  if (!first) throw new Error('configProblemsError needs at least one problem');
  const details =
    rest.length <= MAX_LINES - 1
      ? rest.map(formatProblem)
      : [...rest.slice(0, MAX_LINES - 2).map(formatProblem), `…and ${rest.length - (MAX_LINES - 2)} more problems`];
  return configInvalid(first.path ? `${source} ${formatProblem(first)}` : `${source}: ${first.message}`, {
    file: source,
    path: first.path,
    details,
    problems: sorted,
  });
}
