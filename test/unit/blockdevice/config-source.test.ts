import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archConfigFileName, BUILTIN_BLOCK_DEVICE_CONFIG, findBlockDeviceConfigSource } from '../../../src/blockdevice/config-source.js';
import { TsdibError } from '../../../src/errors.js';
import { makeTree, type Tree } from '../elements/fixture-tree.js';

let tree: Tree;
let elements: { name: string; path: string }[];
beforeAll(async () => {
  tree = await makeTree({
    d: {
      none: {},
      mbr: { files: { 'block-device-default.yaml': { text: 'mbr default' }, 'block-device-ppc64el.yaml': { text: 'mbr ppc' } } },
      gpt: { files: { 'block-device-default.yaml': { text: 'gpt default' }, 'block-device-arm64.yaml': { text: 'gpt arm64' } } },
    },
  });
  await writeFile(tree.dir('user.yaml'), 'from file');
  elements = ['none', 'mbr', 'gpt'].map((name) => ({ name, path: tree.dir(`d/${name}`) }));
});
afterAll(() => tree.remove());

describe('findBlockDeviceConfigSource', () => {
  it('takes DIB_BLOCK_DEVICE_CONFIG=file://PATH first', async () => {
    const s = await findBlockDeviceConfigSource({ env: { DIB_BLOCK_DEVICE_CONFIG: `file://${tree.dir('user.yaml')}` }, flagFile: '/x', elements, arch: 'amd64' });
    expect(s).toMatchObject({ kind: 'env-file', file: tree.dir('user.yaml'), text: 'from file' });
    expect(s.warnings).toEqual(['--block-device-config /x is ignored: DIB_BLOCK_DEVICE_CONFIG is set and wins']);
  });

  it('then inline DIB_BLOCK_DEVICE_CONFIG text', async () => {
    const s = await findBlockDeviceConfigSource({ env: { DIB_BLOCK_DEVICE_CONFIG: '- local_loop: {}' }, elements, arch: 'amd64' });
    expect(s).toMatchObject({ kind: 'env', text: '- local_loop: {}' });
    expect(s.file).toBeUndefined();
  });

  it('then the --block-device-config file', async () => {
    const s = await findBlockDeviceConfigSource({ env: {}, flagFile: tree.dir('user.yaml'), elements, arch: 'amd64' });
    expect(s).toMatchObject({ kind: 'flag', file: tree.dir('user.yaml'), text: 'from file' });
  });

  it('then the first element in order offering one, warning about the others', async () => {
    const s = await findBlockDeviceConfigSource({ env: {}, elements, arch: 'amd64' });
    expect(s).toMatchObject({ kind: 'element', element: 'mbr', text: 'mbr default', description: 'block-device-default.yaml of element mbr' });
    expect(s.warnings).toEqual([`element gpt also offers a block-device config (${tree.dir('d/gpt/block-device-default.yaml')}); using the one of element mbr`]);
  });

  it("prefers an element's arch file over its default, and maps ppc64le to ppc64el", async () => {
    expect((await findBlockDeviceConfigSource({ env: {}, elements: elements.slice(2), arch: 'arm64' })).text).toBe('gpt arm64');
    expect((await findBlockDeviceConfigSource({ env: {}, elements, arch: 'ppc64le' })).text).toBe('mbr ppc');
    expect(archConfigFileName('ppc64el')).toBe('block-device-ppc64el.yaml');
    expect(archConfigFileName('amd64')).toBe('block-device-amd64.yaml');
  });

  it('falls back to the built-in default: image0 → mkfs_root → / with fstab defaults, passno 1', async () => {
    const s = await findBlockDeviceConfigSource({ env: {}, elements: elements.slice(0, 1), arch: 'amd64' });
    expect(s.kind).toBe('builtin');
    expect(s.text).toBe(BUILTIN_BLOCK_DEVICE_CONFIG);
    expect(s.text).toMatch(/local_loop:\n\s+name: image0\n\s+mkfs:\n\s+name: mkfs_root\n\s+mount:\n\s+mount_point: \/\n\s+fstab:\n\s+options: "defaults"\n\s+fsck-passno: 1/);
  });

  it('reports a missing file:// target as ENV_INVALID and a missing flag file as FLAG_INVALID', async () => {
    const e1 = (await findBlockDeviceConfigSource({ env: { DIB_BLOCK_DEVICE_CONFIG: 'file:///no/such.yaml' }, elements, arch: 'amd64' }).catch((e: unknown) => e)) as TsdibError;
    expect(e1.code).toBe('ENV_INVALID');
    expect(e1.message).toBe('DIB_BLOCK_DEVICE_CONFIG: /no/such.yaml does not exist');
    expect(e1.context).toMatchObject({ variable: 'DIB_BLOCK_DEVICE_CONFIG', problem: '/no/such.yaml does not exist', file: '/no/such.yaml' });
    const e2 = (await findBlockDeviceConfigSource({ env: {}, flagFile: '/no/such.yaml', elements, arch: 'amd64' }).catch((e: unknown) => e)) as TsdibError;
    expect(e2.code).toBe('FLAG_INVALID');
    expect(e2.exitCode).toBe(2);
  });
});
