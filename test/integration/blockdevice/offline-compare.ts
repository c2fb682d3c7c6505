// Oracles for comparing an offline-assembled disk with the loop path's disk of the same config and
// tree: each filesystem is checked (e2fsck/fsck.vfat/btrfs check) and listed through a read-only
// loop mount made here and undone before returning (tar with numeric owners and all xattrs, read by
// tree-compare; mtimes and allocated blocks apart).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTree, type TreeRecord } from '../../helpers/tree-compare.js';

export interface Region {
  offset: number;
  size: number;
}

/** Runs `fn` with a read-only loop device over a region; the device is detached afterwards. */
export function withReadOnlyLoop<T>(image: string, r: Region, fn: (device: string) => T): T {
  const device = execFileSync('losetup', ['--find', '--show', '--read-only', '--offset', String(r.offset), '--sizelimit', String(r.size), image], { encoding: 'utf8' }).trim();
  try {
    return fn(device);
  } finally {
    execFileSync('losetup', ['--detach', device]);
  }
}

/** The filesystem checker's verdict on a region: exit status and output. */
export function fsck(image: string, r: Region, type: string): { status: number; output: string } {
  return withReadOnlyLoop(image, r, (dev) => {
    const [cmd, args] =
      type === 'vfat' ? ['fsck.vfat', ['-n', dev]] : type === 'btrfs' ? ['btrfs', ['check', '--readonly', dev]] : ['e2fsck', ['-f', '-n', dev]];
    const res = spawnSync(cmd as string, args as string[], { encoding: 'utf8' });
    return { status: res.status ?? -1, output: `${res.stdout}${res.stderr}` };
  });
}

export interface Listing {
  tree: Map<string, TreeRecord>;
  /** Path → whole-second mtime. */
  mtimes: Map<string, number>;
  /** Path → allocated 512-byte blocks of regular files. */
  blocks: Map<string, number>;
}

/** mtimes and allocated blocks of everything below `dir`, from find. */
function statsBelow(dir: string): Omit<Listing, 'tree'> {
  const fields = execFileSync('find', [dir, '-mindepth', '1', '-printf', '%P\\0%T@\\0%y\\0%b\\0'], { encoding: 'utf8' }).split('\0');
  const mtimes = new Map<string, number>();
  const blocks = new Map<string, number>();
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const path = `/${fields[i]}`;
    mtimes.set(path, Math.floor(Number(fields[i + 1])));
    if (fields[i + 2] === 'f') blocks.set(path, Number(fields[i + 3]));
  }
  return { mtimes, blocks };
}

/** Lists an ext/btrfs filesystem: mounted read-only at a temp dir, tarred with xattrs, unmounted. */
export async function listFilesystem(image: string, r: Region, type: string): Promise<Listing> {
  const work = mkdtempSync(join(tmpdir(), 'tsdib-offline-list-'));
  const mnt = join(work, 'mnt');
  mkdirSync(mnt);
  try {
    const stats = withReadOnlyLoop(image, r, (dev) => {
      execFileSync('mount', ['-t', type, '-o', 'ro', dev, mnt]);
      try {
        execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-C', mnt, '-cf', join(work, 'fs.tar'), '.']);
        return statsBelow(mnt);
      } finally {
        execFileSync('umount', [mnt]);
      }
    });
    return { tree: await readTree(join(work, 'fs.tar'), { volatile: [] }), ...stats };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** sfdisk's view of a table without what is random per build (disk id, partition GUIDs) or names the file. */
export function tableShape(image: string): unknown {
  const t = (JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })) as { partitiontable: Record<string, unknown> }).partitiontable;
  const { id: _id, device: _device, ...rest } = t;
  const partitions = (rest['partitions'] as Array<Record<string, unknown>>).map(({ uuid: _u, node: _n, ...p }) => p);
  return { ...rest, partitions };
}

const EXT_SHAPE_FIELDS = ['Filesystem features', 'Inode count', 'Block count', 'Reserved block count', 'Block size', 'Inode size', 'Inodes per group', 'Journal size'];

/** The mkfs-chosen shape of an ext filesystem (dumpe2fs -h): what the same mke2fs options on the same size must give. */
export function extShape(image: string, offset: number): Record<string, string> {
  const out = execFileSync('dumpe2fs', ['-h', `${image}?offset=${offset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const fields: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf(':');
    const key = line.slice(0, i);
    if (i > 0 && EXT_SHAPE_FIELDS.includes(key)) fields[key] = line.slice(i + 1).trim();
  }
  return fields;
}
