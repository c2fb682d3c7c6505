import { describe, expect, it } from 'vitest';
import { toolsFor } from '../../../src/pipeline/host-check.js';

const commands = (o: Parameters<typeof toolsFor>[0]) => toolsFor(o).map((t) => t.command);

describe('toolsFor', () => {
  it('asks for mmdebstrap and the Debian keyring for a debian build, vfat tools for an ESP', () => {
    const c = commands({ elements: ['debian-minimal', 'debian-rootfs', 'block-device-mbr'], types: ['qcow2'], fsTypes: ['ext4', 'vfat'] });
    expect(c).toEqual(expect.arrayContaining(['losetup', 'mmdebstrap', 'flock', '/usr/share/keyrings/debian-archive-keyring.gpg', 'mkfs.ext4', 'mkfs.vfat', 'mcopy']));
  });

  it('asks for no host GRUB: the image runs its own', () => {
    const c = commands({ elements: ['grub', 'uefi'], types: [], fsTypes: [] });
    expect(c.some((x) => x.includes('grub'))).toBe(false);
  });

  it('asks for the tools of the output formats', () => {
    expect(commands({ elements: [], types: ['vmdk', 'squashfs'], fsTypes: [] })).toEqual(expect.arrayContaining(['qemu-img', 'mksquashfs']));
  });
});

describe('toolsFor with DIB\'s elements', () => {
  it('asks for debootstrap and sudo when debian-minimal comes from DIB\'s tree', () => {
    const c = commands({ elements: ['debian-minimal', 'debootstrap'], dibElements: ['debian-minimal', 'debootstrap'], types: [], fsTypes: [] });
    expect(c).toEqual(expect.arrayContaining(['debootstrap', 'sudo']));
  });

  it('asks for neither when debian-minimal is the built-in one', () => {
    const c = commands({ elements: ['debian-minimal'], types: [], fsTypes: [] });
    expect(c).not.toContain('debootstrap');
    expect(c).not.toContain('sudo');
  });

  it('adds the tools the hooks ask for', () => {
    expect(commands({ elements: [], types: [], fsTypes: [], extra: [{ command: 'sudo', pkg: 'sudo' }] })).toContain('sudo');
  });
});
