// Reads what a disk image holds: the partition table (sfdisk's JSON), the root filesystem mounted
// read-only through an offset loop device (the host has no partition scan), and a listing of
// paths, types, modes and owners to compare with the tar output.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Listing {
  /** path (absolute, '/' for the root) → "type mode uid gid" */
  entries: Map<string, string>;
}

interface SfdiskPartition {
  start: number;
  size: number;
  type: string;
  bootable?: boolean;
}

export interface PartitionTable {
  label: 'dos' | 'gpt';
  sectorSize: number;
  partitions: SfdiskPartition[];
}

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

export function partitionTable(raw: string): PartitionTable {
  const t = JSON.parse(sh('sfdisk', ['--json', raw])).partitiontable as { label: 'dos' | 'gpt'; sectorsize?: number; partitions: SfdiskPartition[] };
  return { label: t.label, sectorSize: t.sectorsize ?? 512, partitions: t.partitions };
}

/** The root partition: the Linux one (MBR 83, GPT 0FC63DAF-…). */
export function rootPartition(table: PartitionTable): SfdiskPartition {
  const p = table.partitions.find((x) => x.type === '83' || x.type.toUpperCase() === '0FC63DAF-8483-4772-8E79-3D69D8477DE4');
  if (!p) throw new Error(`no Linux root partition in ${JSON.stringify(table.partitions)}`);
  return p;
}

/** Converts a qcow2 to a sparse raw file next to a temp dir (qemu-img is the oracle here). */
export function qcow2ToRaw(qcow2: string, dir: string): string {
  const raw = join(dir, 'image.raw');
  sh('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', qcow2, raw]);
  return raw;
}

function typeOf(mode: number): string {
  const t = mode & 0o170000;
  return t === 0o040000 ? 'dir' : t === 0o120000 ? 'symlink' : t === 0o100000 ? 'file' : t === 0o020000 ? 'char' : t === 0o060000 ? 'block' : t === 0o010000 ? 'fifo' : 'other';
}

function walk(root: string, rel: string, out: Map<string, string>, skip: (p: string) => boolean): void {
  const abs = join(root, rel);
  const s = lstatSync(abs);
  const path = `/${rel}`.replace(/\/$/, '') || '/';
  if (skip(path)) return;
  out.set(path, `${typeOf(s.mode)} ${(s.mode & 0o7777).toString(8)} ${s.uid} ${s.gid}`);
  if (s.isDirectory()) for (const name of readdirSync(abs).sort()) walk(root, rel ? `${rel}/${name}` : name, out, skip);
}

/** Lists the root filesystem of `raw`, mounted read-only via an offset loop; always detaches. */
export function listRootFilesystem(raw: string, skip: (p: string) => boolean): Listing {
  const table = partitionTable(raw);
  const p = rootPartition(table);
  const mnt = mkdtempSync(join(tmpdir(), 'tsdib-e2e-mnt-'));
  const loop = sh('losetup', ['--show', '--find', '--read-only', '--offset', String(p.start * table.sectorSize), '--sizelimit', String(p.size * table.sectorSize), raw]).trim();
  try {
    sh('mount', ['-o', 'ro', loop, mnt]);
    try {
      const entries = new Map<string, string>();
      walk(mnt, '', entries, skip);
      return { entries };
    } finally {
      sh('umount', [mnt]);
    }
  } finally {
    sh('losetup', ['--detach', loop]);
    rmSync(mnt, { recursive: true, force: true });
  }
}

const TAR_TYPES: Record<string, string> = { '-': 'file', h: 'file', d: 'dir', l: 'symlink', c: 'char', b: 'block', p: 'fifo' };

/** `rwsr-xr-t` → 0o5755 (GNU tar's and ls's notation). */
export function modeFromString(perms: string): number {
  let mode = 0;
  for (let i = 0; i < 9; i++) {
    const c = perms[i] ?? '-';
    if ('rwxst'.includes(c)) mode |= 1 << (8 - i);
  }
  if ('sS'.includes(perms[2] ?? '')) mode |= 0o4000;
  if ('sS'.includes(perms[5] ?? '')) mode |= 0o2000;
  if ('tT'.includes(perms[8] ?? '')) mode |= 0o1000;
  return mode;
}

/** The same listing from a tar output, read with GNU tar itself (hard links count as files). */
export function listTar(tar: string, skip: (p: string) => boolean): Listing {
  const entries = new Map<string, string>();
  for (const line of sh('tar', ['--numeric-owner', '--quoting-style=literal', '-tvf', tar]).split('\n')) {
    const m = /^(\S)(\S{9})\s+(\d+)\/(\d+)\s+\S+\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, t = '', perms = '', uid, gid, rest = ''] = m;
    const name = rest.replace(/ (->|link to) .*$/, '').replace(/\/$/, '');
    const path = `/${name.replace(/^\.\/?/, '')}`.replace(/\/$/, '') || '/';
    if (skip(path)) continue;
    entries.set(path, `${TAR_TYPES[t] ?? t} ${modeFromString(perms).toString(8)} ${uid} ${gid}`);
  }
  return { entries };
}

/** Differences between two listings, one line each (at most `max`). */
export function diffListings(a: Listing, b: Listing, names: [string, string], max = 30): string[] {
  const out: string[] = [];
  for (const [p, v] of a.entries) {
    const w = b.entries.get(p);
    if (w === undefined) out.push(`only in ${names[0]}: ${p} (${v})`);
    else if (w !== v) out.push(`${p}: ${names[0]} ${v}, ${names[1]} ${w}`);
  }
  for (const [p, w] of b.entries) if (!a.entries.has(p)) out.push(`only in ${names[1]}: ${p} (${w})`);
  return out.slice(0, max);
}

/** The same listing from a squashfs output, read with unsquashfs (numeric owners). */
export function listSquashfs(image: string, skip: (p: string) => boolean): Listing {
  const entries = new Map<string, string>();
  for (const line of sh('unsquashfs', ['-lln', '-d', '', image]).split('\n')) {
    const m = /^(\S)(\S{9})\s+(\d+)\/(\d+)\s+\S+(?:,\s*\S+)?\s+\S+\s+\S+\s?(.*)$/.exec(line);
    if (!m) continue;
    const [, t = '', perms = '', uid, gid, rest = ''] = m;
    const path = rest.replace(/ -> .*$/, '') || '/';
    if (skip(path)) continue;
    entries.set(path, `${TAR_TYPES[t] ?? t} ${modeFromString(perms).toString(8)} ${uid} ${gid}`);
  }
  return { entries };
}
