// Sparse raw images for the output-writer tests, written with positioned writes (holes stay holes).
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

const MiB = 1 << 20;
const GiB = 1 << 30;

/** Deterministic pseudo-random bytes (xorshift), incompressible. */
export function noise(bytes: number, seed: number): Buffer {
  const b = Buffer.alloc(bytes);
  let x = seed | 1;
  for (let i = 0; i < bytes; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b.writeInt32LE(x | 0, i);
  }
  return b;
}

/** Compressible but never all-zero: a text-like pattern stamped with the offset every 4 KiB. */
export function pattern(bytes: number, stamp: number): Buffer {
  const b = Buffer.alloc(bytes);
  const line = Buffer.from('tsdib output writer test data, compressible but not zero. ');
  for (let i = 0; i < bytes; i += line.length) line.copy(b, i, 0, Math.min(line.length, bytes - i));
  for (let i = 0; i + 16 <= bytes; i += 4096) b.write(`@${(stamp + i).toString(16).padStart(14, '0')}`, i, 'latin1');
  return b;
}

function pwrite(fd: number, buf: Buffer, pos: number): void {
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, pos + done);
}

/**
 * The "edges" image: 6 GiB + 12,345 bytes (not a multiple of 512, the cluster or the MiB), with
 * unaligned random runs, compressible runs, 8 MiB of written zeros, a fallocated (unwritten) extent
 * partly written, a single byte in the middle of a cluster, data past 4 GiB and in the last sector.
 */
export function makeEdgesImage(path: string): { size: number } {
  const size = 6 * GiB + 12345;
  const fd = openSync(path, 'wx', 0o644);
  try {
    ftruncateSync(fd, size);
    pwrite(fd, noise(3 * MiB + 100, 1), 1 * MiB + 777);
    pwrite(fd, pattern(5 * MiB, 2), 20 * MiB + 4096 * 3 + 5);
    pwrite(fd, Buffer.alloc(8 * MiB), 100 * MiB); // allocated zeros
    pwrite(fd, Buffer.from([0x5a]), 300 * MiB + 40000); // one byte mid-cluster
    pwrite(fd, noise(2 * MiB, 3), 2 * GiB - MiB + 512); // straddles 2 GiB
    pwrite(fd, pattern(3 * MiB, 4), 4 * GiB + 123); // past 4 GiB, unaligned
    pwrite(fd, noise(64 * 1024, 5), 5 * GiB + 64 * 1024); // exactly one aligned cluster
    pwrite(fd, Buffer.from('end of the image!'), size - 17); // the partial last sector
  } finally {
    closeSync(fd);
  }
  // an unwritten extent (fallocate) with data written into its middle only
  execFileSync('fallocate', ['--offset', String(400 * MiB), '--length', String(4 * MiB), path]);
  const fd2 = openSync(path, 'r+');
  try {
    pwrite(fd2, pattern(100 * 1024, 6), 401 * MiB + 3000);
  } finally {
    closeSync(fd2);
  }
  return { size };
}

/**
 * The "small" image: 200 MiB + 4,321 bytes, the same kinds of runs as the edges image (for tests
 * that read whole outputs several times).
 */
export function makeSmallImage(path: string): { size: number } {
  const size = 200 * MiB + 4321;
  const fd = openSync(path, 'wx', 0o644);
  try {
    ftruncateSync(fd, size);
    pwrite(fd, noise(3 * MiB + 100, 7), MiB + 777);
    pwrite(fd, pattern(5 * MiB, 8), 20 * MiB + 4096 * 3 + 5);
    pwrite(fd, Buffer.alloc(8 * MiB), 60 * MiB);
    pwrite(fd, Buffer.from([0xa5]), 90 * MiB + 40000);
    pwrite(fd, pattern(3 * MiB, 9), 150 * MiB + 123);
    pwrite(fd, Buffer.from('end of the image!'), size - 17);
  } finally {
    closeSync(fd);
  }
  execFileSync('fallocate', ['--offset', String(120 * MiB), '--length', String(4 * MiB), path]);
  const fd2 = openSync(path, 'r+');
  try {
    pwrite(fd2, pattern(100 * 1024, 10), 121 * MiB + 3000);
  } finally {
    closeSync(fd2);
  }
  return { size };
}

/**
 * The "big" image: 8 GiB + 512 with 34 runs of 64 MiB (2,176 MiB of non-zero data, more than the
 * 2 GiB one 16-bit refcount block covers), unaligned, compressible, some past 4 GiB.
 */
export function makeBigImage(path: string): { size: number; dataBytes: number } {
  const size = 8 * GiB + 512;
  const runs = 34;
  const fd = openSync(path, 'wx', 0o644);
  try {
    ftruncateSync(fd, size);
    const chunk = pattern(4 * MiB, 0);
    for (let i = 0; i < runs; i++) {
      const base = i * 236 * MiB + i * 4096 + i;
      for (let j = 0; j < 16; j++) {
        chunk.writeUInt32BE(i * 16 + j, 100); // every 4 MiB piece differs
        pwrite(fd, chunk, base + j * 4 * MiB);
      }
    }
  } finally {
    closeSync(fd);
  }
  return { size, dataBytes: runs * 64 * MiB };
}
