import { describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../../src/errors.js';
import { computeLayout, partitionTypeProblem, type PartitionSpec, type PartitionTableSpec } from '../../../../src/blockdevice/partition-table/layout.js';
import { GiB, MiB } from './sparse-image.js';

const primary = (name: string, bytes = 10 * MiB, extra: Partial<PartitionSpec> = {}): PartitionSpec => ({
  name,
  size: { bytes },
  flags: ['primary'],
  ...extra,
});
const logical = (name: string, bytes = 10 * MiB): PartitionSpec => ({ name, size: { bytes } });
const sectors = (p: { start: number; size: number }): [number, number] => [p.start / 512, (p.start + p.size) / 512 - 1];

function layoutError(spec: PartitionTableSpec): { code: string; node: string | undefined; message: string } {
  try {
    computeLayout(spec);
  } catch (e) {
    if (isTsdibError(e)) return { code: e.code, node: e.context.node, message: e.message };
    throw e;
  }
  throw new Error('expected a layout error');
}

describe('MBR layout (DIB numbers, 1 GiB disk, 1 MiB alignment)', () => {
  it('places one primary at LBA 2048..22527', () => {
    const l = computeLayout({ label: 'mbr', diskSize: GiB, partitions: [primary('root')] });
    expect(l.partitions.map((p) => [p.number, ...sectors(p), p.type, p.logical])).toEqual([[1, 2048, 22527, '0x83', false]]);
    expect(l.extended).toBeUndefined();
  });

  it('places three primaries back to back, each end on the alignment', () => {
    const l = computeLayout({ label: 'mbr', diskSize: GiB, partitions: [primary('a'), primary('b'), primary('c')] });
    expect(l.partitions.map(sectors)).toEqual([
      [2048, 22527],
      [22528, 43007],
      [43008, 63487],
    ]);
  });

  it('puts logicals in an extended partition in the next free slot, each EBR one alignment before its data', () => {
    const l = computeLayout({
      label: 'mbr',
      diskSize: GiB,
      partitions: [primary('a'), primary('b'), primary('c'), ...Array.from({ length: 7 }, (_, i) => logical(`l${i}`))],
    });
    expect(l.extended).toEqual({ start: 63488 * 512, size: (2097152 - 63488) * 512, slot: 3 });
    const logicals = l.partitions.filter((p) => p.logical);
    expect(logicals.map((p) => [p.number, ...sectors(p), p.ebrOffset! / 512])).toEqual([
      [5, 65536, 86015, 63488],
      [6, 88064, 108543, 86016],
      [7, 110592, 131071, 108544],
      [8, 133120, 153599, 131072],
      [9, 155648, 176127, 153600],
      [10, 178176, 198655, 176128],
      [11, 200704, 221183, 198656],
    ]);
  });

  it('starts the extended partition at LBA 2048 when there are only logicals', () => {
    const l = computeLayout({ label: 'mbr', diskSize: GiB, partitions: [logical('only')] });
    expect(l.extended).toEqual({ start: 2048 * 512, size: (2097152 - 2048) * 512, slot: 0 });
    expect(l.partitions.map((p) => [p.number, ...sectors(p)])).toEqual([[5, 4096, 24575]]);
  });

  it('fits a logical that ends exactly at the disk end', () => {
    const l = computeLayout({ label: 'mbr', diskSize: GiB, partitions: [logical('big', GiB - 2 * MiB)] });
    expect(sectors(l.partitions[0]!)).toEqual([4096, 2097151]);
  });

  it('takes a percentage of the space left after one more alignment (DIB free())', () => {
    // DIB free = disk − (next free + align) sectors: 1 GiB − 2 MiB for the first partition
    const l = computeLayout({ label: 'mbr', diskSize: GiB, partitions: [primary('a', 0, { size: { percent: 50 } }), primary('b', 0, { size: { percent: 100 } })] });
    const half = Math.floor((GiB - 2 * MiB) / 2);
    expect(l.partitions[0]!.size).toBe(half);
    // b: free = 1 GiB − (end of a, aligned + 1 MiB)
    const nextFree = Math.ceil((2048 + half / 512) / 2048) * 2048;
    expect(l.partitions[1]!.start / 512).toBe(nextFree);
    expect(l.partitions[1]!.size).toBe(GiB - (nextFree + 2048) * 512);
  });

  it('reads the boot flag and hex types in any of DIB\'s spellings', () => {
    const l = computeLayout({
      label: 'mbr',
      diskSize: GiB,
      partitions: [primary('a', 10 * MiB, { type: '0x0C', flags: ['primary', 'boot'] }), primary('b', 10 * MiB, { type: 'ef' }), primary('c', 10 * MiB, { type: '7' })],
    });
    expect(l.partitions.map((p) => [p.type, p.bootable])).toEqual([
      ['0x0c', true],
      ['0xef', false],
      ['0x07', false],
    ]);
  });
});

describe('GPT layout', () => {
  it('gives DIB\'s gpt_efi sizes: 8 MiB, 8 MiB, then 100% = 1006 MiB, from LBA 2048', () => {
    const l = computeLayout({
      label: 'gpt',
      diskSize: GiB,
      partitions: [
        { name: 'ESP', size: { bytes: 8 * MiB }, type: 'EF00' },
        { name: 'BSP', size: { bytes: 8 * MiB }, type: 'EF02' },
        { name: 'Root Part', size: { percent: 100 }, type: '8300' },
      ],
    });
    expect(l.partitions.map((p) => [p.number, p.start / 512, p.size / MiB, p.type])).toEqual([
      [1, 2048, 8, 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B'],
      [2, 18432, 8, '21686148-6449-6E6F-744E-656564454649'],
      [3, 34816, 1006, '0FC63DAF-8483-4772-8E79-3D69D8477DE4'],
    ]);
    expect(l.gpt).toEqual({ firstUsableLba: 34, lastUsableLba: 2097118, lastLba: 2097151, entryCount: 128, entrySize: 128, entrySectors: 32 });
  });

  it('floors sizes to whole MiB and takes percentages of what earlier partitions left', () => {
    const l = computeLayout({
      label: 'gpt',
      diskSize: 1000 * 1000 * 1000,
      partitions: [
        { name: 'a', size: { bytes: 10 * MiB + 12345 } },
        { name: 'b', size: { percent: 50 } },
      ],
    });
    expect(l.partitions[0]!.size).toBe(10 * MiB);
    const free = 1e9 - 2 * MiB - (10 * MiB + 12345);
    expect(l.partitions[1]!.size).toBe(Math.floor(Math.floor(free / 2) / MiB) * MiB);
  });

  it('sets attribute bit 2 for the boot flag and keeps given attributes, sorted', () => {
    const l = computeLayout({
      label: 'gpt',
      diskSize: GiB,
      partitions: [{ name: 'boot', size: { bytes: 8 * MiB }, flags: ['boot'], attributes: [63, 'required'] }],
    });
    expect(l.partitions[0]!.attributes).toEqual([0, 2, 63]);
    expect(l.partitions[0]!.bootable).toBe(true);
  });

  it('accepts a full type GUID in any case', () => {
    const l = computeLayout({ label: 'gpt', diskSize: GiB, partitions: [{ name: 'x', size: { bytes: MiB }, type: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b' }] });
    expect(l.partitions[0]!.type).toBe('C12A7328-F81F-11D2-BA4B-00A0C93EC93B');
  });
});

describe('layout errors name the partition', () => {
  const five = ['a', 'b', 'c', 'd', 'e'].map((n) => primary(n));
  it.each<[string, PartitionTableSpec, string, RegExp]>([
    ['a 5th MBR primary', { label: 'mbr', diskSize: GiB, partitions: five }, 'e', /5th/],
    ['a primary after a logical', { label: 'mbr', diskSize: GiB, partitions: [logical('l'), primary('p')] }, 'p', /before the first logical/],
    ['a logical when four primaries fill the MBR', { label: 'mbr', diskSize: GiB, partitions: [...five.slice(0, 4), logical('l')] }, 'l', /all 4 MBR entries/],
    ['an MBR partition past the disk end', { label: 'mbr', diskSize: GiB, partitions: [primary('big', GiB)] }, 'big', /beyond the 1073741824-byte disk/],
    ['a logical past the disk end', { label: 'mbr', diskSize: GiB, partitions: [logical('big', GiB - MiB)] }, 'big', /beyond/],
    ['an MBR disk over 2 TiB with logicals', { label: 'mbr', diskSize: 3 * 1024 * GiB, partitions: [logical('l')] }, 'l', /use label gpt/],
    ['a GPT type code in an MBR', { label: 'mbr', diskSize: GiB, partitions: [primary('esp', MiB, { type: 'EF00' })] }, 'esp', /not a one-byte hex/],
    ['an extended type asked for', { label: 'mbr', diskSize: GiB, partitions: [primary('x', MiB, { type: '0x0f' })] }, 'x', /extended container/],
    ['attributes in an MBR', { label: 'mbr', diskSize: GiB, partitions: [primary('x', MiB, { attributes: [0] })] }, 'x', /GPT only/],
    ['the primary flag in a GPT', { label: 'gpt', diskSize: GiB, partitions: [primary('x')] }, 'x', /MBR only/],
    ['an unknown GPT code', { label: 'gpt', diskSize: GiB, partitions: [{ name: 'x', size: { bytes: MiB }, type: 'ZZ00' }] }, 'x', /neither a known sgdisk code/],
    ['a GPT name over 36 characters', { label: 'gpt', diskSize: GiB, partitions: [{ name: 'n'.repeat(37), size: { bytes: MiB } }] }, 'n'.repeat(37), /36/],
    ['a GPT partition under 1 MiB', { label: 'gpt', diskSize: GiB, partitions: [{ name: 'tiny', size: { bytes: MiB - 1 } }] }, 'tiny', /less than 1 MiB/],
    ['GPT sizes over disk − 2 MiB (DIB)', { label: 'gpt', diskSize: GiB, partitions: [{ name: 'a', size: { bytes: GiB - MiB } }] }, 'a', /only 1071644672 are left/],
    ['a reserved GPT attribute bit', { label: 'gpt', diskSize: GiB, partitions: [{ name: 'a', size: { bytes: MiB }, attributes: [10] }] }, 'a', /attribute "10"/],
    ['a percentage over 100', { label: 'gpt', diskSize: GiB, partitions: [{ name: 'a', size: { percent: 101 } }] }, 'a', /at most 100%/],
    ['an unknown flag', { label: 'mbr', diskSize: GiB, partitions: [{ name: 'a', size: { bytes: MiB }, flags: ['bogus' as 'boot'] }] }, 'a', /unknown flag/],
  ])('rejects %s', (_what, spec, node, message) => {
    const e = layoutError(spec);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.node).toBe(node);
    expect(e.message).toMatch(message);
    expect(e.message).toContain(node);
  });

  it('rejects a GPT partition that fits DIB\'s budget but not the usable sectors with a large alignment', () => {
    // starts at 16, 32, 48 MiB; the 4th would start at 64 MiB, the disk's end
    const parts = ['a', 'b', 'c', 'd'].map((name) => ({ name, size: { bytes: 10 * MiB } }));
    expect(computeLayout({ label: 'gpt', diskSize: 64 * MiB, align: 16 * MiB, partitions: parts.slice(0, 3) }).partitions.map((p) => p.start / MiB)).toEqual([16, 32, 48]);
    const e = layoutError({ label: 'gpt', diskSize: 64 * MiB, align: 16 * MiB, partitions: parts });
    expect(e.node).toBe('d');
    expect(e.message).toMatch(/past the last usable sector/);
  });
});

describe('partitionTypeProblem (for validators that report every problem)', () => {
  it.each<[PartitionTableSpec['label'], string, RegExp | undefined]>([
    ['mbr', '0x83', undefined],
    ['mbr', 'c', undefined],
    ['mbr', 'EF00', /one-byte hex/],
    ['mbr', '00', /unused entry/],
    ['mbr', '5', /extended container/],
    ['gpt', 'ef00', undefined],
    ['gpt', '0FC63DAF-8483-4772-8E79-3D69D8477DE4', undefined],
    ['gpt', '83', /neither a known sgdisk code/],
  ])('%s type %j', (label, type, problem) => {
    const p = partitionTypeProblem(label, type);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });
});
