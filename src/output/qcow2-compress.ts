/**
 * How qcow2 compresses a cluster, per the header's compression type (qemu block/qcow2-threads.c):
 * - 0 "zlib": raw deflate (no zlib header) with a 4 KiB window, memLevel 9, default level — qemu
 *   inflates with a 4 KiB window, so a larger one could make back-references it cannot decode;
 * - 1 "zstd": one zstd frame per cluster at zstd's default level 3, as qemu's
 *   `ZSTD_compressStream2(…, ZSTD_e_end)` on a fresh context writes it; qemu decodes frames until the
 *   cluster is full, so a frame must decode to exactly one (zero-padded) cluster.
 * Both run on the libuv pool, so several clusters are compressed at once.
 */
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import { zstdEncoder } from './zstd-binding.js';

export const QCOW2_COMPRESSION_TYPES = ['zlib', 'zstd'] as const;
export type Qcow2CompressionType = (typeof QCOW2_COMPRESSION_TYPES)[number];

/** The header's compression_type byte (offset 104) for each type. */
export const COMPRESSION_TYPE_CODE: Record<Qcow2CompressionType, number> = { zlib: 0, zstd: 1 };

/** zstd's default level, which qemu uses (it never sets one). */
const ZSTD_LEVEL = 3;
const DEFLATE_OPTIONS = { windowBits: 12, memLevel: 9 } as const;
const deflateRawAsync = promisify(deflateRaw);

export type ClusterCompressor = (cluster: Buffer) => Promise<Buffer>;

export function clusterCompressor(type: Qcow2CompressionType): ClusterCompressor {
  if (type === 'zstd') {
    const encoder = zstdEncoder(ZSTD_LEVEL);
    return (cluster) => encoder.encode(cluster);
  }
  return (cluster) => deflateRawAsync(cluster, DEFLATE_OPTIONS);
}
