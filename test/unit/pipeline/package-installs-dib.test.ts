// DIB's package-installs semantics (diskimage-builder's elements/package-installs/tests/
// test_package_squash.py and bin/package-installs-squash), as cases of our own against
// src/pipeline/package-installs.ts. DIB's ARCH for an x86_64 build is `amd64`.
import { afterAll, describe, expect, it } from 'vitest';
import { computePackageLists, type PackageLists } from '../../../src/pipeline/package-installs.js';
import { packageInstallsElement, removeTestElements } from '../../helpers/package-installs-element.js';

afterAll(removeTestElements);

const element = (name: string, data: unknown, ext: 'yaml' | 'json' = 'json') => packageInstallsElement(name, data, ext);

/** Only the non-empty lists, as `{ 'install.d': { install: [...] } }` (DIB's squashed JSON shape). */
function squashed(lists: PackageLists): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const kind of ['install', 'uninstall'] as const) {
    for (const [phase, pkgs] of Object.entries(lists[kind])) {
      if (pkgs.length === 0) continue;
      (out[phase] ??= {})[kind] = [...pkgs].sort();
    }
  }
  return out;
}

const squash = async (data: unknown, arch: string, env: Record<string, string>) => squashed(await computePackageLists([element('test_element', data)], arch, env));

