/**
 * `-t qcow2`: our own qcow2 writer (v3 "compat 1.1" by default, 64 KiB clusters, 16-bit refcounts),
 * plain or compressed (DIB's default; `-u` turns compression off). Deterministic: the same input
 * and options give byte-identical files.
 *
 * Plain: non-zero clusters are appended in guest order, one positioned write per run.
 * Compressed: each non-zero cluster is compressed (deflate by default, zstd with
 * `compression_type=zstd`; qcow2-compress.ts) on the libuv pool with several in flight; results are
 * placed in guest order, byte-packed. A cluster that does not shrink is stored whole at the next cluster
 * boundary while the bytes left before that boundary stay open for the next compressed clusters.
 * Metadata follows the data; the header is written last (qcow2-layout.ts).
 */
import { closeSync } from 'node:fs';
import { flagInvalid } from '../errors.js';
import { createNew, pwriteAll } from './output-file.js';
import { clusterCompressor, QCOW2_COMPRESSION_TYPES, type ClusterCompressor, type Qcow2CompressionType } from './qcow2-compress.js';
import { checkChoice, onOff, parseQemuSize } from './qemu-img-options.js';
import { rangeIsZero } from './raw-reader.js';
import { writeCompressedEntry, writeCopiedEntry, writeMetadata, type Qcow2Settings } from './qcow2-layout.js';
import { writeStreamingAlone } from './stream-alone.js';
import { requireZstd } from './zstd-binding.js';
import type { DiskSink, OutputOptions, RawChunk, RawImageInfo, StreamingWriter } from './writer.js';

/** Compression jobs in flight: enough to keep the 4 libuv threads (and both cores) busy. */
const IN_FLIGHT = 16;
const COUNT_PAGE = 65536;
/** Compressed clusters land back to back: they are gathered and written this many bytes at a time. */
const WRITE_BATCH = 256 * 1024;

/** The settings `--qemu-img-options` and `-u` ask for; throws FLAG_INVALID naming a bad key. */
export function qcow2Settings(opts: OutputOptions): Qcow2Settings {
  const o = opts.qemuImgOptions;
  checkChoice(o, 'compat', ['1.1', 'v3', '0.10', 'v2'], 'qcow2');
  checkChoice(o, 'refcount_bits', ['16'], 'qcow2', 'tsdib writes 16-bit refcounts');
  checkChoice(o, 'compression_type', QCOW2_COMPRESSION_TYPES, 'qcow2');
  checkChoice(o, 'preallocation', ['off'], 'qcow2', 'tsdib writes sparse images');
  const version = ['0.10', 'v2'].includes(o.get('compat') ?? '') ? 2 : 3;
  const compressionType = (o.get('compression_type') ?? 'zlib') as Qcow2CompressionType;
  if (compressionType === 'zstd') {
    // qemu: "Compression type 'zstd' requires compat=1.1" (v2 headers have no compression_type field)
    if (version === 2) throw flagInvalid({ flag: '--qemu-img-options', value: 'compression_type=zstd', problem: `needs compat=1.1 for qcow2 (compat=${o.get('compat')} has no compression type field)` });
    requireZstd({ flag: '--qemu-img-options', value: 'compression_type=zstd' });
  }
  let clusterBits = 16;
  const cs = o.get('cluster_size');
  if (cs !== undefined) {
    const bytes = parseQemuSize(cs, 'cluster_size', 'qcow2');
    clusterBits = Math.log2(bytes);
    if (!Number.isInteger(clusterBits) || clusterBits < 9 || clusterBits > 21) {
      throw flagInvalid({ flag: '--qemu-img-options', value: `cluster_size=${cs}`, expected: 'a power of two from 512 to 2M for qcow2' });
    }
  }
  const lazyRefcounts = onOff(o.get('lazy_refcounts'), 'lazy_refcounts', 'qcow2') ?? false;
  if (lazyRefcounts && version === 2) throw flagInvalid({ flag: '--qemu-img-options', value: 'lazy_refcounts=on', problem: 'needs compat=1.1 for qcow2' });
  return { version, clusterBits, lazyRefcounts, compress: opts.compress, compressionType };
}

