// 4096-byte sectors (local_loop block_size 4096): the table is written into the file, then read
// back through a loop device with that sector size, the only way the tools see 4K sectors.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { computeLayout, type PartitionLabel } from '../../../../src/blockdevice/partition-table/layout.js';
import { writePartitionTable } from '../../../../src/blockdevice/partition-table/write-table.js';
import { hasLoop, skipUnless } from '../../../helpers/resources.js';
import { MiB, sfdiskJson, sparseImage, tool } from './sparse-image.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function loop4k(label: PartitionLabel): Promise<string> {
  const img = await sparseImage(256 * MiB);
  cleanups.push(img.cleanup);
  const partitions =
    label === 'gpt'
      ? [
          { name: 'ESP', size: { bytes: 64 * MiB }, type: 'EF00' },
          { name: 'root', size: { percent: 100 } },
        ]
      : [
          { name: 'boot', size: { bytes: 64 * MiB }, flags: ['primary', 'boot'] as const },
          { name: 'root', size: { percent: 100 } },
        ];
  const layout = computeLayout({ label, diskSize: 256 * MiB, sectorSize: 4096, partitions });
  await writePartitionTable(img.path, layout, { seed: '4k' });
  const dev = tool('losetup', ['--show', '--find', '--read-only', '--sector-size', '4096', img.path]).trim();
  cleanups.push(() => void execFileSync('losetup', ['--detach', dev]));
  return dev;
}

describe('partition tables with 4096-byte sectors', () => {
  it.skipIf(skipUnless(hasLoop, '4K-sector GPT test', 'needs root and loop devices'))('GPT: sgdisk and sfdisk read it through a 4K loop device', async () => {
    const dev = await loop4k('gpt');
    const r = tool('sgdisk', ['-v', dev]);
    expect(r).toContain('No problems found.');
    const t = sfdiskJson(dev);
    expect([t.firstlba, t.lastlba]).toEqual([6, 65536 - 6]);
    // 1 MiB alignment = 256 sectors; 100% of (256 − 2 − 64) MiB = 190 MiB
    expect(t.partitions!.map((p) => [p.start, p.size, p.name])).toEqual([
      [256, 64 * 256, 'ESP'],
      [256 + 64 * 256, 190 * 256, 'root'],
    ]);
  });

  it.skipIf(skipUnless(hasLoop, '4K-sector MBR test', 'needs root and loop devices'))('MBR: sfdisk reads primary, extended and logical in 4K sectors', async () => {
    const dev = await loop4k('mbr');
    const t = sfdiskJson(dev);
    expect(t.partitions!.map((p) => [p.start, p.size, p.type, p.bootable ?? false])).toEqual([
      [256, 64 * 256, '83', true],
      [256 + 64 * 256, 65536 - (256 + 64 * 256), 'f', false],
      // EBR at the extended start, data one MiB later; 100% of 256 MiB − (65 + 1) MiB = 190 MiB
      [512 + 64 * 256, 190 * 256, '83', false],
    ]);
  });
});
