// `tsdib element new`: what it writes, that the result lints clean and builds into a hook plan.
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLint } from '../../../src/authoring/lint/run-lint.js';
import { parsePhases, scaffoldElement } from '../../../src/authoring/scaffold-element.js';
import { collectHooks } from '../../../src/elements/hooks.js';
import { resolveElements } from '../../../src/elements/resolve.js';
import { isTsdibError, type TsdibError } from '../../../src/errors.js';
import { runCli } from '../../helpers/cli.js';
import { NO_BUILTINS } from '../elements/fixture-tree.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdib-scaffold-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function failure(p: Promise<unknown>): Promise<TsdibError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isTsdibError(e)) throw new Error(`expected a TsdibError, got ${String(e)}`);
  return e;
}

/** An operating-system element so the resolver accepts a build of the new element. */
async function addOs(): Promise<void> {
  await mkdir(join(dir, 'test-os'));
  await writeFile(join(dir, 'test-os', 'element-provides'), 'operating-system\n');
}

describe('scaffoldElement', () => {
  it('writes the DIB layout: README, element-deps, environment.d, package-installs.yaml and an install.d hook', async () => {
    const r = await scaffoldElement({ name: 'my-tool', dir });
    expect(r.path).toBe(join(dir, 'my-tool'));
    expect(r.files).toEqual(['README.md', 'element-deps', 'environment.d/10-my-tool', 'package-installs.yaml', 'install.d/50-my-tool']);
    const hook = await readFile(join(r.path, 'install.d/50-my-tool'), 'utf8');
    expect(hook.split('\n').slice(0, 1)).toEqual(['#!/bin/bash']);
    expect(hook).toContain('\nif [ "${DIB_DEBUG_TRACE:-0}" -gt 0 ]; then set -x; fi\nset -eu\nset -o pipefail\n');
    expect(await mode(join(r.path, 'install.d/50-my-tool'))).toBe(0o755);
    expect(await mode(join(r.path, 'environment.d/10-my-tool'))).toBe(0o644);
    expect(await readFile(join(r.path, 'README.md'), 'utf8')).toMatch(/^# my-tool\n[\s\S]*## Environment variables[\s\S]*DIB_MY_TOOL_EXAMPLE[\s\S]*## Phases\n\n- `install\.d\/50-my-tool` \(in the chroot\)/);
    expect(await readFile(join(r.path, 'element-deps'), 'utf8')).toMatch(/^# /);
  });

  it('writes one hook per requested phase, in phase order, accepting names without .d', async () => {
    const r = await scaffoldElement({ name: 'multi', dir, phases: ['post-install.d', 'root', 'install.d', 'root.d'] });
    expect(r.files.filter((f) => f.includes('.d/') && !f.startsWith('environment.d'))).toEqual(['root.d/50-multi', 'install.d/50-multi', 'post-install.d/50-multi']);
    expect(await readFile(join(r.path, 'root.d/50-multi'), 'utf8')).toContain('"$TARGET_ROOT/');
  });

  it('passes lint-elements with no finding at all', async () => {
    await scaffoldElement({ name: 'linted', dir, phases: [...['root.d', 'extra-data.d', 'install.d', 'finalise.d', 'cleanup.d']] });
    const report = await runLint({ paths: [join(dir, 'linted')], elementsPath: '', builtinDir: NO_BUILTINS });
    expect(report.findings).toEqual([]);
  });

  it('is picked up by resolveElements and its hooks by collectHooks', async () => {
    await scaffoldElement({ name: 'picked', dir, phases: ['install.d', 'post-install.d'] });
    await addOs();
    const resolved = await resolveElements({ names: ['picked', 'test-os'], elementsPath: dir, skipBase: true, arch: 'amd64', builtinDir: NO_BUILTINS });
    expect(resolved.elements.map((e) => e.name)).toEqual(['picked', 'test-os']);
    const plan = await collectHooks(resolved.elements);
    expect(plan.phases['install.d'].map((h) => [h.element, h.script])).toEqual([['picked', '50-picked']]);
    expect(plan.phases['post-install.d'].map((h) => h.script)).toEqual(['50-picked']);
    expect(plan.environment.map((e) => e.file)).toEqual(['10-picked']);
    expect(plan.skipped).toEqual([]);
  });

  it('makes hook names DIB runs from an element name with a dot', async () => {
    const r = await scaffoldElement({ name: 'my.tool', dir });
    expect(r.files).toContain('install.d/50-my-tool');
    await addOs();
    const resolved = await resolveElements({ names: ['my.tool', 'test-os'], elementsPath: dir, skipBase: true, arch: 'amd64', builtinDir: NO_BUILTINS });
    expect((await collectHooks(resolved.elements)).phases['install.d'].map((h) => h.script)).toEqual(['50-my-tool']);
  });

  it('refuses to write into an existing directory (ELEMENT_INVALID, exit 2) and leaves it alone', async () => {
    await mkdir(join(dir, 'taken'));
    await writeFile(join(dir, 'taken', 'keep'), 'mine\n');
    const e = await failure(scaffoldElement({ name: 'taken', dir }));
    expect([e.code, e.exitCode, e.context.path]).toEqual(['ELEMENT_INVALID', 2, join(dir, 'taken')]);
    expect(await readdir(join(dir, 'taken'))).toEqual(['keep']);
  });

  it.each([
    ['a/b', 'contains a path separator'],
    ['..', 'contains ".."'],
    ['has space', 'contains whitespace'],
    ['', 'is empty'],
  ])('rejects the element name %j (%s)', async (name, why) => {
    const e = await failure(scaffoldElement({ name, dir }));
    expect([e.code, e.exitCode]).toEqual(['ELEMENT_INVALID', 2]);
    expect(e.message).toContain(why);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([[['instal.d']], [['install.d', 'nope']], [[]]])('rejects the phase list %j (FLAG_INVALID)', (phases) => {
    let caught: unknown;
    try {
      parsePhases(phases);
    } catch (e) {
      caught = e;
    }
    expect(isTsdibError(caught) && caught.code).toBe('FLAG_INVALID');
  });

  it('suggests the phase meant', () => {
    try {
      parsePhases(['instal']);
      expect.unreachable();
    } catch (e) {
      expect(isTsdibError(e) && e.context.hint).toBe("did you mean 'install.d'?");
    }
  });
});

describe('tsdib element new', () => {
  it('creates the element, lists its files, and exits 2 the second time', () => {
    const first = runCli(['element', 'new', 'cli-made', '--dir', dir, '--phases', 'install.d,finalise.d']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`created ${join(dir, 'cli-made')}\n`);
    expect(first.stdout).toContain('  finalise.d/50-cli-made\n');
    const lint = runCli(['lint-elements', join(dir, 'cli-made')], { env: { ELEMENTS_PATH: '' } });
    expect([lint.status, lint.stdout]).toEqual([0, '']);
    const again = runCli(['element', 'new', 'cli-made', '--dir', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('error ELEMENT_INVALID:');
    expect(runCli(['element', 'new', 'x', '--dir', dir, '--phases', 'bogus']).status).toBe(2);
  });
});
