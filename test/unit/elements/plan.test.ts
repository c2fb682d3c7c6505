import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildOptions } from '../../../src/pipeline/options.js';
import { makePlan } from '../../../src/elements/plan.js';
import { formatPlan, planToJson } from '../../../src/elements/plan-format.js';
import { planOutputs } from '../../../src/elements/plan-outputs.js';
import { PHASES } from '../../../src/elements/phases.js';
import { makeTree, NO_BUILTINS, type Tree } from './fixture-tree.js';

const DEFAULTS: BuildOptions = {
  elements: [], arch: 'amd64', imageName: 'image', types: ['qcow2'], debugTrace: 0, uncompressed: false, clearEnv: false,
  skipBase: false, packages: [], checksum: false, imageSizeGB: undefined, imageExtraSizeMB: undefined, imageCache: undefined,
  maxOnlineResize: undefined, minTmpfsGB: undefined, mkfsOptions: undefined, mkfsJournalSizeMB: undefined, noTmpfs: false,
  offline: false, qemuImgOptions: undefined, rootLabel: undefined, ramdiskElement: undefined, installType: undefined,
  dockerTarget: undefined, logfile: undefined,
  quiet: false,
  verbose: 0, blockDeviceConfig: undefined, noCache: false, jsonEvents: undefined, push: undefined, writeTo: undefined, offlineAssembly: false,
};

let tree: Tree;
beforeAll(async () => {
  tree = await makeTree({
    d: {
      base: { files: { 'environment.d/10-base': { text: 'export X=1' }, 'pre-install.d/03-tools': 'x' } },
      distro: {
        'element-provides': ['operating-system'],
        files: { 'root.d/08-bootstrap': 'x', 'install.d/10-apt': 'x', 'install.d/README.md': { text: 'docs' } },
      },
      vm: { 'element-deps': ['block-device'], files: { 'finalise.d/50-bootloader': 'x' } },
      'block-device-mbr': {
        'element-provides': ['block-device'],
        files: { 'block-device-default.yaml': { text: '- local_loop: {name: image0}\n' }, 'environment.d/15-bd.bash': { text: '' } },
      },
    },
  });
});
afterAll(() => tree.remove());

function plan(opts: Partial<BuildOptions>, env: Record<string, string | undefined> = {}) {
  return makePlan({ ...DEFAULTS, ...opts, env: { ELEMENTS_PATH: tree.dir('d'), ...env }, builtinDir: NO_BUILTINS });
}

describe('makePlan', () => {
  it('gathers elements, hooks, environment, block-device source and outputs', async () => {
    const p = await plan({ elements: ['distro', 'vm'] });
    expect(p.requested).toEqual(['base', 'distro', 'vm', 'block-device-mbr']);
    expect(p.elements.map((e) => e.name)).toEqual(['base', 'distro', 'vm', 'block-device-mbr']);
    expect(p.hooks.phases['install.d'].map((h) => h.script)).toEqual(['10-apt']);
    expect(p.hooks.environment.map((f) => f.file)).toEqual(['10-base', '15-bd.bash']);
    expect(p.blockDeviceConfig).toMatchObject({ kind: 'element', element: 'block-device-mbr' });
    expect(p.outputs).toEqual([{ type: 'qcow2', file: 'image.qcow2', checksums: [] }]);
    expect(p.warnings).toEqual(['element distro: install.d/README.md is skipped because its name has characters outside [0-9A-Za-z_-] (no dots)']);
  });

  it('uses DIB_BLOCK_DEVICE_CONFIG from the given environment', async () => {
    const p = await plan({ elements: ['distro', 'vm'] }, { DIB_BLOCK_DEVICE_CONFIG: '- local_loop: {name: image0}' });
    expect(p.blockDeviceConfig.kind).toBe('env');
  });

  it('--json form has every phase, in order, with element/script/path/inChroot', async () => {
    const json = planToJson(await plan({ elements: ['distro', 'vm'], types: ['qcow2', 'tar'], checksum: true }));
    expect(Object.keys(json.phases)).toEqual([...PHASES]);
    expect(json.phases['root.d']).toEqual([{ element: 'distro', script: '08-bootstrap', path: tree.dir('d/distro/root.d/08-bootstrap'), inChroot: false }]);
    expect(json.phases['finalise.d'][0]).toMatchObject({ element: 'vm', script: '50-bootloader', inChroot: true });
    expect(json.elements[0]).toEqual({ name: 'base', path: tree.dir('d/base') });
    expect(json.blockDeviceConfig).toEqual({
      kind: 'element',
      description: 'block-device-default.yaml of element block-device-mbr',
      file: tree.dir('d/block-device-mbr/block-device-default.yaml'),
      element: 'block-device-mbr',
    });
    expect(json.outputs.map((o) => o.file)).toEqual(['image.qcow2', 'image.tar']);
    expect(json.skipped).toEqual([{ element: 'distro', phase: 'install.d', file: 'README.md', path: tree.dir('d/distro/install.d/README.md'), reason: 'name' }]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('text form has the sections a reader looks for', async () => {
    const text = formatPlan(await plan({ elements: ['distro', 'vm'] }));
    expect(text).toContain("Plan for image 'image' (amd64)");
    expect(text).toMatch(/Elements \(4, in resolution order\):\n {2}base +\//);
    expect(text).toMatch(/ {2}root\.d \(outside chroot\):\n {4}08-bootstrap {2}distro/);
    expect(text).toContain('  post-root.d (outside chroot): no hooks');
    expect(text).toContain('Block-device config: block-device-default.yaml of element block-device-mbr');
    expect(text).toContain('  qcow2    image.qcow2');
    expect(text).toContain('Warnings (1):');
  });
});

describe('planOutputs', () => {
  it('names files <name>.<type>, squashfs as .squash, docker as an image, with checksum files', () => {
    expect(planOutputs({ imageName: 'out/deb', types: ['qcow2', 'squashfs', 'docker', 'tgz'], checksum: true, dockerTarget: 'me/deb:1' })).toEqual([
      { type: 'qcow2', file: 'out/deb.qcow2', checksums: ['out/deb.qcow2.md5', 'out/deb.qcow2.sha256'] },
      { type: 'squashfs', file: 'out/deb.squash', checksums: ['out/deb.squash.md5', 'out/deb.squash.sha256'] },
      { type: 'docker', dockerTarget: 'me/deb:1', checksums: [] },
      { type: 'tgz', file: 'out/deb.tgz', checksums: ['out/deb.tgz.md5', 'out/deb.tgz.sha256'] },
    ]);
  });
});
