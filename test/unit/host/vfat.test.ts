import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dir, file } from 'tmp-promise';
import { afterEach, describe, expect, it } from 'vitest';
import { computeLayout } from '../../../src/blockdevice/partition-table/layout.js';
import { writePartitionTable } from '../../../src/blockdevice/partition-table/write-table.js';
import { copyTreeIntoVfat, formatVfat, listVfat, normaliseVolumeId } from '../../../src/host/vfat.js';
import { MiB, readBytes, sfdiskJson, sparseImage } from '../blockdevice/partition-table/sparse-image.js';

const SHM_IS_TMPFS = (() => {
  try {
    return statfsSync('/dev/shm').type === 0x01021994;
  } catch {
    return false;
  }
})();
if (!SHM_IS_TMPFS) console.warn('vfat test: the copy-order case needs /dev/shm on tmpfs (creation-ordered directories), and it is not');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A 64 MiB GPT image with a 32 MiB ESP at 1 MiB and a root partition after it. */
async function diskWithEsp(): Promise<{ path: string; esp: { offset: number; size: number }; root: { offset: number; size: number } }> {
  const img = await sparseImage(64 * MiB);
  cleanups.push(img.cleanup);
  const layout = computeLayout({
    label: 'gpt',
    diskSize: 64 * MiB,
    partitions: [
      { name: 'ESP', size: { bytes: 32 * MiB }, type: 'EF00' },
      { name: 'root', size: { percent: 100 } },
    ],
  });
  const t = await writePartitionTable(img.path, layout, { seed: 'vfat-test' });
  const [esp, root] = t.partitions.map((p) => ({ offset: p.offset, size: p.sizeLimit }));
  return { path: img.path, esp: esp!, root: root! };
}

async function sourceTree(): Promise<string> {
  const d = await dir({ unsafeCleanup: true });
  cleanups.push(d.cleanup);
  await mkdir(join(d.path, 'EFI', 'BOOT'), { recursive: true });
  await mkdir(join(d.path, 'a dir', 'deeper', 'deepest'), { recursive: true });
  await mkdir(join(d.path, 'empty'));
  await writeFile(join(d.path, 'EFI', 'BOOT', 'BOOTX64.EFI'), Buffer.alloc(70_000, 7));
  await writeFile(join(d.path, 'a dir', 'file with spaces.txt'), 'hello vfat\n');
  await writeFile(join(d.path, 'a dir', 'deeper', 'deepest', 'grub.cfg'), 'set timeout=0\n');
  return d.path;
}

const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
function mtype(image: string, offset: number, path: string): string {
  return execFileSync('mtype', ['-i', `${image}@@${offset}`, `::${path}`], { env: mtoolsEnv, encoding: 'utf8' });
}

