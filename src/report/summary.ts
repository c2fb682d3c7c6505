/**
 * The table printed at the end of a build: each step's seconds (nested steps indented) and each
 * output with its size and path.
 */
import type { StepTiming } from '../log.js';

export interface OutputLine {
  type: string;
  path: string;
  bytes: number;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Steps in the order they started (timings are recorded at their end, children before parents). */
function inStartOrder(timings: readonly StepTiming[]): StepTiming[] {
  const result: StepTiming[] = [];
  const pending: StepTiming[][] = [[]];
  for (const t of timings) {
    while (pending.length <= t.depth + 1) pending.push([]);
    const children = pending[t.depth + 1] ?? [];
    pending[t.depth + 1] = [];
    (pending[t.depth] ??= []).push(t, ...children);
  }
  for (const level of pending) result.push(...level);
  return result;
}

export function formatSummary(timings: readonly StepTiming[], outputs: readonly OutputLine[], maxDepth = 1): string[] {
  const lines: string[] = ['', 'step                                            seconds'];
  for (const t of inStartOrder(timings)) {
    if (t.depth > maxDepth) continue;
    const name = `${'  '.repeat(t.depth)}${t.name}${t.ok ? '' : ' (failed)'}`;
    lines.push(`${name.padEnd(46).slice(0, 46)} ${t.seconds.toFixed(1).padStart(8)}`);
  }
  if (outputs.length > 0) {
    lines.push('', 'output      size        path');
    for (const o of outputs) lines.push(`${o.type.padEnd(11)} ${formatBytes(o.bytes).padStart(10)}  ${o.path}`);
  }
  return lines;
}
