/**
 * VHD ("vpc") structures: the 512-byte footer, the 1024-byte dynamic header, CHS geometry and the
 * checksum (Microsoft VHD specification v1.0; reference/formats.md §1.2). Big-endian.
 *
 * Creator application `qem2` (host OS `Wi2k`): qemu then takes the virtual size from current_size
 * exactly instead of rounding it down to the CHS geometry; Hyper-V and Azure use current_size anyway.
 */
import { createHash, randomUUID } from 'node:crypto';
import { outputFailed } from '../errors.js';

export const SECTOR = 512;
export const MIB = 1 << 20;
/** Dynamic VHD block size: 2 MiB (with 512 KiB the only sizes Microsoft tested). */
export const BLOCK_SIZE = 2 * MIB;
/** The spec's limit for dynamic disks. */
export const MAX_VHD_SIZE = 2040 * 1024 * MIB;
/** Seconds between the Unix epoch and the VHD epoch (2000-01-01 00:00:00 UTC). */
const VHD_EPOCH = 946684800;
const FIXED = 2;
const DYNAMIC = 3;
/** Namespace for name-based (v5) UUIDs of tsdib's VHDs. */
const UUID_NAMESPACE = Buffer.from('6d1f0b9e5c4a4e0f9a3b2c7d8e1f0a5b', 'hex');

/** Virtual size of the VHD: the raw size rounded UP to a whole MiB (Azure requires MiB multiples). */
export function vhdVirtualSize(rawSize: number): number {
  return Math.max(MIB, Math.ceil(rawSize / MIB) * MIB);
}

/** The VHD size for a raw image of `rawSize` bytes; throws OUTPUT_FAILED past the 2040 GiB limit. */
export function vhdSizeFor(rawSize: number, path: string, format: string): number {
  const size = vhdVirtualSize(rawSize);
  if (size > MAX_VHD_SIZE) throw outputFailed(`${format}: ${path} needs a ${size}-byte disk; a VHD holds at most 2040 GiB`);
  return size;
}

/** CHS geometry per the spec's appendix (rounds down). */
export function chsGeometry(size: number): { cylinders: number; heads: number; sectorsPerTrack: number } {
  let total = Math.floor(size / SECTOR);
  if (total > 65535 * 16 * 255) total = 65535 * 16 * 255;
  let spt: number;
  let heads: number;
  let cth: number;
  if (total >= 65535 * 16 * 63) {
    spt = 255;
    heads = 16;
    cth = Math.floor(total / spt);
  } else {
    spt = 17;
    cth = Math.floor(total / spt);
    heads = Math.max(4, Math.floor((cth + 1023) / 1024));
    if (cth >= heads * 1024 || heads > 16) {
      spt = 31;
      heads = 16;
      cth = Math.floor(total / spt);
    }
    if (cth >= heads * 1024) {
      spt = 63;
      heads = 16;
      cth = Math.floor(total / spt);
    }
  }
  return { cylinders: Math.floor(cth / heads), heads, sectorsPerTrack: spt };
}

/** One's complement of the byte sum (the checksum field must be zero while summing). */
export function vhdChecksum(buf: Buffer): number {
  let sum = 0;
  for (const b of buf) sum += b;
  return ~sum >>> 0;
}

/** A name-based (version 5) UUID: the same name gives the same id. */
export function nameUuid(name: string): Buffer {
  const h = createHash('sha1').update(UUID_NAMESPACE).update(name).digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  return Buffer.from(h);
}

export interface VhdIdentity {
  /** Seconds since the Unix epoch. */
  timestamp: number;
  uuid: Buffer;
}

/**
 * Time stamp and UUID: SOURCE_DATE_EPOCH (else now); with SOURCE_DATE_EPOCH or a seed the UUID is
 * derived from the seed, the disk type, the size and the content fingerprint, else random.
 */
export function vhdIdentity(o: { sourceDateEpoch?: number; seed?: string; kind: string; size: number; fingerprint: string }): VhdIdentity {
  const timestamp = o.sourceDateEpoch ?? Math.floor(Date.now() / 1000);
  const derived = o.sourceDateEpoch !== undefined || o.seed !== undefined;
  const uuid = derived
    ? nameUuid(`${o.seed ?? ''}\0${o.kind}\0${o.size}\0${o.fingerprint}`)
    : Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
  return { timestamp, uuid };
}

export function encodeFooter(o: { size: number; dynamic: boolean; identity: VhdIdentity }): Buffer {
  const f = Buffer.alloc(SECTOR);
  f.write('conectix', 0, 'latin1');
  f.writeUInt32BE(0x00000002, 8); // features: the reserved bit is always set
  f.writeUInt32BE(0x00010000, 12); // file format version
  if (o.dynamic) f.writeBigUInt64BE(512n, 16);
  else f.writeBigUInt64BE(0xffffffffffffffffn, 16);
  f.writeUInt32BE(Math.max(0, o.identity.timestamp - VHD_EPOCH) >>> 0, 24);
  f.write('qem2', 28, 'latin1');
  f.writeUInt32BE(0x00050003, 32); // creator version
  f.write('Wi2k', 36, 'latin1');
  f.writeBigUInt64BE(BigInt(o.size), 40); // original size
  f.writeBigUInt64BE(BigInt(o.size), 48); // current size
  const g = chsGeometry(o.size);
  f.writeUInt16BE(g.cylinders, 56);
  f.writeUInt8(g.heads, 58);
  f.writeUInt8(g.sectorsPerTrack, 59);
  f.writeUInt32BE(o.dynamic ? DYNAMIC : FIXED, 60);
  o.identity.uuid.copy(f, 68);
  f.writeUInt32BE(vhdChecksum(f), 64);
  return f;
}

/** The dynamic disk header (at offset 512) for a BAT at `tableOffset` with `entries` blocks. */
export function encodeDynamicHeader(tableOffset: number, entries: number): Buffer {
  const h = Buffer.alloc(1024);
  h.write('cxsparse', 0, 'latin1');
  h.writeBigUInt64BE(0xffffffffffffffffn, 8); // data offset: unused
  h.writeBigUInt64BE(BigInt(tableOffset), 16);
  h.writeUInt32BE(0x00010000, 24); // header version
  h.writeUInt32BE(entries, 28);
  h.writeUInt32BE(BLOCK_SIZE, 32);
  h.writeUInt32BE(vhdChecksum(h), 36);
  return h;
}
