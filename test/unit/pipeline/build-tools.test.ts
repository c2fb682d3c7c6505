import { describe, expect, it } from 'vitest';
import { toBuildOptions } from '../../../src/cli/build-options.js';
import { toolsForBuild } from '../../../src/pipeline/build-tools.js';

const env = { ...process.env, DIB_BLOCK_DEVICE_CONFIG: undefined, ELEMENTS_PATH: undefined, FS_TYPE: undefined };
const toolsOf = async (elements: string[], t?: string) =>
  toolsForBuild(await toBuildOptions({ elements, a: 'amd64', ...(t ? { t } : {}) }), env);

describe('toolsForBuild', () => {
  it('follows element dependencies: debian vm needs mmdebstrap (debian-rootfs) and the ESP tools (block-device-mbr)', async () => {
    const b = await toolsOf(['debian', 'vm']);
    expect(b.elements).toEqual(expect.arrayContaining(['debian-rootfs', 'block-device-mbr']));
    expect(b.tools.map((x) => x.command)).toEqual(expect.arrayContaining(['mmdebstrap', 'mkfs.ext4', 'mkfs.vfat', 'losetup']));
  });

  it('asks a Debian build for no zfs-fuse and no qemu-img (qcow2 is our own writer)', async () => {
    const pkgs = (await toolsOf(['debian', 'vm'], 'qcow2,tar')).tools.map((x) => x.pkg);
    expect(pkgs).not.toContain('zfs-fuse');
    expect(pkgs).not.toContain('qemu-utils');
  });

  it('asks for qemu-img when -t names a format only qemu-img writes', async () => {
    expect((await toolsOf(['debian', 'vm'], 'vmdk')).tools.map((x) => x.command)).toContain('qemu-img');
  });
});