describe('package-installs, DIB semantics', () => {
  it('installs a package given with no options ("" or null) in install.d', async () => {
    expect(await squash({ test_package: '', other: null }, 'amd64', {})).toEqual({ 'install.d': { install: ['other', 'test_package'] } });
  });

  it('reads the YAML form too', async () => {
    const e = element('yaml_element', 'test_package:\nearly:\n  phase: pre-install.d\n', 'yaml');
    expect(squashed(await computePackageLists([e], 'amd64', {}))).toEqual({ 'pre-install.d': { install: ['early'] }, 'install.d': { install: ['test_package'] } });
  });

  it('keeps arch-listed packages only on those arches and drops not-arch ones there', async () => {
    const objs = { test_package: '', test_arm64_package: { arch: 'arm64' }, do_not_install: { 'not-arch': 'arm64' } };
    expect(await squash(objs, 'arm64', {})).toEqual({ 'install.d': { install: ['test_arm64_package', 'test_package'] } });
    expect(await squash(objs, 'amd64', {})).toEqual({ 'install.d': { install: ['do_not_install', 'test_package'] } });
  });

  it.each([
    ['arch list', { p: { arch: 'ppc64el,amd64' } }, ['p']],
    ['arch list without the build arch', { p: { arch: 'ppc64el,arm64' } }, []],
    ['not-arch list with the build arch', { p: { 'not-arch': 'arm64,amd64' } }, []],
  ])('%s', async (_name, objs, expected) => {
    const r = await squash(objs, 'amd64', {});
    expect(r['install.d']?.['install'] ?? []).toEqual(expected);
  });

  it('rejects a package with both arch and not-arch', async () => {
    await expect(squash({ p: { arch: 'amd64', 'not-arch': 'arm64' } }, 'amd64', {})).rejects.toThrow(/both arch and not-arch/);
  });

  describe('when', () => {
    const objs = {
      skipped_package: { when: 'DIB_FEATURE=0' },
      not_skipped_package: { when: 'DIB_FEATURE=1' },
      not_equal_package: { when: 'DIB_FEATURE!=0' },
      not_equal_skipped_package: { when: 'DIB_FEATURE!=1' },
      spaced_package: { when: 'DIB_FEATURE = 1' },
    };

    it('installs when VAR=value / VAR!=value hold, with or without spaces', async () => {
      expect(await squash(objs, 'amd64', { DIB_FEATURE: '1' })).toEqual({ 'install.d': { install: ['not_equal_package', 'not_skipped_package', 'spaced_package'] } });
    });

    it('fails when the variable is not set (DIB: "The variable <X> is not set")', async () => {
      await expect(squash({ package: { when: 'MISSING_VAR=1' } }, 'amd64', {})).rejects.toThrow(/MISSING_VAR is not set/);
    });

    it('counts an empty value as set', async () => {
      expect(await squash({ p: { when: 'DIB_EMPTY != ' } }, 'amd64', { DIB_EMPTY: '' })).toEqual({});
      expect(await squash({ p: { when: 'DIB_EMPTY = ' } }, 'amd64', { DIB_EMPTY: '' })).toEqual({ 'install.d': { install: ['p'] } });
    });

    it('needs every statement of a list to hold', async () => {
      const env = { DIB_A_FEATURE: '1', DIB_B_FEATURE: '1', DIB_C_FEATURE: '1' };
      const lists = {
        not_skipped_package: { when: ['DIB_A_FEATURE=1', 'DIB_B_FEATURE=1', 'DIB_C_FEATURE=1'] },
        skipped_package: { when: ['DIB_A_FEATURE=1', 'DIB_B_FEATURE=0', 'DIB_C_FEATURE=1'] },
      };
      expect(await squash(lists, 'amd64', env)).toEqual({ 'install.d': { install: ['not_skipped_package'] } });
    });

    it('rejects a malformed statement', async () => {
      await expect(squash({ p: { when: 'no operator here' } }, 'amd64', {})).rejects.toThrow(/is not "VAR = value"/);
    });
  });

  describe('the list-of-params form (one package, several alternatives)', () => {
    // DIB's kernel case: each item of the list is considered on its own
    const kernelObjs = {
      'linux-image-generic': [
        { 'not-arch': 'arm64', when: 'DIB_UBUNTU_KERNEL = linux-image-generic' },
        { arch: 'arm64', when: ['DIB_RELEASE != xenial', 'DIB_UBUNTU_KERNEL = linux-image-generic'] },
      ],
      'linux-generic-hwe-16.04': { arch: 'arm64', when: ['DIB_RELEASE = xenial', 'DIB_UBUNTU_KERNEL = linux-image-generic'] },
    };
    it.each([
      ['amd64', 'focal', 'linux-image-generic'],
      ['arm64', 'xenial', 'linux-generic-hwe-16.04'],
      ['arm64', 'focal', 'linux-image-generic'],
    ])('on %s %s installs %s', async (arch, release, expected) => {
      const env = { DIB_UBUNTU_KERNEL: 'linux-image-generic', DIB_RELEASE: release };
      expect(await squash(kernelObjs, arch, env)).toEqual({ 'install.d': { install: [expected] } });
    });

    it('can put one package in two phases', async () => {
      expect(await squash({ p: [{ phase: 'pre-install.d' }, { phase: 'post-install.d' }] }, 'amd64', {})).toEqual({
        'pre-install.d': { install: ['p'] },
        'post-install.d': { install: ['p'] },
      });
    });
  });

  describe('install and uninstall', () => {
    it('uninstall: true puts the package on the uninstall list only', async () => {
      expect(await squash({ p: { uninstall: true } }, 'amd64', {})).toEqual({ 'install.d': { uninstall: ['p'] } });
    });

    it('build-only puts it on both lists of its phase (installed, then removed at the end of the phase)', async () => {
      expect(await squash({ p: { 'build-only': true, phase: 'pre-install.d' } }, 'amd64', {})).toEqual({ 'pre-install.d': { install: ['p'], uninstall: ['p'] } });
    });

    it('keeps an install by one element and an uninstall by another: both run, uninstall last', async () => {
      const a = element('adds', { p: '' });
      const b = element('removes', { p: { uninstall: true } });
      const lists = await computePackageLists([a, b], 'amd64', {});
      expect(lists.install['install.d']).toEqual(['p']);
      expect(lists.uninstall['install.d']).toEqual(['p']);
    });

    it('skips an entry whose installtype is not the element\'s (DIB_INSTALLTYPE_<element>, default "source")', async () => {
      const objs = { src: { installtype: 'source' }, pkg: { installtype: 'package' } };
      expect(await squash(objs, 'amd64', {})).toEqual({ 'install.d': { install: ['src'] } });
      expect(await squash(objs, 'amd64', { DIB_DEFAULT_INSTALLTYPE: 'package' })).toEqual({ 'install.d': { install: ['pkg'] } });
      expect(await squash(objs, 'amd64', { DIB_INSTALLTYPE_test_element: 'package' })).toEqual({ 'install.d': { install: ['pkg'] } });
    });

    it('skips an entry for another dib_python_version', async () => {
      const objs = { py2: { dib_python_version: '2' }, py3: { dib_python_version: '3' } };
      expect(await squash(objs, 'amd64', { DIB_PYTHON_VERSION: '3' })).toEqual({ 'install.d': { install: ['py3'] } });
    });
  });
});