describe('vfat without mounting', () => {
  it('formats a partition inside an image at its offset; blkid sees the label, id and type there', async () => {
    const { path, esp } = await diskWithEsp();
    await formatVfat(path, { label: 'ESP', volumeId: 'abcd-1234', offset: esp.offset, size: esp.size });
    const probe = execFileSync('blkid', ['-p', '-o', 'export', '-O', String(esp.offset), path], { encoding: 'utf8' });
    expect(probe).toMatch(/^TYPE=vfat$/m);
    expect(probe).toMatch(/^LABEL=ESP$/m);
    expect(probe).toMatch(/^UUID=ABCD-1234$/m);
    // hidden sectors (BPB offset 0x1C) = the partition's start LBA
    expect((await readBytes(path, esp.offset + 0x1c, 4)).readUInt32LE(0)).toBe(esp.offset / 512);
  });

  it('stays inside its partition: the table and the next partition are untouched', async () => {
    const { path, esp, root } = await diskWithEsp();
    const before = sfdiskJson(path);
    await formatVfat(path, { label: 'ESP', offset: esp.offset, size: esp.size, fatSize: 32 });
    expect(sfdiskJson(path)).toEqual(before);
    expect((await readBytes(path, root.offset, MiB)).every((b) => b === 0)).toBe(true);
    expect(execFileSync('blkid', ['-p', '-o', 'export', '-O', String(esp.offset), path], { encoding: 'utf8' })).toMatch(/^VERSION=FAT32$/m);
  });

  it('copies a tree with nested dirs, an empty dir and a name with spaces; mtools and fsck.fat agree', async () => {
    const { path, esp } = await diskWithEsp();
    await formatVfat(path, { label: 'ESP', offset: esp.offset, size: esp.size });
    const src = await sourceTree();
    await copyTreeIntoVfat(path, esp.offset, src);
    expect(await listVfat(path, esp.offset)).toEqual([
      '/EFI/',
      '/EFI/BOOT/',
      '/EFI/BOOT/BOOTX64.EFI',
      '/a dir/',
      '/a dir/deeper/',
      '/a dir/deeper/deepest/',
      '/a dir/deeper/deepest/grub.cfg',
      '/a dir/file with spaces.txt',
      '/empty/',
    ]);
    expect(mtype(path, esp.offset, '/a dir/file with spaces.txt')).toBe('hello vfat\n');
    expect(mtype(path, esp.offset, '/EFI/BOOT/BOOTX64.EFI')).toBe(Buffer.alloc(70_000, 7).toString('utf8'));

    // the filesystem alone, checked by fsck.fat (read-only)
    const region = await file({ postfix: '.fat' });
    cleanups.push(region.cleanup);
    await writeFile(region.path, await readBytes(path, esp.offset, esp.size));
    expect(() => execFileSync('fsck.fat', ['-n', region.path], { stdio: 'pipe' })).not.toThrow();
  });

  it('a second copy merges directories and overwrites files of the same name', async () => {
    const { path, esp } = await diskWithEsp();
    await formatVfat(path, { offset: esp.offset, size: esp.size });
    await copyTreeIntoVfat(path, esp.offset, await sourceTree());
    const second = await dir({ unsafeCleanup: true });
    cleanups.push(second.cleanup);
    await mkdir(join(second.path, 'a dir'));
    await writeFile(join(second.path, 'a dir', 'file with spaces.txt'), 'second\n');
    await writeFile(join(second.path, 'a dir', 'new.txt'), 'new\n');
    await copyTreeIntoVfat(path, esp.offset, second.path);
    expect(mtype(path, esp.offset, '/a dir/file with spaces.txt')).toBe('second\n');
    expect(await listVfat(path, esp.offset)).toContain('/a dir/new.txt');
    expect(await listVfat(path, esp.offset)).toContain('/a dir/deeper/deepest/grub.cfg');
  });

  // tmpfs lists a directory in the order its entries were made, so the two sources below really are
  // read in different orders (asserted); on ext4 both would come back in the same hash order
  it.skipIf(!SHM_IS_TMPFS)('gives the same bytes for one tree held in two tmpfs directories whose entries were made in opposite orders', async () => {
    const names = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'a long file name.txt'];
    const made = async (order: readonly string[]) => {
      const d = await dir({ unsafeCleanup: true, tmpdir: '/dev/shm' });
      cleanups.push(d.cleanup);
      for (const n of order) {
        await mkdir(join(d.path, 'EFI', n), { recursive: true });
        await writeFile(join(d.path, 'EFI', n, 'grub.cfg'), `${n}\n`);
        await writeFile(join(d.path, n), `${n}\n`);
      }
      for (const p of ['', 'EFI', ...order.flatMap((n) => [n, join('EFI', n), join('EFI', n, 'grub.cfg')])]) await utimes(join(d.path, p), 1_700_000_000, 1_700_000_000);
      return d.path;
    };
    const images: Buffer[] = [];
    const listed: string[][] = [];
    for (const order of [names, [...names].reverse()]) {
      const img = await file({ postfix: '.fat' });
      cleanups.push(img.cleanup);
      await truncate(img.path, 8 * MiB);
      await formatVfat(img.path, { label: 'ESP', volumeId: '1234-ABCD', invariant: true });
      const src = await made(order);
      // `ls -f`: the directory's own order (Node's readdir sorts)
      listed.push(execFileSync('ls', ['-f', join(src, 'EFI')], { encoding: 'utf8' }).split('\n'));
      await copyTreeIntoVfat(img.path, 0, src);
      images.push(await readFile(img.path));
    }
    expect(listed[1]).not.toEqual(listed[0]);
    expect(images[1]!.equals(images[0]!)).toBe(true);
  });

  it('formats with fixed times under invariant: two formats 2 s apart (FAT counts 2 s) are byte-identical, the volume id is still the one given', async () => {
    const formatted: Buffer[] = [];
    for (const i of [0, 1]) {
      if (i > 0) await new Promise((r) => setTimeout(r, 2100));
      const img = await file({ postfix: '.fat' });
      cleanups.push(img.cleanup);
      await truncate(img.path, 8 * MiB);
      // not 1234-ABCD: that is the id mkfs.fat 4.2's --invariant sets itself when it comes after -i
      await formatVfat(img.path, { label: 'ESP', volumeId: '5EED-0019', invariant: true });
      formatted.push(await readFile(img.path));
      expect(execFileSync('blkid', ['-p', '-o', 'export', img.path], { encoding: 'utf8' })).toMatch(/^UUID=5EED-0019$/m);
    }
    expect(formatted[1]!.equals(formatted[0]!)).toBe(true);
  });

  it('an empty source tree copies nothing and lists nothing', async () => {
    const { path, esp } = await diskWithEsp();
    await formatVfat(path, { offset: esp.offset, size: esp.size });
    const empty = await dir({ unsafeCleanup: true });
    cleanups.push(empty.cleanup);
    await copyTreeIntoVfat(path, esp.offset, empty.path);
    expect(await listVfat(path, esp.offset)).toEqual([]);
  });

  it('a failing mcopy is a HOST_COMMAND_FAILED error naming mcopy', async () => {
    const { path, esp } = await diskWithEsp();
    // nothing formatted there: mtools finds no FAT boot sector
    const src = await sourceTree();
    await expect(copyTreeIntoVfat(path, esp.offset, src)).rejects.toMatchObject({ code: 'HOST_COMMAND_FAILED', message: expect.stringContaining('mcopy') });
  });

  it.each([
    [{ label: 'TWELVE_CHARS' }, /1 to 11 characters/],
    [{ volumeId: 'xyz' }, /8 hex digits/],
    [{ offset: 1000, size: MiB }, /multiple of 512/],
    [{ offset: MiB }, /needs a size/],
  ])('rejects %j before running mkfs.vfat', async (opts, message) => {
    await expect(formatVfat('/nonexistent-tsdib-target', opts)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) });
  });

  it('reads volume ids as blkid prints them or as bare hex', () => {
    expect(normaliseVolumeId('abcd-1234')).toBe('ABCD1234');
    expect(normaliseVolumeId('ABCD1234')).toBe('ABCD1234');
    expect(normaliseVolumeId('ABCD-12345')).toBeUndefined();
  });
});

describe('listVfat', () => {
  it('fails with HOST_COMMAND_FAILED where there is no FAT filesystem', async () => {
    const img = await sparseImage(8 * MiB);
    cleanups.push(img.cleanup);
    await expect(listVfat(img.path, MiB)).rejects.toMatchObject({ code: 'HOST_COMMAND_FAILED' });
  });
});
