import { describe, expect, it } from 'vitest';
import { biosEmbedArea, grubBiosBootCode, MAX_CORE_SECTORS } from '../../../src/bootloader/grub-bios-setup.js';
import { computeLayout } from '../../../src/blockdevice/partition-table/layout.js';

const MiB = 1024 * 1024;

/** A stand-in for grub-mkimage's core.img: `sectors` sectors, a default block list entry, a sane header. */
function fakeCore(sectors: number): Buffer {
  const core = Buffer.alloc(sectors * 512, 0xcc);
  // diskboot.img's default entry {start 2, len sectors − 1, segment 0x820} and a zero terminator
  core.writeBigUInt64LE(2n, 500);
  core.writeUInt16LE(sectors - 1, 508);
  core.writeUInt16LE(0x820, 510);
  core.fill(0, 488, 500);
  core.writeUInt16LE(0x400, 512 + 0x14);
  return core;
}

function fakeBoot(): Buffer {
  const b = Buffer.alloc(512, 0xbb);
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

/** A disk's sector 0 with a recognisable BPB area and partition table. */
function diskSector0(): Buffer {
  const s = Buffer.alloc(512);
  for (let i = 0; i < 512; i++) s[i] = i & 0xff;
  return s;
}

describe('biosEmbedArea', () => {
  it('is the gap between the MBR and the first partition on an MBR disk', () => {
    const layout = computeLayout({ label: 'mbr', diskSize: 64 * MiB, partitions: [{ name: 'root', size: { percent: 100 }, flags: ['primary'] }] });
    expect(biosEmbedArea(layout)).toEqual({ firstSector: 1, sectors: 2047, what: 'the gap between the MBR and the first partition' });
  });

  it('ends before the extended partition when logical partitions come first', () => {
    const layout = computeLayout({ label: 'mbr', diskSize: 64 * MiB, align: 512 * 64, partitions: [{ name: 'a', size: { bytes: 8 * MiB } }] });
    expect(layout.extended?.start).toBe(512 * 64);
    expect(biosEmbedArea(layout).sectors).toBe(63);
  });

  it('is the BIOS boot partition on a GPT disk', () => {
    const layout = computeLayout({
      label: 'gpt',
      diskSize: 64 * MiB,
      partitions: [
        { name: 'ESP', size: { bytes: 8 * MiB }, type: 'EF00' },
        { name: 'BSP', size: { bytes: MiB }, type: 'EF02' },
        { name: 'root', size: { percent: 100 } },
      ],
    });
    expect(biosEmbedArea(layout)).toEqual({ firstSector: (9 * MiB) / 512, sectors: 2048, what: 'BIOS boot partition BSP' });
  });

  it('refuses a GPT disk without a BIOS boot partition, naming what to add', () => {
    const layout = computeLayout({ label: 'gpt', diskSize: 64 * MiB, partitions: [{ name: 'root', size: { percent: 100 } }] });
    expect(() => biosEmbedArea(layout)).toThrow(/no BIOS boot partition \(type EF02\)/);
  });

  it('refuses 4096-byte sectors (GRUB BIOS reads 512-byte sectors)', () => {
    const layout = computeLayout({ label: 'gpt', diskSize: 64 * MiB, sectorSize: 4096, partitions: [{ name: 'BSP', size: { bytes: MiB }, type: 'EF02' }] });
    expect(() => biosEmbedArea(layout)).toThrow(/needs 512-byte sectors/);
  });
});

describe('grubBiosBootCode', () => {
  const area = { firstSector: 2048, sectors: 2048, what: 'BIOS boot partition BSP' };

  it("keeps the disk's BPB and partition table and patches boot.img's drive, check and core sector fields", () => {
    const { sector0 } = grubBiosBootCode(fakeBoot(), fakeCore(60), diskSector0(), area);
    expect(sector0.subarray(0, 3)).toEqual(Buffer.alloc(3, 0xbb));
    expect(sector0.subarray(3, 0x5a)).toEqual(diskSector0().subarray(3, 0x5a));
    expect(sector0.readBigUInt64LE(0x5c)).toBe(2048n);
    expect(sector0[0x64]).toBe(0xff);
    expect([sector0[0x66], sector0[0x67]]).toEqual([0x90, 0x90]);
    expect(sector0.subarray(0x68, 0x1b8)).toEqual(Buffer.alloc(0x1b8 - 0x68, 0xbb));
    expect(sector0.subarray(0x1b8, 0x1fe)).toEqual(diskSector0().subarray(0x1b8, 0x1fe));
    expect([sector0[510], sector0[511]]).toEqual([0x55, 0xaa]);
  });

  it('points the block list at the sectors after the first, with segment 0x820 and a zero terminator', () => {
    const { core, coreSector } = grubBiosBootCode(fakeBoot(), fakeCore(60), diskSector0(), area);
    expect(coreSector).toBe(2048);
    expect(core.length).toBe(60 * 512);
    expect(core.readBigUInt64LE(500)).toBe(2049n);
    expect(core.readUInt16LE(508)).toBe(59);
    expect(core.readUInt16LE(510)).toBe(0x820);
    expect(core.subarray(488, 500)).toEqual(Buffer.alloc(12));
    expect(core.subarray(512)).toEqual(fakeCore(60).subarray(512));
  });

  it('pads a core image that does not end on a sector boundary with zeros', () => {
    const raw = fakeCore(10).subarray(0, 9 * 512 + 100);
    const { core } = grubBiosBootCode(fakeBoot(), raw, diskSector0(), area);
    expect(core.length).toBe(10 * 512);
    expect(core.subarray(9 * 512 + 100)).toEqual(Buffer.alloc(412));
    expect(core.readUInt16LE(508)).toBe(9);
  });

  it.each([
    ['a core image larger than the area', fakeCore(61), { ...area, sectors: 60 }, /core.img needs 61 sectors but BIOS boot partition BSP has 60/],
    ['a core image past 0x78000', fakeCore(MAX_CORE_SECTORS + 1), { ...area, sectors: 4096 }, /GRUB loads at most 888/],
    ['a one-sector core image', Buffer.alloc(512), area, /at least two sectors/],
    ['a core image whose header says 0xFFFF', (() => { const c = fakeCore(4); c.writeUInt16LE(0xffff, 512 + 0x14); return c; })(), area, /not an i386-pc core image/],
  ])('refuses %s', (_what, core, where, message) => {
    expect(() => grubBiosBootCode(fakeBoot(), core, diskSector0(), where)).toThrow(message);
  });

  it('refuses a boot image that is not one sector', () => {
    expect(() => grubBiosBootCode(Buffer.alloc(1024), fakeCore(4), diskSector0(), area)).toThrow(/boot.img has 1024 bytes/);
  });
});
