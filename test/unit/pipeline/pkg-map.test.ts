import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computePackageLists } from '../../../src/pipeline/package-installs.js';
import { loadPkgMaps, mapPackage, parsePkgMap, resolvePkgMap, writePkgMaps } from '../../../src/pipeline/pkg-map.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { packageInstallsElement, removeTestElements } from '../../helpers/package-installs-element.js';

afterAll(removeTestElements);

// DIB's documented example shape: every section, with a release override for one distro
const MAP = {
  release: { ubuntu: { noble: { web: 'nginx-noble' } }, centos: { '8': { web: 'nginx-c8' } } },
  distro: { ubuntu: { web: 'nginx-ubuntu', tools: 'ubuntu-tools extra-tools' } },
  family: { debian: { web: 'nginx-debian', gone: '' }, redhat: { web: 'nginx-redhat' } },
  default: { web: 'nginx', editor: 'vim' },
};

describe('resolvePkgMap (DIB precedence: release, distro, family, default)', () => {
  it.each([
    ['ubuntu', 'noble', 'web', ['nginx-noble']],
    ['ubuntu', 'jammy', 'web', ['nginx-ubuntu']],
    ['debian', 'bookworm', 'web', ['nginx-debian']],
    ['fedora', '40', 'web', ['nginx-redhat']],
    ['centos', '8-stream', 'web', ['nginx-c8']],
    ['gentoo', '', 'web', ['nginx']],
    ['debian', 'bookworm', 'editor', ['vim']],
    ['ubuntu', 'noble', 'tools', ['ubuntu-tools', 'extra-tools']],
    ['debian', 'bookworm', 'gone', []],
    ['debian', 'bookworm', 'unmapped', ['unmapped']],
  ])('%s %s: %s → %j', (distro, release, name, expected) => {
    expect(mapPackage(resolvePkgMap(MAP, distro, release), name)).toEqual(expected);
  });

  it('refuses a map that is not JSON, or whose names are not strings, naming the file and the key', () => {
    expect(() => parsePkgMap('{ nope', '/e/pkg-map', 'e')).toThrow(/\/e\/pkg-map: not valid JSON/);
    expect(() => parsePkgMap('{"family": {"debian": {"git": 3}}}', '/e/pkg-map', 'e')).toThrow(/\/e\/pkg-map: family\.debian\.git: expected a string/);
    expect(() => parsePkgMap('{"default": []}', '/e/pkg-map', 'e')).toThrow(/default: expected a map/);
  });
});

describe('package-installs applies each element\'s pkg-map', () => {
  it('maps, drops and splits names of the declaring element only, on install and uninstall lists', async () => {
    const a = packageInstallsElement('svc', 'web:\ngone:\neditor:\n  phase: pre-install.d\nold-thing:\n  uninstall: true\n');
    writeFileSync(join(a.path, 'pkg-map'), JSON.stringify({ ...MAP, default: { ...MAP.default, 'old-thing': 'old-a old-b' } }));
    const b = packageInstallsElement('other', 'web:\n');
    const env = { DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm' };
    const maps = await loadPkgMaps([{ ...a, pkgMap: join(a.path, 'pkg-map') }, b], env);
    const lists = await computePackageLists([a, b], 'amd64', env, maps);
    expect(lists.install['install.d']).toEqual(['nginx-debian', 'web']);
    expect(lists.install['pre-install.d']).toEqual(['vim']);
    expect(lists.uninstall['install.d']).toEqual(['old-a', 'old-b']);
  });
});

describe('the pkg-map command (elements/pkg-map/bin/pkg-map)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdib-pkgmap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(REPO_ROOT, 'elements', 'pkg-map', 'bin', 'pkg-map');
  const env = { ...process.env, TMP_HOOKS_PATH: dir, DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble' };
  const run = (...args: string[]) => spawnSync(bin, args, { env, encoding: 'utf8' });

  it('prints the resolved names tsdib wrote, with DIB\'s prefix, missing-ok and exit codes', async () => {
    await writePkgMaps(new Map([['svc', resolvePkgMap(MAP, 'ubuntu', 'noble')]]), dir);
    expect(readFileSync(join(dir, 'package-installs', 'pkg-map', 'svc'), 'utf8')).toContain('web\tnginx-noble\n');
    expect(run('--element', 'svc', '--prefix', '-', 'web', 'tools', 'gone').stdout).toBe('-nginx-noble\n-ubuntu-tools\n-extra-tools\n');
    const missing = run('--element', 'svc', 'nothing-maps-this');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nothing-maps-this');
    expect(run('--element', 'svc', '--missing-ok', 'nothing-maps-this').stdout).toBe('nothing-maps-this\n');
    expect(run('--element', 'no-map-element', 'web').status).toBe(2);
    expect(run('--element', 'no-map-element', '--missing-ok', 'web').stdout).toBe('web\n');
    expect(run('--element', 'svc', '--distro', 'fedora', 'web').status).toBe(1);
  });

});
