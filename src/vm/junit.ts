/**
 * JUnit XML for `tsdib test --junit FILE`: one testsuite (the image under one firmware), one
 * testcase per check. A failing check is a <failure>; a check that never ran or never finished
 * is an <error> (the run broke, not the check). Output goes to <system-out>.
 */
import type { CheckResult } from './check-report.js';

export interface JunitSuite {
  name: string;
  /** The check's class name in CI reports, e.g. tsdib.debian.bios. */
  classname: string;
  seconds: number;
  properties: Record<string, string>;
  checks: readonly CheckResult[];
  /** Why checks did not run or finish (the boot failed, the timeout passed). */
  runProblem?: string;
}

// eslint-disable-next-line no-control-regex
const NOT_XML = /[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function xmlEscape(s: string): string {
  return s.replace(NOT_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function testcase(c: CheckResult, classname: string, runProblem: string | undefined): string {
  const head = `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(classname)}" time="${(c.seconds ?? 0).toFixed(3)}"`;
  const body: string[] = [];
  if (c.status === 'failed') body.push(`      <failure type="exit" message="exited ${c.exitCode}">${xmlEscape(c.output)}</failure>`);
  else if (c.status === 'timed-out') body.push(`      <failure type="timeout" message="timed out (exit ${c.exitCode})">${xmlEscape(c.output)}</failure>`);
  else if (c.status === 'unfinished') body.push(`      <error type="unfinished" message="${xmlEscape(`did not finish: ${runProblem ?? 'the run ended'}`)}"/>`);
  else if (c.status === 'not-run') body.push(`      <error type="not-run" message="${xmlEscape(`not run: ${runProblem ?? 'the run ended'}`)}"/>`);
  if (c.output && c.status !== 'failed' && c.status !== 'timed-out') body.push(`      <system-out>${xmlEscape(c.output)}</system-out>`);
  return body.length === 0 ? `${head}/>` : `${head}>\n${body.join('\n')}\n    </testcase>`;
}

export function junitXml(suite: JunitSuite): string {
  const failures = suite.checks.filter((c) => c.status === 'failed' || c.status === 'timed-out').length;
  const errors = suite.checks.filter((c) => c.status === 'unfinished' || c.status === 'not-run').length;
  const counts = `tests="${suite.checks.length}" failures="${failures}" errors="${errors}" time="${suite.seconds.toFixed(3)}"`;
  const properties = Object.entries(suite.properties).map(([k, v]) => `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tsdib test" ${counts}>`,
    `  <testsuite name="${xmlEscape(suite.name)}" ${counts}>`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...suite.checks.map((c) => testcase(c, suite.classname, suite.runProblem)),
    ...(suite.runProblem ? [`    <system-err>${xmlEscape(suite.runProblem)}</system-err>`] : []),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
