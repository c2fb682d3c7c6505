import { afterAll, describe, expect, it } from 'vitest';
import { computePackageLists, whenHolds } from '../../../src/pipeline/package-installs.js';
import { packageInstallsElement as element, removeTestElements } from '../../helpers/package-installs-element.js';

afterAll(removeTestElements);

describe('whenHolds', () => {
  it.each([
    ['DIB_X = a', { DIB_X: 'a' }, true],
    ['DIB_X = a', { DIB_X: 'b' }, false],
    ['DIB_X != a', { DIB_X: '' }, true],
    ['DIB_X !=', { DIB_X: '1' }, true],
    ['DIB_X !=', { DIB_X: '' }, false],
  ])('%s with %j is %s', (when, env, expected) => {
    expect(whenHolds(when, env as Record<string, string>, 'f')).toBe(expected);
  });

  it('needs every condition of a list', () => {
    expect(whenHolds(['A = 1', 'B = 2'], { A: '1', B: '2' }, 'f')).toBe(true);
    expect(whenHolds(['A = 1', 'B = 2'], { A: '1', B: '3' }, 'f')).toBe(false);
  });

  it('rejects a condition that is not VAR = value', () => {
    expect(() => whenHolds('just words', {}, 'x.yaml')).toThrow(/x\.yaml: when: "just words"/);
  });
});

describe('computePackageLists', () => {
  it('groups packages by phase, honours arch, not-arch, uninstall, when and installtype', async () => {
    const e = element(
      'demo',
      [
        'plain:',
        'early:',
        '  phase: pre-install.d',
        'amd64-only:',
        '  arch: x86_64, amd64',
        'arm-only:',
        '  arch: arm64',
        'not-on-amd64:',
        '  not-arch: amd64',
        'gone:',
        '  uninstall: true',
        '  phase: post-install.d',
        'conditional:',
        '  when: DIB_FLAVOUR = big',
        'from-source:',
        '  installtype: source',
        'from-package:',
        '  installtype: package',
        'listed:',
        '  - phase: install.d',
        '  - phase: post-install.d',
      ].join('\n'),
    );
    const lists = await computePackageLists([e], 'amd64', { DIB_FLAVOUR: 'small' });
    expect(lists.install['pre-install.d']).toEqual(['early']);
    expect(lists.install['install.d']).toEqual(['plain', 'amd64-only', 'from-source', 'listed']);
    expect(lists.install['post-install.d']).toEqual(['listed']);
    expect(lists.uninstall['post-install.d']).toEqual(['gone']);
  });

  it('follows DIB_INSTALLTYPE_<element> over the default', async () => {
    const e = element('my-el', 'pkg:\n  installtype: package\n');
    expect((await computePackageLists([e], 'amd64', { DIB_INSTALLTYPE_my_el: 'package' })).install['install.d']).toEqual(['pkg']);
    expect((await computePackageLists([e], 'amd64', {})).install['install.d']).toEqual([]);
  });

  it('rejects a phase package-installs does not run in', async () => {
    const e = element('bad', 'pkg:\n  phase: finalise.d\n');
    await expect(computePackageLists([e], 'amd64', {})).rejects.toThrow(/pkg: phase "finalise.d" is not one of/);
  });
});
