// Sparse image files for partition-table tests (no root: tables are written into plain files).
import { execFileSync } from 'node:child_process';
import { open, truncate } from 'node:fs/promises';
import { file } from 'tmp-promise';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A sparse file of `size` bytes, removed by the returned cleanup. */
export async function sparseImage(size: number): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const f = await file({ postfix: '.raw' });
  await truncate(f.path, size);
  return { path: f.path, cleanup: f.cleanup };
}

/** Runs a host tool synchronously and returns stdout (tests only; src/ goes through run()). */
export function tool(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** DIB's check: `partx --raw --output NR,START,END,TYPE,FLAGS,SCHEME -g -b - <image>`, as lines. */
export function partxLines(image: string): string[] {
  return tool('partx', ['--raw', '--output', 'NR,START,END,TYPE,FLAGS,SCHEME', '-g', '-b', '-', image])
    .split('\n')
    .filter(Boolean);
}

export interface SfdiskPartition {
  node: string;
  start: number;
  size: number;
  type: string;
  uuid?: string;
  name?: string;
  bootable?: boolean;
  attrs?: string;
}
export interface SfdiskTable {
  label: string;
  id: string;
  device: string;
  unit: string;
  firstlba?: number;
  lastlba?: number;
  partitions?: SfdiskPartition[];
}

export function sfdiskJson(image: string): SfdiskTable {
  return (JSON.parse(tool('sfdisk', ['--json', image])) as { partitiontable: SfdiskTable }).partitiontable;
}

/** `length` bytes at `offset` of a file (without reading the whole sparse image). */
export async function readBytes(path: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, offset);
    return buf;
  } finally {
    await fh.close();
  }
}
