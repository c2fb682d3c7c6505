// A user's tree written for DIB's element library resolves from tsdib's built-in elements alone,
// and a tree on ELEMENTS_PATH (DIB's, for one) wins over the built-ins of the same name.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinElementsDir } from '../../../src/elements/discover.js';
import { resolveElements } from '../../../src/elements/resolve.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { makeTree, type Tree } from './fixture-tree.js';

const USER_TREE = join(REPO_ROOT, 'test', 'fixtures', 'dib-library-user');
const BUILTIN = join(REPO_ROOT, 'elements');

describe("DIB's library elements, built in", () => {
  it('the built-in folder is the repository\'s elements/', () => {
    expect(builtinElementsDir().replace(/\/$/, '')).toBe(BUILTIN);
  });

  it('a user element depending on install-static, pkg-map, package-installs, dib-init-system… resolves without DIB', async () => {
    const r = await resolveElements({ names: ['debian-minimal', 'my-service'], elementsPath: USER_TREE, arch: 'amd64', builtinDir: BUILTIN });
    const where = Object.fromEntries(r.elements.map((e) => [e.name, e.path]));
    expect(where['my-service']).toBe(join(USER_TREE, 'my-service'));
    for (const name of ['install-static', 'pkg-map', 'package-installs', 'dib-init-system', 'source-repositories', 'manifests', 'install-bin']) {
      expect(where[name], name).toBe(join(BUILTIN, name));
    }
    expect(r.warnings).toEqual([]);
  });

  it.each([
    [['debian', 'vm', 'cloud-init', 'openssh-server'], ['cloud-init', 'openssh-server', 'runtime-ssh-host-keys', 'dib-init-system', 'install-static']],
    [['ubuntu-minimal', 'cloud-init-datasources', 'enable-serial-console', 'no-final-image'], ['ubuntu-minimal', 'cloud-init-datasources', 'enable-serial-console', 'no-final-image']],
  ])('%j resolves from the built-ins', async (names, expected) => {
    const r = await resolveElements({ names, elementsPath: '', arch: 'amd64', builtinDir: BUILTIN });
    expect(r.elements.map((e) => e.name)).toEqual(expect.arrayContaining(expected));
  });
});

describe('precedence: ELEMENTS_PATH before the built-ins', () => {
  let tree: Tree;
  beforeAll(async () => {
    // the shape of DIB's tree: its own cloud-init and pkg-map (no README needed to resolve)
    tree = await makeTree({ dib: { 'cloud-init': { 'element-deps': ['package-installs'] }, 'pkg-map': {} } });
  });
  afterAll(() => tree.remove());

  it("DIB's elements on ELEMENTS_PATH hide the built-in ones, with a warning per element used", async () => {
    const r = await resolveElements({ names: ['debian', 'cloud-init'], elementsPath: tree.dir('dib'), arch: 'amd64', builtinDir: BUILTIN });
    const where = Object.fromEntries(r.elements.map((e) => [e.name, e.path]));
    expect(where['cloud-init']).toBe(join(tree.dir('dib'), 'cloud-init'));
    expect(where['pkg-map']).toBe(join(tree.dir('dib'), 'pkg-map'));
    expect(where['package-installs']).toBe(join(BUILTIN, 'package-installs'));
    expect(r.warnings).toEqual(expect.arrayContaining([`element cloud-init: ${join(tree.dir('dib'), 'cloud-init')} overrides ${join(BUILTIN, 'cloud-init')}`]));
  });
});
