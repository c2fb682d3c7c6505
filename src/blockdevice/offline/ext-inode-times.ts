/**
 * With SOURCE_DATE_EPOCH, the times `mkfs.ext4 -d` copies from the host that two builds cannot
 * share. mke2fs 1.47.0 gives every inode it fills the source file's atime and ctime: a ctime is the
 * moment the host last changed the inode (clamping a time is such a change) and an atime moves
 * whenever the tree is read (tar, mkfs itself), so both differ from build to build. E2FSPROGS_FAKE_TIME
 * pins only what mke2fs makes itself (superblock, root, lost+found, crtime). Afterwards every inode
 * in use (dumpe2fs's inode bitmap) gets atime = ctime = the epoch, and the root directory the
 * source's mtime clamped to it, in one debugfs run (about 0.1 s for 30,000 inodes here).
 */
import { stat } from 'node:fs/promises';
import { blockDeviceFailed } from '../../errors.js';
import { run } from '../../host/exec.js';

const ROOT_INO = 2;

/** Inode numbers marked in use in `dumpe2fs` output (not -h): each group's range minus its "Free inodes". */
export function usedInodes(dumpe2fs: string): number[] {
  const perGroup = Number(/^Inodes per group:\s+(\d+)$/m.exec(dumpe2fs)?.[1]);
  const count = Number(/^Inode count:\s+(\d+)$/m.exec(dumpe2fs)?.[1]);
  if (!Number.isSafeInteger(perGroup) || perGroup <= 0 || !Number.isSafeInteger(count)) throw blockDeviceFailed('dumpe2fs printed no "Inode count" or "Inodes per group"');
  const used: number[] = [];
  let group = -1;
  let sawGroups = 0;
  for (const line of dumpe2fs.split('\n')) {
    const g = /^Group (\d+): /.exec(line);
    if (g) {
      group = Number(g[1]);
      continue;
    }
    const f = /^\s+Free inodes:\s*(.*)$/.exec(line);
    if (!f || group < 0) continue;
    sawGroups++;
    const first = group * perGroup + 1;
    const last = Math.min((group + 1) * perGroup, count);
    const free = new Set<number>();
    for (const part of f[1]!.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [a, b] = part.split('-').map(Number);
      for (let i = a!; i <= (b ?? a!); i++) free.add(i);
    }
    for (let i = first; i <= last; i++) if (!free.has(i)) used.push(i);
    group = -1;
  }
  if (sawGroups * perGroup < count) throw blockDeviceFailed(`dumpe2fs listed ${sawGroups} groups' free inodes, fewer than ${count} inodes need`);
  return used;
}

/** debugfs commands: atime and ctime of `inodes` (from `firstIno` on, and the root) set to `epoch`; the root's mtime/atime to `rootMtime`. */
export function inodeTimeCommands(inodes: readonly number[], firstIno: number, epoch: number, rootMtime: number): string {
  const lines: string[] = [];
  for (const ino of inodes) {
    if (ino < firstIno && ino !== ROOT_INO) continue;
    lines.push(`sif <${ino}> atime @${epoch}`, `sif <${ino}> ctime @${epoch}`);
  }
  lines.push(`sif <${ROOT_INO}> mtime @${rootMtime}`);
  return `${lines.join('\n')}\n`;
}

/** Pins the host-derived times of the ext filesystem at `offset` in `image`, filled from `source`. */
export async function pinExtInodeTimes(image: string, offset: number, source: string, epoch: number): Promise<number> {
  const device = `${image}?offset=${offset}`;
  const dump = await run('dumpe2fs', [device], { step: 'dumpe2fs' });
  const firstIno = Number(/^First inode:\s+(\d+)$/m.exec(dump)?.[1] ?? 11);
  const inodes = usedInodes(dump);
  const rootMtime = Math.min(Math.floor((await stat(source)).mtimeMs / 1000), epoch);
  await run('debugfs', ['-w', '-f', '-', device], {
    step: 'debugfs (pin times)',
    input: inodeTimeCommands(inodes, firstIno, epoch, rootMtime),
    env: { E2FSPROGS_FAKE_TIME: String(epoch) },
  });
  return inodes.length;
}
