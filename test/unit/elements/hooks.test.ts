import { afterEach, describe, expect, it } from 'vitest';
import { TsdibError } from '../../../src/errors.js';
import { readElement, type Element } from '../../../src/elements/element.js';
import { collectHooks, describeSkipped } from '../../../src/elements/hooks.js';
import { PHASES } from '../../../src/elements/phases.js';
import { makeTree, type ElementSpec, type Tree } from './fixture-tree.js';

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.remove();
  tree = undefined;
});

async function elementsOf(spec: Record<string, ElementSpec>): Promise<Element[]> {
  tree = await makeTree({ d: spec });
  return Promise.all(Object.keys(spec).map((name) => readElement({ name, path: tree!.dir(`d/${name}`) })));
}

describe('collectHooks', () => {
  it('orders each phase across all elements by `sort -n` of the file name', async () => {
    const elements = await elementsOf({
      a: { files: { 'install.d/100-x': 'x', 'install.d/10-foo': 'x', 'install.d/nodigits': 'x' } },
      b: { files: { 'install.d/9-z': 'x', 'install.d/10-bar': 'x', 'root.d/50-root': 'x' } },
    });
    const plan = await collectHooks(elements);
    expect(plan.phases['install.d'].map((h) => `${h.script}@${h.element}`)).toEqual(['nodigits@a', '9-z@b', '10-bar@b', '10-foo@a', '100-x@a']);
    expect(plan.phases['root.d']).toEqual([{ element: 'b', phase: 'root.d', script: '50-root', path: tree!.dir('d/b/root.d/50-root'), inChroot: false }]);
    expect(plan.phases['install.d'][0]!.inChroot).toBe(true);
    expect(Object.keys(plan.phases)).toEqual([...PHASES]);
    expect(plan.phases['cleanup.d']).toEqual([]);
  });

  it('skips (and reports) names with a dot and files without the run bit', async () => {
    const elements = await elementsOf({
      a: { files: { 'install.d/50-foo.sh': 'x', 'install.d/60-plain': { text: 'x', mode: 0o644 }, 'install.d/70-ok': 'x' } },
    });
    const plan = await collectHooks(elements);
    expect(plan.phases['install.d'].map((h) => h.script)).toEqual(['70-ok']);
    expect(plan.skipped.map((s) => [s.file, s.reason])).toEqual([
      ['50-foo.sh', 'name'],
      ['60-plain', 'not-executable'],
    ]);
    expect(describeSkipped(plan.skipped[0]!)).toBe('element a: install.d/50-foo.sh is skipped because its name has characters outside [0-9A-Za-z_-] (no dots)');
  });

  it('follows symlinks to files, ignores sub-directories and reports dangling links', async () => {
    const elements = await elementsOf({
      a: {
        files: {
          'bin/tool': 'x',
          'install.d/10-link': { symlink: '../bin/tool' },
          'install.d/20-dangling': { symlink: '../bin/missing' },
          'install.d/foo-source-install/10-x': 'x',
        },
      },
    });
    const plan = await collectHooks(elements);
    expect(plan.phases['install.d'].map((h) => h.script)).toEqual(['10-link']);
    expect(plan.skipped.map((s) => [s.file, s.reason])).toEqual([['20-dangling', 'not-a-file']]);
  });

  it('fails with HOOK_DUPLICATE naming both paths when two elements have the same file in a phase', async () => {
    const elements = await elementsOf({ a: { files: { 'install.d/10-x': 'x' } }, b: { files: { 'install.d/10-x': 'x' } } });
    const e = (await collectHooks(elements).catch((x: unknown) => x)) as TsdibError;
    expect(e.code).toBe('HOOK_DUPLICATE');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe("install.d/10-x is in two elements: 'a' and 'b'");
    expect(e.context.details).toEqual([tree!.dir('d/a/install.d/10-x'), tree!.dir('d/b/install.d/10-x')]);
  });

  it('allows the same file name in different phases', async () => {
    const elements = await elementsOf({ a: { files: { 'install.d/10-x': 'x' } }, b: { files: { 'finalise.d/10-x': 'x' } } });
    const plan = await collectHooks(elements);
    expect(plan.phases['install.d']).toHaveLength(1);
    expect(plan.phases['finalise.d']).toHaveLength(1);
  });

  it('collects environment.d files of all elements in sort -n order, dots allowed, run bit not needed', async () => {
    const elements = await elementsOf({
      a: { files: { 'environment.d/10-a.bash': { text: 'export A=1' }, 'environment.d/99-late': { text: '' } } },
      b: { files: { 'environment.d/05-b.bash': { text: '' }, 'environment.d/bad name': { text: '' } } },
    });
    const plan = await collectHooks(elements);
    expect(plan.environment.map((f) => `${f.file}@${f.element}`)).toEqual(['05-b.bash@b', '10-a.bash@a', '99-late@a']);
    expect(plan.skipped.map((s) => [s.phase, s.file, s.reason])).toEqual([['environment.d', 'bad name', 'name']]);
  });

  it('treats the same environment.d file name in two elements as HOOK_DUPLICATE', async () => {
    const elements = await elementsOf({ a: { files: { 'environment.d/10-x': { text: '' } } }, b: { files: { 'environment.d/10-x': { text: '' } } } });
    await expect(collectHooks(elements)).rejects.toMatchObject({ code: 'HOOK_DUPLICATE' });
  });
});
