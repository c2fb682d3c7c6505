// The lint runner (suppressions, --ignore, order, counts), target discovery and the CLI's output and exit codes.
import { chmod, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../../../../src/authoring/lint/format-findings.js';
import { findLintTargets } from '../../../../src/authoring/lint/lint-targets.js';
import { runLint } from '../../../../src/authoring/lint/run-lint.js';
import { isTsdibError } from '../../../../src/errors.js';
import { runCli } from '../../../helpers/cli.js';
import { NO_BUILTINS } from '../../elements/fixture-tree.js';
import { brief, GOOD_HOOK, lintSpec } from './lint-fixture.js';

describe('lintElements', () => {
  it('drops findings of rules a file disables with "# dib-lint: disable="', async () => {
    const text = '#!/bin/bash\n# dib-lint: disable=setu setpipefail dibdebugtrace\nset -e\n';
    const { report, root } = await lintSpec({ a: { files: { 'install.d/50-a': { text, mode: 0o755 } } } });
    expect(brief(report, root)).toEqual([]);
    const without = await lintSpec({ a: { files: { 'install.d/50-a': { text: text.replace(/# dib-lint.*\n/, ''), mode: 0o755 } } } });
    expect(brief(without.report, without.root)).toEqual(['a/install.d/50-a:1 setu', 'a/install.d/50-a:1 setpipefail', 'a/install.d/50-a:1 dibdebugtrace']);
  });

  it('drops every finding of an ignored rule', async () => {
    const { report } = await lintSpec({ 'no-readme-x': {}, 'no-readme-y': {} }, { ignore: ['readme'] });
    expect(report.findings).toEqual([]);
  });

  it('counts errors and warnings and sorts by path, then line', async () => {
    const { report, root } = await lintSpec({
      b: { files: { 'root.d/50-b': { text: `${GOOD_HOOK}sudo rm -rf /x\n`, mode: 0o755 } } },
      a: { 'element-deps': ['nosuch'], files: { 'install.d/50-a.sh': { text: GOOD_HOOK, mode: 0o755 } } },
    });
    expect(brief(report, root)).toEqual(['a/element-deps:1 deps-exist', 'a/install.d/50-a.sh skipped-hook', 'b/root.d/50-b:7 safe_sudo']);
    expect(report).toMatchObject({ errors: 2, warnings: 1, elements: 2 });
    expect(report.findings.map((f) => f.element)).toEqual(['a', 'a', 'b']);
  });

  it('formats a finding as path:line: rule: message, warnings marked', async () => {
    const { report, root } = await lintSpec({ b: { files: { 'root.d/50-b': { text: `${GOOD_HOOK}sudo rm -rf /x\n`, mode: 0o755 } } } });
    expect(formatFinding(report.findings[0]!, root)).toMatch(/^b\/root\.d\/50-b:7: safe_sudo: warning: potentially unsafe sudo/);
    expect(formatFinding({ ...report.findings[0]!, line: undefined, severity: 'error' }, '/elsewhere')).toMatch(new RegExp(`^${root}/b/root\\.d/50-b: safe_sudo: potentially`));
  });
});

describe('lint targets and the CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsdib-lint-'));
    const write = async (rel: string, text: string, mode = 0o644) => {
      await mkdir(join(dir, rel, '..'), { recursive: true });
      await writeFile(join(dir, rel), text);
      await chmod(join(dir, rel), mode);
    };
    await write('clean/good/README.md', '# good\n\nFine.\n');
    await write('clean/good/install.d/50-good', GOOD_HOOK, 0o755);
    await write('warn/w/README.md', '# w\n\nWarns.\n');
    await write('warn/w/install.d/50-w', `${GOOD_HOOK}if true; then\n  echo\nfi\n`, 0o755);
    await write('bad/broken/README.md', '# broken\n\nBroken.\n');
    await write('bad/broken/install.d/50-broken.sh', GOOD_HOOK, 0o755);
    await write('only-readme/README.md', '# new\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const env = () => ({ ELEMENTS_PATH: '' });

  it('takes a directory of elements, an element directory, or a bare element with only a README', async () => {
    const opts = { elementsPath: '', builtinDir: NO_BUILTINS };
    expect((await findLintTargets([join(dir, 'clean')], opts)).targets.map((t) => t.name)).toEqual(['good']);
    expect((await findLintTargets([join(dir, 'clean/good')], opts)).targets.map((t) => t.name)).toEqual(['good']);
    expect((await findLintTargets([join(dir, 'only-readme')], opts)).targets.map((t) => t.name)).toEqual(['only-readme']);
  });

  it('with no PATH lints ELEMENTS_PATH and the built-in folder', async () => {
    const { targets } = await findLintTargets([], { elementsPath: `${join(dir, 'clean')}:${join(dir, 'bad')}`, builtinDir: NO_BUILTINS });
    expect(targets.map((t) => t.name)).toEqual(['broken', 'good']);
    const report = await runLint({ paths: [], elementsPath: join(dir, 'bad'), builtinDir: NO_BUILTINS });
    expect(report.findings.map((f) => f.rule)).toEqual(['skipped-hook']);
  });

  it('refuses a PATH that does not exist and an unknown --ignore rule (FLAG_INVALID)', async () => {
    const missing = await runLint({ paths: [join(dir, 'nope')], builtinDir: NO_BUILTINS }).catch((e: unknown) => e);
    expect(isTsdibError(missing) && missing.code).toBe('FLAG_INVALID');
    const unknown = await runLint({ paths: [join(dir, 'clean')], ignore: ['sudo'], builtinDir: NO_BUILTINS }).catch((e: unknown) => e);
    expect(isTsdibError(unknown) && unknown.code).toBe('FLAG_INVALID');
  });

  it('exits 0 when clean, 0 with only warnings (1 with --strict), 1 with errors, 2 for a bad path', () => {
    const clean = runCli(['lint-elements', join(dir, 'clean')], { env: env() });
    expect([clean.status, clean.stdout]).toEqual([0, '']);
    expect(clean.stderr).toContain('0 errors, 0 warnings in 1 element');
    const warn = runCli(['lint-elements', join(dir, 'warn')], { env: env(), cwd: dir });
    expect(warn.status).toBe(0);
    expect(warn.stdout).toBe('warn/w/install.d/50-w:8: indent: warning: indent is not a multiple of 4 spaces (line 8)\n');
    expect(runCli(['lint-elements', '--strict', join(dir, 'warn')], { env: env() }).status).toBe(1);
    const bad = runCli(['lint-elements', join(dir, 'bad'), join(dir, 'clean')], { env: env(), cwd: dir });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^bad\/broken\/install\.d\/50-broken\.sh: skipped-hook: .*rename it to install\.d\/50-broken\n$/);
    expect(bad.stderr).toContain('1 error, 0 warnings in 2 elements');
    expect(runCli(['lint-elements', '--ignore', 'skipped-hook', join(dir, 'bad')], { env: env() }).status).toBe(0);
    const json = runCli(['lint-elements', '--json', join(dir, 'bad')], { env: env() });
    expect(JSON.parse(json.stdout)).toMatchObject({ errors: 1, warnings: 0, findings: [{ rule: 'skipped-hook', element: 'broken' }] });
    expect(runCli(['lint-elements', join(dir, 'nope')], { env: env() }).status).toBe(2);
  });
});
