import { afterEach, describe, expect, it } from 'vitest';
import { TsdibError } from '../../../src/errors.js';
import { readElement } from '../../../src/elements/element.js';
import { parseListFile } from '../../../src/elements/list-file.js';
import { makeTree, type Tree } from './fixture-tree.js';

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.remove();
  tree = undefined;
});

describe('element-deps / element-provides parsing', () => {
  it('ignores blank lines, whole-line and trailing # comments and repeats', () => {
    expect(parseListFile('# deps of x\n\nfoo\n  bar  \nbaz # needed for y\nfoo\n', 'element-deps')).toEqual(['foo', 'bar', 'baz']);
  });

  it('rejects a name with a path separator, naming file and line', () => {
    let e: unknown;
    try {
      parseListFile('ok\n../evil\n', '/x/element-deps');
    } catch (err) {
      e = err;
    }
    expect((e as TsdibError).code).toBe('ELEMENT_INVALID');
    expect((e as TsdibError).message).toContain('/x/element-deps line 2');
  });
});

describe('readElement', () => {
  it('finds deps, provides, phase dirs, environment.d, package-installs, pkg-map, README and block-device files', async () => {
    tree = await makeTree({
      d: {
        full: {
          'element-deps': ['a', 'b'],
          'element-provides': ['operating-system'],
          files: {
            'install.d/10-x': 'x',
            'root.d/10-y': 'x',
            'environment.d/10-env': { text: '' },
            'package-installs.yaml': { text: 'vim:\n' },
            'pkg-map': { text: '{}' },
            'README.rst': { text: '====\nfull\n====\nA full element.\n' },
            'block-device-default.yaml': { text: '- local_loop: {name: image0}\n' },
            'block-device-ppc64el.yaml': { text: '' },
            'static/etc/x': { text: '' },
          },
        },
        empty: {},
      },
    });
    const e = await readElement({ name: 'full', path: tree.dir('d/full') });
    expect(e.deps).toEqual(['a', 'b']);
    expect(e.provides).toEqual(['operating-system']);
    expect(e.phases).toEqual(['root.d', 'install.d']);
    expect(e.environmentDir).toBe(tree.dir('d/full/environment.d'));
    expect(e.packageInstalls).toEqual([tree.dir('d/full/package-installs.yaml')]);
    expect(e.pkgMap).toBe(tree.dir('d/full/pkg-map'));
    expect(e.readme).toBe(tree.dir('d/full/README.rst'));
    expect(e.blockDeviceDefault).toBe(tree.dir('d/full/block-device-default.yaml'));
    expect(e.blockDeviceByArch).toEqual({ ppc64el: tree.dir('d/full/block-device-ppc64el.yaml') });

    const empty = await readElement({ name: 'empty', path: tree.dir('d/empty') });
    expect(empty).toMatchObject({ deps: [], provides: [], phases: [], environmentDir: undefined, packageInstalls: [], readme: undefined });
  });
});
