import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsdibError } from '../../../src/errors.js';
import { applyVmDefault, requestedElements, resolveElements } from '../../../src/elements/resolve.js';
import { makeTree, NO_BUILTINS, type Tree } from './fixture-tree.js';

describe('requested elements', () => {
  it.each([
    [['debian', 'vm'], 'amd64', ['debian', 'vm', 'block-device-mbr']],
    [['debian', 'vm'], 'arm64', ['debian', 'vm', 'block-device-efi']],
    [['debian', 'vm'], 'aarch64', ['debian', 'vm', 'block-device-efi']],
    [['debian', 'vm', 'block-device-gpt'], 'amd64', ['debian', 'vm', 'block-device-gpt']],
    [['debian', 'vm', 'block-device-whatever'], 'arm64', ['debian', 'vm', 'block-device-whatever']],
    [['debian'], 'amd64', ['debian']],
  ])('vm default: %j on %s → %j', (names, arch, expected) => {
    expect(applyVmDefault(names, arch)).toEqual(expected);
  });

  it('prepends base unless skipped', () => {
    expect(requestedElements(['debian'], { arch: 'amd64' })).toEqual(['base', 'debian']);
    expect(requestedElements(['debian'], { arch: 'amd64', skipBase: true })).toEqual(['debian']);
  });

  it.each(['../etc', 'a/b', '..', 'has space', ''])('rejects the element name %j as ELEMENT_INVALID', (name) => {
    let err: unknown;
    try {
      requestedElements([name], { arch: 'amd64' });
    } catch (e) {
      err = e;
    }
    expect((err as TsdibError).code).toBe('ELEMENT_INVALID');
    expect((err as TsdibError).exitCode).toBe(2);
  });
});

describe('resolveElements', () => {
  let tree: Tree;
  beforeAll(async () => {
    tree = await makeTree({
      user: {
        base: { 'element-deps': ['helper'] },
        os: { 'element-provides': ['operating-system'] },
        vm: { 'element-deps': ['block-device'] },
        'block-device-mbr': { 'element-provides': ['block-device'] },
      },
      builtin: {
        base: {},
        helper: {},
        'block-device-mbr': { 'element-provides': ['block-device'] },
        unused: {},
      },
    });
  });
  afterAll(() => tree.remove());

  it('searches ELEMENTS_PATH before the built-in folder and warns only for overrides it uses', async () => {
    const r = await resolveElements({ names: ['os', 'vm'], elementsPath: tree.dir('user'), arch: 'amd64', builtinDir: tree.dir('builtin') });
    expect(r.requested).toEqual(['base', 'os', 'vm', 'block-device-mbr']);
    expect(r.elements.map((e) => [e.name, e.path])).toEqual([
      ['base', tree.dir('user/base')],
      ['os', tree.dir('user/os')],
      ['vm', tree.dir('user/vm')],
      ['block-device-mbr', tree.dir('user/block-device-mbr')],
      ['helper', tree.dir('builtin/helper')],
    ]);
    expect(r.warnings).toEqual([
      `element base: ${tree.dir('user/base')} overrides ${tree.dir('builtin/base')}`,
      `element block-device-mbr: ${tree.dir('user/block-device-mbr')} overrides ${tree.dir('builtin/block-device-mbr')}`,
    ]);
    expect(r.searchPath).toEqual([tree.dir('user'), tree.dir('builtin')]);
  });

  it('without ELEMENTS_PATH only the built-in folder is searched', async () => {
    const e = await resolveElements({ names: ['os'], elementsPath: '', arch: 'amd64', builtinDir: tree.dir('builtin') }).catch((x: TsdibError) => x);
    expect((e as TsdibError).code).toBe('ELEMENT_NOT_FOUND');
    expect((e as TsdibError).context.details).toEqual([`searched: ${tree.dir('builtin')}`]);
  });

  it('does not need the built-in folder to exist', async () => {
    const r = await resolveElements({ names: ['os'], elementsPath: tree.dir('user'), skipBase: true, arch: 'amd64', builtinDir: NO_BUILTINS });
    expect(r.elements.map((e) => e.name)).toEqual(['os']);
  });
});
