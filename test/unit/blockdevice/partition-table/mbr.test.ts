import { afterEach, describe, expect, it } from 'vitest';
import { computeLayout, type PartitionLayout, type PartitionSpec } from '../../../../src/blockdevice/partition-table/layout.js';
import { chsBytes } from '../../../../src/blockdevice/partition-table/mbr-entry.js';
import { makeDiskSignature, mbrChunks } from '../../../../src/blockdevice/partition-table/mbr.js';
import { writePartitionTable } from '../../../../src/blockdevice/partition-table/write-table.js';
import { GiB, MiB, partxLines, readBytes, sfdiskJson, sparseImage, tool } from './sparse-image.js';
import { execFileSync } from 'node:child_process';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function image(size = GiB): Promise<string> {
  const img = await sparseImage(size);
  cleanups.push(img.cleanup);
  return img.path;
}

const primary = (name: string, extra: Partial<PartitionSpec> = {}): PartitionSpec => ({ name, size: { bytes: 10 * MiB }, flags: ['primary'], ...extra });
const logical = (name: string): PartitionSpec => ({ name, size: { bytes: 10 * MiB } });

async function written(partitions: PartitionSpec[], diskSignature = 0x12345678): Promise<{ path: string; layout: PartitionLayout }> {
  const path = await image();
  const layout = computeLayout({ label: 'mbr', diskSize: GiB, partitions });
  await writePartitionTable(path, layout, { diskSignature });
  return { path, layout };
}

describe('MBR writer, checked with partx like DIB\'s test_mbr.py', () => {
  it('writes the signature and nothing else for zero partitions', async () => {
    const { path } = await written([]);
    expect(partxLines(path)).toEqual([]);
    const mbr = await readBytes(path, 0, 512);
    expect([mbr[510], mbr[511]]).toEqual([0x55, 0xaa]);
    expect(mbr.readUInt32LE(440)).toBe(0x12345678);
  });

  it('one primary', async () => {
    expect(partxLines((await written([primary('a')])).path)).toEqual(['1 2048 22527 0x83 0x0 dos']);
  });

  it('three primaries', async () => {
    expect(partxLines((await written([primary('a'), primary('b'), primary('c')])).path)).toEqual([
      '1 2048 22527 0x83 0x0 dos',
      '2 22528 43007 0x83 0x0 dos',
      '3 43008 63487 0x83 0x0 dos',
    ]);
  });

  it('one logical', async () => {
    expect(partxLines((await written([logical('l')])).path)).toEqual(['1 2048 2097151 0xf 0x0 dos', '5 4096 24575 0x83 0x0 dos']);
  });

  it('three primaries and seven logicals', async () => {
    const parts = [primary('a'), primary('b'), primary('c'), ...Array.from({ length: 7 }, (_, i) => logical(`l${i}`))];
    expect(partxLines((await written(parts)).path)).toEqual([
      '1 2048 22527 0x83 0x0 dos',
      '2 22528 43007 0x83 0x0 dos',
      '3 43008 63487 0x83 0x0 dos',
      '4 63488 2097151 0xf 0x0 dos',
      '5 65536 86015 0x83 0x0 dos',
      '6 88064 108543 0x83 0x0 dos',
      '7 110592 131071 0x83 0x0 dos',
      '8 133120 153599 0x83 0x0 dos',
      '9 155648 176127 0x83 0x0 dos',
      '10 178176 198655 0x83 0x0 dos',
      '11 200704 221183 0x83 0x0 dos',
    ]);
  });

  it('64 logicals: logical n starts at 4096 + 22528·(n−5)', async () => {
    const lines = partxLines((await written(Array.from({ length: 64 }, (_, i) => logical(`l${i}`)))).path);
    const expected = ['1 2048 2097151 0xf 0x0 dos'];
    for (let n = 5; n <= 68; n++) {
      const start = 4096 + 22528 * (n - 5);
      expected.push(`${n} ${start} ${start + 20479} 0x83 0x0 dos`);
    }
    expect(lines).toEqual(expected);
  });

  it('type 0x0c and the boot flag', async () => {
    expect(partxLines((await written([primary('a', { type: '0x0c' })])).path)).toEqual(['1 2048 22527 0xc 0x0 dos']);
    expect(partxLines((await written([primary('a', { type: '0x0c', flags: ['primary', 'boot'] })])).path)).toEqual(['1 2048 22527 0xc 0x80 dos']);
  });
});

