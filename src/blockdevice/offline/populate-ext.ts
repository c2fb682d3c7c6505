/**
 * ext2/3/4 made and filled in one command, straight into the image at its offset:
 *   mkfs -t ext4 [opts] -E <opts' -E>,offset=N -L LABEL -U UUID -q -F -d SOURCE IMAGE <KiB>k
 * (mke2fs ≥ 1.43 copies owners, modes, xattrs incl. ACLs and file capabilities, hard links, device
 * nodes, FIFOs, symlinks and sparse files; it keeps whole-second times only). mke2fs takes the last
 * `-E` alone, so the mkfs node's `-E` options are merged with the offset. mke2fs gives the root
 * directory its own mode, owner and times; debugfs then sets those of SOURCE, as `cp -a` into the
 * mounted filesystem does on the loop path. The order entries are added in is mke2fs's (scandir,
 * alphasort), not the source directory's: a tmpfs and an ext4 copy of one tree give the same bytes.
 * With SOURCE_DATE_EPOCH the times mke2fs copies from the host are pinned afterwards (ext-inode-times.ts).
 */
import { stat } from 'node:fs/promises';
import { run } from '../../host/exec.js';
import { mkfsCommand, type FilesystemSpec } from '../filesystems.js';
import { pinExtInodeTimes } from './ext-inode-times.js';
import type { FilesystemPopulator } from './populator.js';

/** The `-E` options of an opts list (`-E a,b`, `-Ea`), and the list without them. */
export function splitExtendedOptions(opts: readonly string[]): { extended: string[]; rest: string[] } {
  const extended: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i]!;
    if (o === '-E' && i + 1 < opts.length) extended.push(...opts[++i]!.split(',').filter(Boolean));
    else if (o.startsWith('-E') && o.length > 2) extended.push(...o.slice(2).split(',').filter(Boolean));
    else rest.push(o);
  }
  return { extended, rest };
}

/** mkfs's argv for an ext filesystem of `size` bytes at `offset` in `image`, filled from `source`. */
export function extMkfsArgs(spec: FilesystemSpec, image: string, offset: number, size: number, source: string | undefined): string[] {
  const { extended, rest } = splitExtendedOptions(spec.opts);
  const args = mkfsCommand({ ...spec, opts: rest }, image).args;
  args.pop();
  const ext = [...extended.filter((e) => !e.startsWith('offset=')), `offset=${offset}`];
  args.push('-E', ext.join(','), '-F');
  if (source !== undefined) args.push('-d', source);
  args.push(image, `${Math.floor(size / 1024)}k`);
  return args;
}

/** debugfs commands that give the root directory the mode, owner and times of `source`. */
export async function rootInodeCommands(source: string): Promise<string> {
  const st = await stat(source);
  const secs = (t: Date) => Math.floor(t.getTime() / 1000);
  return [
    `sif / mode 0${(st.mode & 0o177777).toString(8)}`,
    `sif / uid ${st.uid}`,
    `sif / gid ${st.gid}`,
    `sif / atime @${secs(st.atime)}`,
    `sif / mtime @${secs(st.mtime)}`,
  ].join('\n');
}

export const extPopulator: FilesystemPopulator = {
  hostCommands: ['mkfs.ext4', 'debugfs', 'dumpe2fs'],
  async populate(fs, source, ctx) {
    // mke2fs 1.47.0 reads no SOURCE_DATE_EPOCH; E2FSPROGS_FAKE_TIME pins its superblock, inode and
    // lost+found times. LC_ALL=C: -d adds each directory's entries in scandir(alphasort) order, which
    // is strcoll's, so the host's locale would otherwise decide the inode numbers
    const env = { LC_ALL: 'C', ...(ctx.sourceDateEpoch === undefined ? {} : { E2FSPROGS_FAKE_TIME: String(ctx.sourceDateEpoch) }) };
    await run('mkfs', extMkfsArgs(fs.spec, ctx.image, fs.offset, fs.size, source), { step: `mkfs ${fs.spec.type} -d`, env });
    if (source === undefined) return;
    await run('debugfs', ['-w', '-f', '-', `${ctx.image}?offset=${fs.offset}`], { step: 'debugfs', input: `${await rootInodeCommands(source)}\n` });
    if (ctx.sourceDateEpoch !== undefined) await pinExtInodeTimes(ctx.image, fs.offset, source, ctx.sourceDateEpoch);
  },
};
