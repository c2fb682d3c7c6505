/**
 * The one summary printed at the end of a build: each step's seconds (top-level steps; nested ones
 * indented down to `maxDepth`) and the total, each output with its size, path and sha256, where the
 * whole log is, and the next step (`tsdib boot` for a disk image). Quiet builds get the outputs only.
 */
import type { StepTiming } from '../log.js';

export interface OutputLine {
  type: string;
  path: string;
  bytes: number;
  /** Hex; empty when there is none (docker gives an image id). */
  sha256?: string;
}

export interface SummaryOptions {
  /** Deepest nesting of steps to list (0: top-level steps only). */
  maxDepth?: number;
  /** Outputs, log and next step only: no step table. */
  quiet?: boolean;
  totalSeconds?: number;
  /** Where the whole log is. */
  logfile?: string;
  /** The command that uses the result, e.g. `tsdib boot out/debian.qcow2`. */
  next?: string;
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

const row = (name: string, seconds: number) => `${name.padEnd(46).slice(0, 46)} ${seconds.toFixed(1).padStart(8)}`;

export function formatSummary(timings: readonly StepTiming[], outputs: readonly OutputLine[], opts: SummaryOptions = {}): string[] {
  const lines: string[] = [];
  if (!opts.quiet) {
    lines.push('', 'step                                            seconds');
    for (const t of inStartOrder(timings)) {
      // a step that took no time and did not fail tells nothing (the log file has it)
      if (t.depth > (opts.maxDepth ?? 0) || (t.ok && t.seconds < 0.05)) continue;
      lines.push(row(`${'  '.repeat(t.depth)}${t.name}${t.ok ? '' : ' (failed)'}`, t.seconds));
    }
    if (opts.totalSeconds !== undefined) lines.push(row('total', opts.totalSeconds));
  }
  if (outputs.length > 0) {
    lines.push('', 'output      size        path');
    for (const o of outputs) {
      lines.push(`${o.type.padEnd(11)} ${formatBytes(o.bytes).padStart(10)}  ${o.path}`);
      if (o.sha256) lines.push(`${''.padEnd(24)}sha256 ${o.sha256}`);
    }
  }
  if (opts.logfile || opts.next) lines.push('');
  if (opts.logfile) lines.push(`log: ${opts.logfile}`);
  if (opts.next) lines.push(`next: ${opts.next}`);
  return lines;
}
