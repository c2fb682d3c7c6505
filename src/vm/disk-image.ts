/**
 * What `tsdib boot` and `tsdib test` are given: a disk image in any format qemu reads. The format
 * is qemu-img's answer; a file qemu-img can only call "raw" must at least carry a partition table
 * (the boot signature at byte 510), or it is a tree output, a filesystem or something else that no
 * firmware could boot.
 */
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { imageInvalid } from '../errors.js';
import { runResult } from '../host/exec.js';

export interface DiskImage {
  /** Absolute path (the overlay names it as its backing file). */
  path: string;
  /** qemu's name for the format: raw, qcow2, vpc (vhd), vmdk, vdi, vhdx, qed, … */
  format: string;
  virtualSize: number;
}

/** Archive and filesystem signatures of the tree outputs tsdib also writes, with their names. */
const NOT_DISK_IMAGES: ReadonlyArray<{ offset: number; magic: Buffer; what: string }> = [
  { offset: 257, magic: Buffer.from('ustar'), what: 'a tar archive' },
  { offset: 0, magic: Buffer.from([0x1f, 0x8b]), what: 'a gzip file (tgz?)' },
  { offset: 0, magic: Buffer.from('hsqs'), what: 'a squashfs filesystem' },
  { offset: 0, magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), what: 'a zstd file' },
  { offset: 0, magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), what: 'an xz file' },
];

const HINT = 'give a disk image a build wrote: -t raw, qcow2, vhd, vmdk, vdi, … (not tar, tgz, squashfs, docker)';

async function readHead(path: string, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Checks `file` and asks qemu-img for its format; IMAGE_INVALID (exit 2) when it is no bootable disk image. */
export async function inspectDiskImage(file: string): Promise<DiskImage> {
  const path = resolve(file);
  const st = await stat(path).catch(() => undefined);
  if (!st) throw imageInvalid(`image ${file}: no such file`, { file, hint: 'build one first, e.g. `tsdib debian vm -o out/debian`' });
  if (!st.isFile()) throw imageInvalid(`image ${file}: not a regular file`, { file, hint: HINT });
  const head = await readHead(path, 4096);
  for (const sig of NOT_DISK_IMAGES) {
    if (head.subarray(sig.offset, sig.offset + sig.magic.length).equals(sig.magic)) {
      throw imageInvalid(`image ${file} is ${sig.what}, not a disk image`, { file, hint: HINT });
    }
  }
  // -U: another VM may hold the image open; we only read its header
  const info = await runResult('qemu-img', ['info', '-U', '--output=json', path], { step: 'qemu-img info', okExitCodes: [0, 1] });
  if (info.exitCode !== 0) {
    throw imageInvalid(`image ${file}: qemu-img cannot read it: ${info.stderr.trim().split('\n').pop() ?? ''}`, { file, hint: HINT });
  }
  const parsed = JSON.parse(info.stdout) as { format?: string; 'virtual-size'?: number };
  const format = parsed.format ?? 'raw';
  if (format === 'raw' && !(head.length >= 512 && head[510] === 0x55 && head[511] === 0xaa)) {
    throw imageInvalid(`image ${file}: unknown format: qemu-img sees raw data, and it has no partition table (no boot signature at byte 510)`, { file, hint: HINT });
  }
  return { path, format, virtualSize: parsed['virtual-size'] ?? st.size };
}