interface Job {
  cluster: number;
  raw: Buffer;
  packed: Promise<Buffer>;
}

/** The sink for one qcow2 file. */
class Qcow2Sink implements DiskSink {
  readonly granule: number;
  private readonly cs: number;
  private readonly entriesPerL2: number;
  private readonly l2 = new Map<number, Buffer>();
  /** Next free byte of the host file (always cluster aligned when not compressing). */
  private pos: number;
  /** Bytes left open before a cluster stored whole (compressed mode). */
  private gapStart = 0;
  private gapEnd = 0;
  private readonly counts = new Map<number, Uint16Array>();
  private readonly queue: Job[] = [];
  private readonly compressCluster: ClusterCompressor | undefined;
  /** Cluster buffers whose job is placed, reused for the next clusters (no allocation and zero-fill per cluster). */
  private readonly spare: Buffer[] = [];
  /** Bytes placed but not yet written: a contiguous run of the host file from `batchStart`. */
  private batch: Buffer | undefined;
  private batchStart = 0;
  private batchLength = 0;
  private open = true;

  constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly settings: Qcow2Settings,
  ) {
    this.cs = 2 ** settings.clusterBits;
    this.granule = this.cs;
    this.entriesPerL2 = this.cs / 8;
    this.pos = this.cs; // cluster 0 is the header
    this.compressCluster = settings.compress ? clusterCompressor(settings.compressionType) : undefined;
  }

  private l2For(cluster: number): { table: Buffer; index: number } {
    const l1 = Math.floor(cluster / this.entriesPerL2);
    let table = this.l2.get(l1);
    if (!table) {
      table = Buffer.alloc(this.cs);
      this.l2.set(l1, table);
    }
    return { table, index: cluster % this.entriesPerL2 };
  }

  chunk(c: RawChunk): Promise<void> | void {
    return this.settings.compress ? this.chunkCompressed(c) : this.chunkPlain(c);
  }

  private chunkPlain(c: RawChunk): void {
    const { cs } = this;
    const n = Math.ceil(c.data.length / cs);
    let k = 0;
    while (k < n) {
      if (rangeIsZero(c, k * cs, cs)) {
        k++;
        continue;
      }
      const first = k;
      while (k < n && !rangeIsZero(c, k * cs, cs)) {
        const { table, index } = this.l2For((c.offset + k * cs) / cs);
        writeCopiedEntry(table, index, this.pos + (k - first) * cs);
        k++;
      }
      const rel = first * cs;
      pwriteAll(this.fd, c.data, this.pos, rel, Math.min(c.data.length, k * cs) - rel);
      this.pos += (k - first) * cs;
    }
  }

  private async chunkCompressed(c: RawChunk): Promise<void> {
    const { cs } = this;
    const n = Math.ceil(c.data.length / cs);
    for (let k = 0; k < n; k++) {
      if (rangeIsZero(c, k * cs, cs)) continue;
      const raw = this.spare.pop() ?? Buffer.allocUnsafe(cs);
      const copied = c.data.copy(raw, 0, k * cs, Math.min(c.data.length, (k + 1) * cs));
      if (copied < cs) raw.fill(0, copied); // the last cluster of a short image is zero-padded
      const packed = (this.compressCluster as ClusterCompressor)(raw);
      packed.catch(() => undefined); // handled when placed; avoids an unhandled rejection meanwhile
      this.queue.push({ cluster: (c.offset + k * cs) / cs, raw, packed });
      while (this.queue.length >= IN_FLIGHT) await this.placeNext();
    }
  }

  private addCount(cluster: number): void {
    const page = Math.floor(cluster / COUNT_PAGE);
    let counts = this.counts.get(page);
    if (!counts) {
      counts = new Uint16Array(COUNT_PAGE);
      this.counts.set(page, counts);
    }
    counts[cluster % COUNT_PAGE]! += 1;
  }

  private refcountOf(cluster: number): number {
    if (!this.settings.compress) return 1;
    return this.counts.get(Math.floor(cluster / COUNT_PAGE))?.[cluster % COUNT_PAGE] ?? 0;
  }

  /** Places the oldest compression result (guest order keeps the layout deterministic). */
  private async placeNext(): Promise<void> {
    const job = this.queue.shift();
    if (!job) return;
    const out = await job.packed;
    const { cs } = this;
    const { table, index } = this.l2For(job.cluster);
    if (out.length >= cs) {
      let host: number;
      if (this.pos % cs === 0) host = this.pos;
      else {
        host = Math.ceil(this.pos / cs) * cs;
        this.gapStart = this.pos;
        this.gapEnd = host;
      }
      this.pos = host + cs;
      this.place(job.raw, host);
      writeCopiedEntry(table, index, host);
      this.addCount(host / cs);
      this.spare.push(job.raw);
      return;
    }
    this.spare.push(job.raw);
    let off: number;
    if (this.gapStart + out.length <= this.gapEnd) {
      off = this.gapStart;
      this.gapStart += out.length;
    } else {
      off = this.pos;
      this.pos += out.length;
    }
    this.place(out, off);
    writeCompressedEntry(table, index, off, out.length, this.settings.clusterBits);
    for (let h = Math.floor(off / cs); h <= Math.floor((off + out.length - 1) / cs); h++) this.addCount(h);
  }

  /** Writes `bytes` at host offset `at`, gathered with the bytes placed just before them when they follow on. */
  private place(bytes: Buffer, at: number): void {
    if (this.batchLength > 0 && (at !== this.batchStart + this.batchLength || this.batchLength + bytes.length > WRITE_BATCH)) this.flush();
    if (bytes.length >= WRITE_BATCH) {
      pwriteAll(this.fd, bytes, at);
      return;
    }
    this.batch ??= Buffer.allocUnsafe(WRITE_BATCH);
    if (this.batchLength === 0) this.batchStart = at;
    bytes.copy(this.batch, this.batchLength);
    this.batchLength += bytes.length;
  }

  private flush(): void {
    if (this.batchLength === 0 || !this.batch) return;
    pwriteAll(this.fd, this.batch, this.batchStart, 0, this.batchLength);
    this.batchLength = 0;
  }

  async finish(): Promise<void> {
    while (this.queue.length > 0) await this.placeNext();
    this.flush();
    const dataEnd = Math.ceil(this.pos / this.cs) * this.cs;
    writeMetadata(this.fd, this.settings, this.size, dataEnd, this.l2, (cl) => this.refcountOf(cl));
    this.open = false;
    closeSync(this.fd);
  }

  async abort(): Promise<void> {
    // let compressions in flight settle so nothing writes after the caller removes the file
    await Promise.allSettled(this.queue.map((j) => j.packed));
    this.queue.length = 0;
    if (this.open) closeSync(this.fd);
    this.open = false;
  }
}

/**
 * Opens a qcow2 sink. The virtual size is the raw size rounded up to whole 512-byte sectors, as
 * `qemu-img convert` does (qemu's block layer counts sectors; a partial last sector would be hidden).
 */
export function openQcow2(image: RawImageInfo, dest: string, settings: Qcow2Settings): DiskSink {
  return new Qcow2Sink(createNew(dest), Math.ceil(image.size / 512) * 512, settings);
}

export const qcow2Writer: StreamingWriter = {
  format: 'qcow2',
  extension: 'qcow2',
  writtenBy: 'tsdib (`src/output/qcow2.ts`)',
  needs: 'raw',
  streaming: true,
  producesFile: true,
  hostCommands: [],
  optionKeys: ['compat', 'cluster_size', 'lazy_refcounts', 'refcount_bits', 'compression_type', 'preallocation'],
  checkOptions(opts) {
    qcow2Settings(opts);
  },
  async open(image, dest, opts) {
    return openQcow2(image, dest, qcow2Settings(opts));
  },
  write(input, dest, opts) {
    return writeStreamingAlone(qcow2Writer, input, dest, opts);
  },
};
