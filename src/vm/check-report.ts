/**
 * Reads what the runner wrote on ttyS1 into one result per check. A check the runner never
 * finished (the guest hung, the timeout passed, it never booted) has no exit code: it is reported
 * as not run or unfinished, never as passed.
 */
import { REPORT_TAG, guestCheckName } from './test-runner.js';

export type CheckStatus = 'passed' | 'failed' | 'timed-out' | 'unfinished' | 'not-run';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  exitCode?: number;
  seconds?: number;
  output: string;
}

export interface RunnerReport {
  /** The runner started (the guest booted far enough). */
  began: boolean;
  /** `systemctl is-system-running` when the runner began: running, degraded, … */
  systemState?: string;
  /** Every check got its END line. */
  done: boolean;
  checks: CheckResult[];
}

/** `timeout` exits 124 when it ended the check, 137 when it had to kill it. */
const TIMEOUT_EXITS = new Set([124, 137]);

export function parseRunnerReport(text: string, checkPaths: readonly string[]): RunnerReport {
  const byGuestName = new Map<string, CheckResult>();
  const results = checkPaths.map((p, i) => {
    const r: CheckResult = { name: p, status: 'not-run', output: '' };
    byGuestName.set(guestCheckName(i, p), r);
    return r;
  });
  let began = false;
  let done = false;
  let systemState: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const at = line.indexOf(`${REPORT_TAG} `);
    if (at < 0) continue;
    const [word, name, ...rest] = line.slice(at + REPORT_TAG.length + 1).split(' ');
    const r = name !== undefined ? byGuestName.get(name) : undefined;
    if (word === 'BEGIN') {
      began = true;
      systemState = name || undefined;
    } else if (word === 'DONE') done = true;
    else if (word === 'START' && r) r.status = 'unfinished';
    else if (word === 'OUTPUT' && r) r.output = Buffer.from(rest[0] ?? '', 'base64').toString('utf8');
    else if (word === 'END' && r) {
      const exitCode = Number(rest[0]);
      r.exitCode = exitCode;
      r.seconds = Number(rest[1]) / 1000;
      r.status = exitCode === 0 ? 'passed' : TIMEOUT_EXITS.has(exitCode) ? 'timed-out' : 'failed';
    }
  }
  return { began, done, checks: results, ...(systemState ? { systemState } : {}) };
}