describe('MBR bytes', () => {
  it('entry 1 of a bootable 0x0c primary: LBA fields as DIB, CHS as sfdisk (255 heads, 63 sectors, end = last sector)', async () => {
    const { path } = await written([primary('a', { type: '0x0c', flags: ['primary', 'boot'] })]);
    const entry = await readBytes(path, 446, 16);
    // DIB writes 67 26 01 for the end CHS (254 heads, one past the end); the LBA bytes are the same
    expect(entry.toString('hex').match(/../g)!.join(' ')).toBe('80 20 21 00 0c 66 25 01 00 08 00 00 00 50 00 00');
    expect(entry.readUInt32LE(8)).toBe(2048);
    expect(entry.readUInt32LE(12)).toBe(20480);
  });

  it('CHS past cylinder 1023 is FE FF FF', () => {
    expect(chsBytes(1023 * 255 * 63 + 255 * 63 - 1)).toEqual([0xfe, 0xff, 0x3f | 0xc0]);
    expect(chsBytes(1024 * 255 * 63)).toEqual([0xfe, 0xff, 0xff]);
    expect(chsBytes(0)).toEqual([0, 1, 0]);
    // cylinder 300 = 0x12c: low byte 0x2c, bits 8-9 (01) in the sector byte's top bits
    expect(chsBytes(300 * 255 * 63)).toEqual([0, 0x41, 0x2c]);
  });

  it('MBR and every EBR are byte-identical to what sfdisk writes for the same partitions', async () => {
    const parts = [primary('a', { flags: ['primary', 'boot'] }), primary('b', { type: '0c' }), primary('c'), ...Array.from({ length: 7 }, (_, i) => logical(`l${i}`))];
    const ours = await written(parts, 0x12345678);
    const theirs = await image();
    const script = ['label: dos', 'label-id: 0x12345678'];
    for (const p of ours.layout.partitions.filter((q) => !q.logical)) {
      script.push(`start=${p.start / 512}, size=${p.size / 512}, type=${parseInt(p.type, 16).toString(16)}${p.bootable ? ', bootable' : ''}`);
    }
    const ext = ours.layout.extended!;
    script.push(`start=${ext.start / 512}, size=${ext.size / 512}, type=f`);
    for (const p of ours.layout.partitions.filter((q) => q.logical)) script.push(`start=${p.start / 512}, size=${p.size / 512}, type=83`);
    execFileSync('sfdisk', ['--no-reread', '--no-tell-kernel', theirs], { input: script.join('\n') + '\n', stdio: ['pipe', 'ignore', 'pipe'] });

    const sectorsToCompare = [0, ...ours.layout.partitions.filter((p) => p.logical).map((p) => p.ebrOffset! / 512)];
    expect(sectorsToCompare).toHaveLength(8);
    for (const s of sectorsToCompare) {
      const a = await readBytes(ours.path, s * 512, 512);
      const b = await readBytes(theirs, s * 512, 512);
      expect({ sector: s, bytes: a.toString('hex') }).toEqual({ sector: s, bytes: b.toString('hex') });
    }
  });

  it('sfdisk --json reads starts, sizes, types and the boot flag', async () => {
    const { path } = await written([primary('a', { type: '0x0c', flags: ['primary', 'boot'] }), primary('b', { type: '82' }), logical('l1'), logical('l2')], 0xdeadbeef);
    const t = sfdiskJson(path);
    expect(t.label).toBe('dos');
    expect(t.id).toBe('0xdeadbeef');
    expect(t.partitions!.map((p) => ({ start: p.start, size: p.size, type: p.type, bootable: p.bootable ?? false }))).toEqual([
      { start: 2048, size: 20480, type: 'c', bootable: true },
      { start: 22528, size: 20480, type: '82', bootable: false },
      { start: 43008, size: 2097152 - 43008, type: 'f', bootable: false },
      { start: 45056, size: 20480, type: '83', bootable: false },
      { start: 67584, size: 20480, type: '83', bootable: false },
    ]);
    // sfdisk --verify finds nothing wrong (it exits non-zero on problems)
    expect(() => tool('sfdisk', ['--verify', path])).not.toThrow();
  });

  it('a seed makes the disk signature reproducible; without one it differs', () => {
    expect(makeDiskSignature('build-1')).toBe(makeDiskSignature('build-1'));
    expect(makeDiskSignature('build-1')).not.toBe(makeDiskSignature('build-2'));
    const layout = computeLayout({ label: 'mbr', diskSize: GiB, partitions: [primary('a')] });
    const sig = (b: Buffer): number => b.readUInt32LE(440);
    expect(sig(mbrChunks(layout, makeDiskSignature())[0]!.bytes)).not.toBe(sig(mbrChunks(layout, makeDiskSignature())[0]!.bytes));
  });

  it('returns PARTUUIDs the way partx and blkid show them', async () => {
    const path = await image();
    const layout = computeLayout({ label: 'mbr', diskSize: GiB, partitions: [primary('a'), logical('l')] });
    const t = await writePartitionTable(path, layout, { diskSignature: 0x00abcdef });
    expect(t.diskId).toBe('0x00abcdef');
    expect(t.partitions.map((p) => [p.name, p.number, p.offset, p.sizeLimit, p.partUuid])).toEqual([
      ['a', 1, 2048 * 512, 10 * MiB, '00abcdef-01'],
      ['l', 5, 24576 * 512, 10 * MiB, '00abcdef-05'],
    ]);
    expect(tool('partx', ['--raw', '--noheadings', '--output', 'NR,UUID', path]).trim().split('\n')).toEqual(['1 00abcdef-01', '2 00abcdef-02', '5 00abcdef-05']);
    expect(tool('blkid', ['-p', '-o', 'export', path])).toMatch(/^PTUUID=00abcdef$/m);
  });
});
