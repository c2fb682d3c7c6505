/**
 * vfat without mounting (this kernel has no vfat module): mkfs.vfat formats a device, a file or a
 * region of an image file (`--offset`), and mtools copies a host tree into it or lists it, reading
 * the image at a byte offset (`-i IMAGE@@OFFSET`). A vfat "mount" can therefore be a staging
 * directory that is copied in at umount.
 */
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configInvalid } from '../errors.js';
import { run } from './exec.js';

const FAT_LABEL_MAX = 11;
const MKFS_SECTOR = 512;

export interface FormatVfatOptions {
  /** Volume label, at most 11 bytes (DIB upper-cases vfat labels before this). */
  label?: string;
  /** Volume ID as blkid shows it (`ABCD-1234`) or 8 hex digits; default: mkfs.vfat's (time-based). */
  volumeId?: string;
  /** Byte offset of the filesystem in `target` (a partition inside an image); a multiple of 512. */
  offset?: number;
  /** Byte size of the filesystem; required with `offset` so mkfs stops at the partition's end. */
  size?: number;
  /** FAT12/16/32; default: mkfs.vfat picks by size. */
  fatSize?: 12 | 16 | 32;
  /** Constant timestamps and ids where mkfs.vfat would use the clock or randomness. */
  invariant?: boolean;
  /** Further mkfs.vfat arguments (the mkfs node's `opts`), placed before the target. */
  extraArgs?: readonly string[];
}

/** `ABCD-1234` or `abcd1234` → `ABCD1234` (mkfs.vfat -i); undefined when malformed. */
export function normaliseVolumeId(text: string): string | undefined {
  const m = /^([0-9a-f]{4})-?([0-9a-f]{4})$/i.exec(text.trim());
  return m ? `${m[1]}${m[2]}`.toUpperCase() : undefined;
}

/** Formats `target` (device, file, or with `offset` a region of a file) as vfat. */
export async function formatVfat(target: string, opts: FormatVfatOptions = {}): Promise<void> {
  const args: string[] = [];
  // before -i: mkfs.fat 4.2 sets its constant volume id (1234-ABCD) when it reads --invariant
  if (opts.invariant) args.push('--invariant');
  if (opts.fatSize !== undefined) args.push('-F', String(opts.fatSize));
  if (opts.label !== undefined) {
    if (Buffer.byteLength(opts.label, 'latin1') > FAT_LABEL_MAX || opts.label === '') {
      throw configInvalid(`vfat label "${opts.label}" must have 1 to ${FAT_LABEL_MAX} characters`, { hint: 'shorten the mkfs label' });
    }
    args.push('-n', opts.label);
  }
  if (opts.volumeId !== undefined) {
    const id = normaliseVolumeId(opts.volumeId);
    if (!id) throw configInvalid(`vfat volume id "${opts.volumeId}" is not 8 hex digits such as ABCD-1234`);
    args.push('-i', id);
  }
  if (opts.offset !== undefined) {
    if (!Number.isSafeInteger(opts.offset) || opts.offset < 0 || opts.offset % MKFS_SECTOR !== 0) {
      throw configInvalid(`vfat offset ${opts.offset} is not a multiple of ${MKFS_SECTOR} bytes`);
    }
    if (opts.size === undefined) throw configInvalid('formatVfat: an offset needs a size, or mkfs.vfat would take the rest of the file');
    // the offset in sectors, and the same as "hidden sectors": the partition's start LBA
    args.push(`--offset=${opts.offset / MKFS_SECTOR}`);
    args.push('-h', String(opts.offset / MKFS_SECTOR));
  }
  args.push(...(opts.extraArgs ?? []));
  args.push(target);
  if (opts.size !== undefined) {
    if (!Number.isSafeInteger(opts.size) || opts.size < 1024) throw configInvalid(`vfat size ${opts.size} is not a whole number of bytes ≥ 1024`);
    args.push(String(Math.floor(opts.size / 1024)));
  }
  await run('mkfs.vfat', args, { step: 'mkfs.vfat' });
}

