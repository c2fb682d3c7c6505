/**
 * Reads a raw disk image ONCE and fans every non-zero window out to all streaming sinks, so several
 * disk formats come from one pass. Holes known from the extent map are never read; inside data
 * extents every granule is zero-detected (written zeros, unwritten extents). Reads are positional
 * and synchronous into one page-aligned buffer (measured faster than async double-buffering on this
 * 2-core host); sinks that compress keep the pool busy through back-pressure promises.
 */
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { allocAligned } from './aligned-buffer.js';
import { dataExtents, type Extent } from './extent-map.js';
import type { DiskSink, RawChunk, RawSummary } from './writer.js';

/** Default zero-detection granule: one 64 KiB qcow2 cluster. */
export const DEFAULT_GRAIN = 65536;
/** Default window: 1 MiB (larger windows were slower here, reference/formats.md §3.2). */
export const DEFAULT_CHUNK = 1 << 20;

export interface ReadOptions {
  /** Zero-detection granule (power of two); default min(64 KiB, smallest sink granule). */
  grain?: number;
  /** Skip the extent map and read the whole file (for tests of the zero-detection path). */
  noHoleMap?: boolean;
  /** Read the next window on the thread pool while sinks handle this one (default true). */
  readAhead?: boolean;
}

/** Windows [start, end) aligned to `chunk` that cover every extent, merged, in order. */
export function chunkWindows(extents: readonly Extent[], size: number, chunk: number): Extent[] {
  const out: Extent[] = [];
  for (const e of extents) {
    const start = Math.floor(e.start / chunk) * chunk;
    const end = Math.min(size, Math.ceil(e.end / chunk) * chunk);
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else if (end > start) out.push({ start, end });
  }
  return out;
}

async function readFullyAsync(fd: number, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await new Promise<{ bytesRead: number }>((resolve, reject) =>
      read(fd, buf, done, length - done, position + done, (err, bytesRead) => (err ? reject(err) : resolve({ bytesRead }))),
    );
    if (bytesRead === 0) {
      buf.fill(0, done, length);
      return;
    }
    done += bytesRead;
  }
}

function readFully(fd: number, buf: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) {
      buf.fill(0, done, length); // the file shrank under us: what is gone reads as zeros
      return;
    }
    done += n;
  }
}

/**
 * Streams `path` to every sink; resolves with the summary after every sink has finished.
 * Sinks are not aborted here: the caller owns their lifecycle (abort on rejection).
 */
export async function pumpRawImage(path: string, sinks: readonly DiskSink[], opts: ReadOptions = {}): Promise<RawSummary> {
  const fd = openSync(path, 'r');
  let next: Promise<void> | undefined;
  try {
    const size = fstatSync(fd).size;
    const largest = Math.max(1, ...sinks.map((s) => s.granule));
    const smallest = Math.min(DEFAULT_GRAIN, ...sinks.map((s) => s.granule));
    const grain = opts.grain ?? smallest;
    const chunk = Math.max(DEFAULT_CHUNK, largest);
    const extents = opts.noHoleMap ? undefined : await dataExtents(path, size);
    const windows = chunkWindows(extents ?? [{ start: 0, end: size }], size, chunk);
    const positions: Array<[number, number]> = [];
    for (const w of windows) for (let o = w.start; o < w.end; o += chunk) positions.push([o, Math.min(chunk, w.end - o)]);
    const buffers = [allocAligned(chunk), allocAligned(chunk)] as const;
    const readAhead = opts.readAhead ?? true;
    const zeroGrain = Buffer.alloc(grain);
    const zero = new Uint8Array(Math.ceil(chunk / grain));
    const fingerprint = createHash('sha256');
    const edge = Buffer.alloc(8);
    edge.writeDoubleBE(size);
    fingerprint.update(edge);
    let dataBytes = 0;
    // the next window is read on the libuv pool while this one is zero-checked and written
    for (let i = 0; i < positions.length; i++) {
      const [offset, length] = positions[i] as [number, number];
      const buf = buffers[i % 2] as Buffer;
      if (next) await next;
      else readFully(fd, buf, length, offset);
      const following = positions[i + 1];
      next = undefined;
      if (readAhead && following) {
        next = readFullyAsync(fd, buffers[(i + 1) % 2] as Buffer, following[1], following[0]);
        next.catch(() => undefined); // awaited on the next turn (or before the file is closed)
      }
      const grains = Math.ceil(length / grain);
      let any = false;
      for (let g = 0; g < grains; g++) {
        const s = g * grain;
        const e = Math.min(length, s + grain);
        const isZero = buf.compare(zeroGrain, 0, e - s, s, e) === 0;
        zero[g] = isZero ? 1 : 0;
        if (!isZero) {
          any = true;
          dataBytes += e - s;
          edge.writeDoubleBE(offset + s);
          fingerprint.update(edge);
          fingerprint.update(buf.subarray(s, Math.min(e, s + 32)));
          fingerprint.update(buf.subarray(Math.max(s, e - 32), e));
        }
      }
      if (!any) continue;
      const c: RawChunk = { offset, data: buf.subarray(0, length), grain, zero: zero.subarray(0, grains) };
      for (const sink of sinks) {
        const pending = sink.chunk(c);
        if (pending) await pending;
      }
    }
    const summary: RawSummary = { dataBytes, fingerprint: fingerprint.digest('hex'), holeMap: extents ? 'filefrag' : 'none' };
    await Promise.all(sinks.map((s) => s.finish(summary)));
    return summary;
  } finally {
    if (next) await next.catch(() => undefined); // never close under a read in flight
    closeSync(fd);
  }
}

/** Whether bytes [rel, rel + len) of a chunk are all zero (rel and len multiples of the grain, or to the end). */
export function rangeIsZero(c: RawChunk, rel: number, len: number): boolean {
  const first = rel / c.grain;
  const last = Math.min(c.zero.length, Math.ceil((rel + len) / c.grain));
  for (let g = first; g < last; g++) if (c.zero[g] === 0) return false;
  return true;
}

/** Calls `fn(rel, len)` for each maximal run of non-zero granules in a chunk, in order. */
export function forEachDataRun(c: RawChunk, fn: (rel: number, len: number) => void): void {
  const n = c.zero.length;
  let g = 0;
  while (g < n) {
    if (c.zero[g] === 1) {
      g++;
      continue;
    }
    const first = g;
    while (g < n && c.zero[g] === 0) g++;
    const rel = first * c.grain;
    fn(rel, Math.min(c.data.length, g * c.grain) - rel);
  }
}
