/**
 * GUIDs for GPT: made from a seed (reproducible images) or at random, and encoded the way GPT
 * stores them on disk (the first three fields little-endian, the last two as written).
 */
import { createHash, randomBytes } from 'node:crypto';

const GUID_RE = /^([0-9A-F]{8})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{12})$/i;

export function isGuid(text: string): boolean {
  return GUID_RE.test(text);
}

/**
 * A version-4 GUID (RFC 4122 variant) in canonical upper-case text. With a seed the result is a
 * pure function of (seed, purpose); without one it is random.
 */
export function makeGuid(purpose: string, seed?: string): string {
  const b = seed === undefined ? randomBytes(16) : createHash('sha256').update(`tsdib:${purpose}:${seed}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** 16 bytes in GPT's mixed-endian layout. Throws a plain Error for malformed text (callers validate first). */
export function guidToBytes(guid: string): Buffer {
  const m = GUID_RE.exec(guid);
  if (!m) throw new Error(`not a GUID: ${guid}`);
  const [, a, b, c, d, e] = m as unknown as [string, string, string, string, string, string];
  const out = Buffer.alloc(16);
  out.writeUInt32LE(parseInt(a, 16), 0);
  out.writeUInt16LE(parseInt(b, 16), 4);
  out.writeUInt16LE(parseInt(c, 16), 6);
  Buffer.from(d + e, 'hex').copy(out, 8);
  return out;
}

/** The inverse of guidToBytes, canonical upper-case text. */
export function guidFromBytes(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  const a = b.readUInt32LE(0).toString(16).padStart(8, '0');
  const c1 = b.readUInt16LE(4).toString(16).padStart(4, '0');
  const c2 = b.readUInt16LE(6).toString(16).padStart(4, '0');
  const rest = b.subarray(8).toString('hex');
  return `${a}-${c1}-${c2}-${rest.slice(0, 4)}-${rest.slice(4)}`.toUpperCase();
}
