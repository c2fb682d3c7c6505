/**
 * Finds the guest's root filesystem in a raw disk (a file): the partitions from sfdisk, their
 * filesystems from blkid at each offset, and among the ext2/3/4 ones the first with
 * /etc/systemd/system (debugfs reads it without a mount). The runner of `tsdib test` is a systemd
 * unit written with debugfs, so the root must be ext4 and the guest must run systemd.
 */
import { imageInvalid } from '../errors.js';
import { runResult } from '../host/exec.js';

export interface GuestRoot {
  /** Byte offset of the root filesystem in the raw disk. */
  offset: number;
  /** The partition as sfdisk names it (or "whole disk"). */
  where: string;
}

interface SfdiskJson {
  partitiontable?: { sectorsize?: number; partitions?: Array<{ node: string; start: number; size: number }> };
}

/** `FILE?offset=N`: how e2fsprogs is told that a filesystem starts inside a file. */
export const ext4At = (file: string, offset: number): string => `${file}?offset=${offset}`;

async function filesystemType(file: string, offset: number, size?: number): Promise<string> {
  const args = ['-p', '-O', String(offset), ...(size !== undefined ? ['-S', String(size)] : []), '-o', 'value', '-s', 'TYPE', file];
  const r = await runResult('blkid', args, { step: 'blkid', okExitCodes: [0, 2] });
  return r.stdout.trim();
}

export async function findGuestRoot(rawDisk: string, imageName: string): Promise<GuestRoot> {
  const table = await runResult('sfdisk', ['--json', rawDisk], { step: 'sfdisk --json', okExitCodes: [0, 1] });
  const parsed = table.exitCode === 0 ? (JSON.parse(table.stdout) as SfdiskJson) : {};
  const sector = parsed.partitiontable?.sectorsize ?? 512;
  const places = (parsed.partitiontable?.partitions ?? []).map((p) => ({ where: `partition ${p.node.replace(/^.*?(\d+)$/, '$1')}`, offset: p.start * sector, size: p.size * sector }));
  if (places.length === 0) places.push({ where: 'whole disk', offset: 0, size: 0 });
  const seen: string[] = [];
  for (const place of places) {
    const type = await filesystemType(rawDisk, place.offset, place.size || undefined);
    seen.push(`${place.where}: ${type || 'no filesystem'}`);
    if (!/^ext[234]$/.test(type)) continue;
    const stat = await runResult('debugfs', ['-R', 'stat /etc/systemd/system', ext4At(rawDisk, place.offset)], { step: 'debugfs stat', okExitCodes: [0, 1] });
    if (/Type: directory/.test(stat.stdout)) return { offset: place.offset, where: place.where };
  }
  throw imageInvalid(`image ${imageName}: tsdib test found no ext4 root filesystem with systemd (${seen.join('; ')})`, {
    file: imageName,
    hint: 'tsdib test writes its runner (a systemd unit) into an ext4 root filesystem; `tsdib boot --expect` works on any image',
  });
}
