import { describe, expect, it } from 'vitest';
import { computeImageSize } from '../../../src/pipeline/image-size.js';

const base = { imageSizeGB: undefined, imageExtraSizeMB: undefined, journalSizeMB: 64, rootFsType: 'ext4', fixedPartitionBytes: 0, maxOnlineResize: undefined, mkfsOptions: undefined };

describe('computeImageSize', () => {
  it('divides the tree by 0.6, adds the journal and rounds up to 64 KiB (DIB)', () => {
    const s = computeImageSize({ ...base, treeKiB: 600_000 });
    expect(s.bytes).toBe(Math.ceil((1_000_000 + 64 * 1024) / 64) * 64 * 1024);
    expect(s.rootFsOpts).toBe('-i 4096 -J size=64');
  });

  it('adds --image-extra-size MB instead of dividing', () => {
    expect(computeImageSize({ ...base, treeKiB: 600_000, imageExtraSizeMB: 100 }).bytes).toBe(Math.ceil((600_000 + 100 * 1024 + 64 * 1024) / 64) * 64 * 1024);
  });

  it('takes an explicit --image-size as is: no journal, no partitions added', () => {
    expect(computeImageSize({ ...base, treeKiB: 600_000, imageSizeGB: 2, fixedPartitionBytes: 64 << 20 }).bytes).toBe(2 * 1024 ** 3);
  });

  it('adds the fixed-size partitions and 1 MiB for the table to a computed size', () => {
    const without = computeImageSize({ ...base, treeKiB: 600_000 }).bytes;
    expect(computeImageSize({ ...base, treeKiB: 600_000, fixedPartitionBytes: 65 << 20 }).bytes).toBe(without + (66 << 20));
  });

  it('keeps a tiny tree at least 4 × the journal so mke2fs accepts the journal', () => {
    expect(computeImageSize({ ...base, treeKiB: 3000 }).bytes).toBe(256 * 1024 * 1024);
  });

  it('puts -E resize first and the user mkfs options last', () => {
    expect(computeImageSize({ ...base, treeKiB: 10, maxOnlineResize: 1000, mkfsOptions: '-O ^has_journal' }).rootFsOpts).toBe('-E resize=1000 -i 4096 -J size=64 -O ^has_journal');
  });

  it('adds no journal options for xfs', () => {
    expect(computeImageSize({ ...base, treeKiB: 600_000, rootFsType: 'xfs' }).rootFsOpts).toBeUndefined();
  });
});
