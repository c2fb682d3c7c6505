import { describe, expect, it } from 'vitest';
import { junitXml, xmlEscape } from '../../../src/vm/junit.js';

const suite = {
  name: 'debian.qcow2 (bios)',
  classname: 'tsdib.debian.bios',
  seconds: 61.5,
  properties: { firmware: 'bios', accelerator: 'tcg' },
  checks: [
    { name: 'good.sh', status: 'passed' as const, exitCode: 0, seconds: 0.2, output: 'ok <3 & more\n' },
    { name: 'bad.sh', status: 'failed' as const, exitCode: 1, seconds: 0.1, output: 'went "wrong"\u0007\n' },
  ],
};

describe('junitXml', () => {
  it('writes one testcase per check, a failure for the failing one, and counts that match', () => {
    const xml = junitXml(suite);
    expect(xml).toContain('<testsuites name="tsdib test" tests="2" failures="1" errors="0" time="61.500">');
    expect(xml).toContain('<testcase name="good.sh" classname="tsdib.debian.bios" time="0.200">\n      <system-out>ok &lt;3 &amp; more\n</system-out>');
    expect(xml).toContain('<failure type="exit" message="exited 1">went &quot;wrong&quot;\ufffd\n</failure>');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
  });

  it('makes checks that never ran errors, with the reason', () => {
    const xml = junitXml({ ...suite, checks: [{ name: 'a', status: 'not-run', output: '' }], runProblem: 'the timeout (900 s) passed' });
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('<error type="not-run" message="not run: the timeout (900 s) passed"/>');
  });

  it('escapes markup and replaces characters XML cannot hold', () => {
    expect(xmlEscape('<a b="c">&\u0001')).toBe('&lt;a b=&quot;c&quot;&gt;&amp;\ufffd');
  });
});
