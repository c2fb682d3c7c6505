/**
 * qcow2 metadata: the header, L1/L2 entry encoding and the refcount structures (qemu
 * docs/interop/qcow2.rst; reference/formats.md §1.1). All integers big-endian.
 *
 * Layout written by tsdib, one forward pass: `[header cluster][data…][L2 tables][L1][refcount
 * table][refcount blocks]`, the header written last at offset 0. Every cluster from 0 to the end is
 * referenced, so nothing leaks; metadata clusters have refcount 1.
 */
import { pwriteAll } from './output-file.js';
import { COMPRESSION_TYPE_CODE, type Qcow2CompressionType } from './qcow2-compress.js';

/** What the writer was asked for (from `--qemu-img-options` and `-u`). */
export interface Qcow2Settings {
  /** 3 = compat 1.1 (default), 2 = compat 0.10. */
  version: 2 | 3;
  clusterBits: number;
  lazyRefcounts: boolean;
  compress: boolean;
  /** The header's compression type (v3 only); zstd also sets incompatible feature bit 3. */
  compressionType: Qcow2CompressionType;
}

/** Incompatible feature bit 3: the compression_type field is not zlib; older readers must refuse. */
const INCOMPAT_COMPRESSION = 1n << 3n;

const COPIED_HI = 0x80000000;
const COMPRESSED_HI = 0x40000000;
const TWO32 = 0x100000000;
/** refcount_order 4: 16-bit refcounts. */
export const REFCOUNT_BYTES = 2;

/** An L1/L2 entry for a standard cluster (or L2 table) at `hostOffset` with refcount 1. */
export function writeCopiedEntry(table: Buffer, index: number, hostOffset: number): void {
  table.writeUInt32BE((COPIED_HI | Math.floor(hostOffset / TWO32)) >>> 0, index * 8);
  table.writeUInt32BE(hostOffset % TWO32, index * 8 + 4);
}

/**
 * An L2 entry for compressed data of `length` bytes at byte `hostOffset`: bit 62 set, the offset in
 * bits 0..x-1 and the number of additional 512-byte sectors in bits x..61, x = 62 - (cluster_bits - 8).
 */
export function writeCompressedEntry(table: Buffer, index: number, hostOffset: number, length: number, clusterBits: number): void {
  const x = 62 - (clusterBits - 8);
  const additional = Math.floor((hostOffset + length - 1) / 512) - Math.floor(hostOffset / 512);
  const hi = COMPRESSED_HI + additional * 2 ** (x - 32) + Math.floor(hostOffset / TWO32);
  table.writeUInt32BE(hi >>> 0, index * 8);
  table.writeUInt32BE(hostOffset % TWO32, index * 8 + 4);
}

/** Refcount table and block counts that also count themselves (fixed point). */
export function refcountGeometry(otherClusters: number, clusterSize: number): { tableClusters: number; blocks: number } {
  const perBlock = clusterSize / REFCOUNT_BYTES;
  let blocks = 0;
  let tableClusters = 0;
  for (;;) {
    const nextBlocks = Math.ceil((otherClusters + tableClusters + blocks) / perBlock);
    const nextTable = Math.max(1, Math.ceil((nextBlocks * 8) / clusterSize));
    if (nextBlocks === blocks && nextTable === tableClusters) return { tableClusters, blocks };
    blocks = nextBlocks;
    tableClusters = nextTable;
  }
}

export interface HeaderFields {
  settings: Qcow2Settings;
  size: number;
  l1Size: number;
  l1Offset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
}