/** mtools' name for the filesystem at `byteOffset` in `image`. */
function mtoolsImage(image: string, byteOffset: number): string {
  if (image.includes('@@')) throw configInvalid(`mtools cannot address an image whose path contains "@@": ${image}`);
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0) throw configInvalid(`vfat byte offset ${byteOffset} is not a whole number`);
  return byteOffset === 0 ? image : `${image}@@${byteOffset}`;
}

/** mtools without the user's config and without the geometry check an image at an offset fails. */
const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: '1', MTOOLSRC: '/dev/null' };

/**
 * Copies the contents of `sourceDir` (recursively, with modes and times as FAT can hold them)
 * into the root of the vfat filesystem at `byteOffset` in `image`. Existing files of the same
 * name are overwritten; existing directories are merged. Symlinks are followed.
 *
 * FAT keeps a directory's entries in the order they were made, and `mcopy -s` walks a source
 * directory in readdir order (tmpfs: creation order; ext4: hash order), so the same tree copied
 * from two directories gave two filesystems. Here each directory is one `mcopy` of its entries in
 * name order; a subdirectory is copied as an empty stand-in with its name, mode and times (mcopy
 * -s -m makes it with those), and then filled the same way.
 */
export async function copyTreeIntoVfat(image: string, byteOffset: number, sourceDir: string): Promise<void> {
  const drive = mtoolsImage(image, byteOffset);
  if ((await readdir(sourceDir)).length === 0) return;
  const standIns = await mkdtemp(join(tmpdir(), 'tsdib-vfat-'));
  try {
    let next = 0;
    const copyDir = async (dir: string, target: string, ancestors: readonly string[]): Promise<void> => {
      const real = await realpath(dir);
      if (ancestors.includes(real)) throw configInvalid(`${dir} leads back to ${real} through a symbolic link; a FAT copy would never end`);
      const names = (await readdir(dir)).sort();
      const subdirs: string[] = [];
      const args: string[] = [];
      for (const name of names) {
        const path = join(dir, name);
        const st = await stat(path);
        if (!st.isDirectory()) {
          args.push(path);
          continue;
        }
        const standIn = join(standIns, String(next++), name);
        await mkdir(standIn, { recursive: true });
        await chmod(standIn, st.mode & 0o7777);
        await utimes(standIn, st.atime, st.mtime);
        args.push(standIn);
        subdirs.push(name);
      }
      if (args.length > 0) await run('mcopy', ['-i', drive, '-s', '-p', '-m', '-Q', '-D', 'o', ...args, target], { step: 'mcopy', env: MTOOLS_ENV });
      for (const name of subdirs) await copyDir(join(dir, name), `${target}${name}/`, [...ancestors, real]);
    };
    await copyDir(sourceDir, '::/', []);
  } finally {
    await rm(standIns, { recursive: true, force: true });
  }
}

/** Every path in the filesystem, directories with a trailing `/`, e.g. `/EFI/BOOT/BOOTX64.EFI`; sorted. */
export async function listVfat(image: string, byteOffset: number): Promise<string[]> {
  const drive = mtoolsImage(image, byteOffset);
  let out: string;
  try {
    out = await run('mdir', ['-i', drive, '-/', '-b', '::/'], { step: 'mdir', env: MTOOLS_ENV });
  } catch (e) {
    // `mdir -/ -b` exits 1 for an empty root; the plain listing tells that apart from a bad image
    const plain = await run('mdir', ['-i', drive, '::/'], { step: 'mdir', env: MTOOLS_ENV }).catch(() => '');
    if (/^No files$/m.test(plain)) return [];
    throw e;
  }
  return out
    .split('\n')
    .filter((l) => l.startsWith('::/'))
    .map((l) => l.slice(2))
    .sort();
}
