import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dir } from 'tmp-promise';
import { afterEach, describe, expect, it } from 'vitest';
import { inodeTimeCommands, usedInodes } from '../../../../src/blockdevice/offline/ext-inode-times.js';
import { extPopulator } from '../../../../src/blockdevice/offline/populate-ext.js';
import type { OfflineFilesystem } from '../../../../src/blockdevice/offline/offline-disk.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const DUMP = `Inode count:              6048
Inodes per group:         2016
First inode:              11
Group 0: (Blocks 1-8192) csum 0x13e5 [ITABLE_ZEROED]
  Free inodes: 14-15, 18-2016
Group 1: (Blocks 8193-16384) csum 0x6772 [INODE_UNINIT, ITABLE_ZEROED]
  Free inodes: 2017-4032
Group 2: (Blocks 16385-24576) csum 0x0520 [ITABLE_ZEROED]
  Free inodes: 4033, 4035-6047
`;

describe('usedInodes', () => {
  it("lists each group's inodes that are not in its Free inodes ranges", () => {
    expect(usedInodes(DUMP)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 4034, 6048]);
  });

  it('counts a group with an empty Free inodes list as all in use', () => {
    const full = DUMP.replace('Free inodes: 2017-4032', 'Free inodes: ');
    expect(usedInodes(full)).toHaveLength(17 + 2016);
  });

  it('refuses output that lists fewer groups than the inode count needs', () => {
    expect(() => usedInodes(DUMP.split('Group 2')[0]!)).toThrow(/fewer than 6048/);
  });
});

describe('inodeTimeCommands', () => {
  it('sets atime and ctime of the root and of every inode from the first one on, and the root mtime', () => {
    expect(inodeTimeCommands([1, 2, 7, 11, 12], 11, 1700000000, 1600000000).split('\n')).toEqual([
      'sif <2> atime @1700000000',
      'sif <2> ctime @1700000000',
      'sif <11> atime @1700000000',
      'sif <11> ctime @1700000000',
      'sif <12> atime @1700000000',
      'sif <12> ctime @1700000000',
      'sif <2> mtime @1600000000',
      '',
    ]);
  });
});

const EPOCH = 1_700_000_000;

describe('extPopulator with SOURCE_DATE_EPOCH', () => {
  it('gives the same bytes after the source tree was read and its ctimes and atimes changed', async () => {
    const work = await dir({ unsafeCleanup: true });
    cleanups.push(work.cleanup);
    const tree = join(work.path, 'tree');
    await mkdir(join(tree, 'etc', 'sub'), { recursive: true });
    await writeFile(join(tree, 'etc', 'hostname'), 'fake\n');
    await writeFile(join(tree, 'etc', 'sub', 'data'), 'x'.repeat(10_000));
    for (const p of ['', 'etc', 'etc/hostname', 'etc/sub', 'etc/sub/data']) await utimes(join(tree, p), EPOCH - 100, EPOCH - 100);
    const fs: OfflineFilesystem = {
      name: 'mkfs_root',
      spec: { type: 'ext4', label: 'root', uuid: '66666666-7777-4888-8999-aaaaaaaaaaaa', opts: ['-E', 'hash_seed=11111111-2222-4333-8444-555555555555'] },
      offset: 1 << 20,
      size: 16 << 20,
      mountPoint: '/',
    };
    const images: Buffer[] = [];
    for (const name of ['a.raw', 'b.raw']) {
      const image = join(work.path, name);
      await writeFile(image, '');
      await truncate(image, 18 << 20);
      await extPopulator.populate(fs, tree, { image, scratchDir: work.path, sourceDateEpoch: EPOCH });
      images.push(await readFile(image));
      // between the two: new ctimes (chmod to the same mode) and atimes (a later utimes, then reads)
      await new Promise((r) => setTimeout(r, 1100));
      for (const p of ['etc/hostname', 'etc/sub']) await chmod(join(tree, p), (await stat(join(tree, p))).mode & 0o7777);
      for (const p of ['etc/hostname', 'etc/sub/data']) await utimes(join(tree, p), new Date(), EPOCH - 100);
    }
    expect(images[1]!.equals(images[0]!)).toBe(true);
    const inode = execFileSync('debugfs', ['-R', 'stat /etc/hostname', `${join(work.path, 'a.raw')}?offset=${1 << 20}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const field of ['ctime', 'atime']) expect(inode).toMatch(new RegExp(`^ ?${field}: 0x${EPOCH.toString(16)}:`, 'm'));
    expect(inode).toMatch(new RegExp(`^ ?mtime: 0x${(EPOCH - 100).toString(16)}:`, 'm'));
  });
});