/** The header bytes: 112 for v3 (incl. the compression-type byte and padding), 72 for v2. */
export function encodeHeader(h: HeaderFields): Buffer {
  const v3 = h.settings.version === 3;
  const b = Buffer.alloc(v3 ? 112 : 72);
  b.write('QFI\xfb', 0, 'latin1');
  b.writeUInt32BE(h.settings.version, 4);
  // 8..19 backing file offset/size: 0
  b.writeUInt32BE(h.settings.clusterBits, 20);
  b.writeBigUInt64BE(BigInt(h.size), 24);
  // 32 crypt method: 0
  b.writeUInt32BE(h.l1Size, 36);
  b.writeBigUInt64BE(BigInt(h.l1Offset), 40);
  b.writeBigUInt64BE(BigInt(h.refcountTableOffset), 48);
  b.writeUInt32BE(h.refcountTableClusters, 56);
  // 60 nb_snapshots, 64 snapshots_offset: 0
  if (v3) {
    // 72 incompatible features: bit 3 for a non-zlib compression type; 80 compatible: bit 0 lazy refcounts; 88 autoclear: 0
    const code = COMPRESSION_TYPE_CODE[h.settings.compressionType];
    b.writeBigUInt64BE(code === 0 ? 0n : INCOMPAT_COMPRESSION, 72);
    b.writeBigUInt64BE(h.settings.lazyRefcounts ? 1n : 0n, 80);
    b.writeUInt32BE(4, 96); // refcount_order
    b.writeUInt32BE(112, 100); // header_length
    // 104 compression type (0 deflate, 1 zstd); then padding; the extension area after it is zeros (end)
    b.writeUInt8(code, 104);
  }
  return b;
}

/** Number of L1 entries for a virtual size: one per L2 table's reach. */
export function l1Entries(size: number, clusterBits: number): number {
  const reach = 2 ** clusterBits * (2 ** clusterBits / 8);
  return Math.max(1, Math.ceil(size / reach));
}

/**
 * Writes L2 tables, L1, refcount table, refcount blocks and finally the header, starting at
 * `dataEnd` (cluster aligned). `refcountOf(c)` gives the count of data cluster c (< dataEnd);
 * every other cluster in use has refcount 1. Returns the file length.
 */
export function writeMetadata(
  fd: number,
  settings: Qcow2Settings,
  size: number,
  dataEnd: number,
  l2Tables: ReadonlyMap<number, Buffer>,
  refcountOf: (cluster: number) => number,
): number {
  const cs = 2 ** settings.clusterBits;
  const l1Size = l1Entries(size, settings.clusterBits);
  const l1 = Buffer.alloc(Math.ceil((l1Size * 8) / cs) * cs);
  let cursor = dataEnd;
  for (const index of [...l2Tables.keys()].sort((a, b) => a - b)) {
    pwriteAll(fd, l2Tables.get(index) as Buffer, cursor);
    writeCopiedEntry(l1, index, cursor);
    cursor += cs;
  }
  const l1Offset = cursor;
  pwriteAll(fd, l1, l1Offset);
  cursor += l1.length;

  const { tableClusters, blocks } = refcountGeometry(cursor / cs, cs);
  const tableOffset = cursor;
  const firstBlock = tableOffset + tableClusters * cs;
  const totalClusters = firstBlock / cs + blocks;
  const table = Buffer.alloc(tableClusters * cs);
  for (let b = 0; b < blocks; b++) table.writeBigUInt64BE(BigInt(firstBlock + b * cs), b * 8);
  pwriteAll(fd, table, tableOffset);

  const perBlock = cs / REFCOUNT_BYTES;
  const dataEndCluster = dataEnd / cs;
  const block = Buffer.alloc(cs);
  for (let b = 0; b < blocks; b++) {
    block.fill(0);
    for (let i = 0; i < perBlock; i++) {
      const c = b * perBlock + i;
      if (c >= totalClusters) break;
      const count = c >= 1 && c < dataEndCluster ? refcountOf(c) : 1;
      block.writeUInt16BE(count, i * REFCOUNT_BYTES);
    }
    pwriteAll(fd, block, firstBlock + b * cs);
  }
  const end = firstBlock + blocks * cs;
  pwriteAll(
    fd,
    encodeHeader({ settings, size, l1Size, l1Offset, refcountTableOffset: tableOffset, refcountTableClusters: tableClusters }),
    0,
  );
  return end;
}
