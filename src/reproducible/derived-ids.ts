/**
 * Identifiers derived from the build seed. Every id is the first bytes of
 * sha256("tsdib:" + purpose + ":" + seed), shaped as its kind requires; `purpose` names the node
 * and what the id is for, so two filesystems of one build never share one. The GPT and MBR ids use
 * the same rule (partition-table/guid.ts, mbr.ts).
 */
import { createHash } from 'node:crypto';
import { makeGuid } from '../blockdevice/partition-table/guid.js';

/** A version-4-shaped UUID in lower case (filesystem UUIDs, ext4 hash seeds). */
export function derivedUuid(seed: string, purpose: string): string {
  return makeGuid(purpose, seed).toLowerCase();
}

/** A FAT volume id, XXXX-XXXX (upper-case hex). */
export function derivedVolumeId(seed: string, purpose: string): string {
  const h = createHash('sha256').update(`tsdib:${purpose}:${seed}`).digest('hex').slice(0, 8).toUpperCase();
  return `${h.slice(0, 4)}-${h.slice(4)}`;
}
