import { describe, expect, it } from 'vitest';
import { encodeHeader, l1Entries, refcountGeometry, writeCompressedEntry, writeCopiedEntry } from '../../../src/output/qcow2-layout.js';

describe('qcow2 layout', () => {
  it('sizes refcount structures that also count themselves', () => {
    expect(refcountGeometry(10, 65536)).toEqual({ tableClusters: 1, blocks: 1 });
    // 32768 clusters per 16-bit block at 64 KiB: 32766 others + table + block fit exactly in one
    expect(refcountGeometry(32766, 65536)).toEqual({ tableClusters: 1, blocks: 1 });
    expect(refcountGeometry(32767, 65536)).toEqual({ tableClusters: 1, blocks: 2 });
  });

  it('encodes a standard entry with the COPIED bit and the offset', () => {
    const t = Buffer.alloc(16);
    writeCopiedEntry(t, 1, 5 * 2 ** 32 + 65536);
    expect(t.readBigUInt64BE(8)).toBe((1n << 63n) | (5n << 32n) | 65536n);
  });

  it('encodes a compressed entry: bit 62, byte offset, additional sectors at bit 54 (64 KiB clusters)', () => {
    const t = Buffer.alloc(8);
    const off = 2 ** 32 + 1000;
    const len = 600; // bytes 1000..1599 of that 4 GiB page: sectors 1..3 → 2 additional
    writeCompressedEntry(t, 0, off, len, 16);
    expect(t.readBigUInt64BE(0)).toBe((1n << 62n) | (2n << 54n) | BigInt(off));
  });

  it('writes a v3 header of 112 bytes with refcount order 4 and a v2 header of 72', () => {
    const settings = { version: 3 as const, clusterBits: 16, lazyRefcounts: true, compress: false, compressionType: 'zlib' as const };
    const h = encodeHeader({ settings, size: 1e9, l1Size: 2, l1Offset: 65536 * 3, refcountTableOffset: 65536 * 4, refcountTableClusters: 1 });
    expect(h.length).toBe(112);
    expect(h.toString('latin1', 0, 4)).toBe('QFI\xfb');
    expect(h.readUInt32BE(96)).toBe(4);
    expect(h.readUInt32BE(100)).toBe(112);
    expect(h.readBigUInt64BE(80)).toBe(1n);
    expect(h.readBigUInt64BE(72)).toBe(0n);
    expect(h[104]).toBe(0);
    expect(encodeHeader({ settings: { ...settings, version: 2, lazyRefcounts: false }, size: 1, l1Size: 1, l1Offset: 0, refcountTableOffset: 0, refcountTableClusters: 1 }).length).toBe(72);
  });

  it('marks zstd as qemu does: compression_type byte 1 at offset 104 and incompatible feature bit 3', () => {
    const settings = { version: 3 as const, clusterBits: 16, lazyRefcounts: false, compress: true, compressionType: 'zstd' as const };
    const h = encodeHeader({ settings, size: 1e9, l1Size: 2, l1Offset: 65536 * 3, refcountTableOffset: 65536 * 4, refcountTableClusters: 1 });
    expect(h[104]).toBe(1);
    expect(h.readBigUInt64BE(72)).toBe(8n);
    expect(h.readUInt32BE(100)).toBe(112);
  });

  it('has one L1 entry per 512 MiB at 64 KiB clusters', () => {
    expect(l1Entries(512 * 2 ** 20, 16)).toBe(1);
    expect(l1Entries(512 * 2 ** 20 + 1, 16)).toBe(2);
  });
});
