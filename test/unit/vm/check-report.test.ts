import { describe, expect, it } from 'vitest';
import { parseRunnerReport } from '../../../src/vm/check-report.js';
import { guestCheckName } from '../../../src/vm/test-runner.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const checks = ['checks/good.sh', 'other/good.sh', 'slow.sh'];
const [good, good2, slow] = checks.map((c, i) => guestCheckName(i, c));

describe('parseRunnerReport', () => {
  it('gives each check its status, exit code, seconds and output, by position even when names repeat', () => {
    const report = [
      'TSDIB-TEST BEGIN degraded',
      `TSDIB-TEST START ${good}`,
      `TSDIB-TEST OUTPUT ${good} ${b64('all fine\n')}`,
      `TSDIB-TEST END ${good} 0 1234`,
      `TSDIB-TEST START ${good2}`,
      `TSDIB-TEST OUTPUT ${good2} ${b64('broken\n')}`,
      `TSDIB-TEST END ${good2} 2 50`,
      `TSDIB-TEST START ${slow}`,
      `TSDIB-TEST OUTPUT ${slow} `,
      `TSDIB-TEST END ${slow} 124 300000`,
      'TSDIB-TEST DONE',
    ].join('\r\n');
    const r = parseRunnerReport(report, checks);
    expect(r).toMatchObject({ began: true, done: true, systemState: 'degraded' });
    expect(r.checks).toEqual([
      { name: 'checks/good.sh', status: 'passed', exitCode: 0, seconds: 1.234, output: 'all fine\n' },
      { name: 'other/good.sh', status: 'failed', exitCode: 2, seconds: 0.05, output: 'broken\n' },
      { name: 'slow.sh', status: 'timed-out', exitCode: 124, seconds: 300, output: '' },
    ]);
  });

  it('never reports a check as passed that did not end: unfinished when it started, not run when not', () => {
    const r = parseRunnerReport(['TSDIB-TEST BEGIN running', `TSDIB-TEST START ${good}`].join('\n'), checks);
    expect(r.done).toBe(false);
    expect(r.checks.map((c) => c.status)).toEqual(['unfinished', 'not-run', 'not-run']);
  });

  it('says the runner never began when the port stayed empty, and ignores noise before a tag', () => {
    expect(parseRunnerReport('', checks)).toMatchObject({ began: false, done: false });
    const r = parseRunnerReport(`\u0000garbage TSDIB-TEST BEGIN running\nTSDIB-TEST START ${good}\nTSDIB-TEST END ${good} 0 5\n`, checks);
    expect(r.began).toBe(true);
    expect(r.checks[0]!.status).toBe('passed');
  });
});

describe('guestCheckName', () => {
  it('keeps the order and makes a safe file name', () => {
    expect(guestCheckName(0, '/a/b/my check.sh')).toBe('001-my_check.sh');
    expect(guestCheckName(11, 'x')).toBe('012-x');
  });
});
