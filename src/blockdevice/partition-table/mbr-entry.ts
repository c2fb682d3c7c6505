/**
 * One 16-byte MBR/EBR partition entry, and the CHS addresses in it.
 *
 * CHS: tsdib writes the conventional LBA-translation geometry (255 heads, 63 sectors per track,
 * as sfdisk and fdisk do), the end address is the partition's last sector, and cylinder bits 8-9
 * go to bits 6-7 of the sector byte. An address past cylinder 1023 is written as FE FF FF
 * (C 1023, H 254, S 63), the usual "use the LBA fields" marker. DIB writes 254 heads, an end one
 * past the partition and wrong high cylinder bits; no LBA reader looks at CHS, so nothing
 * depends on the difference (the LBA fields are identical).
 */

export const HEADS = 255;
export const SECTORS_PER_TRACK = 63;
const MAX_CYLINDER = 1023;

/** The three CHS bytes (head, sector | cylinder-high << 6, cylinder-low) for an absolute LBA. */
export function chsBytes(lba: number): [number, number, number] {
  const cylinder = Math.floor(lba / (HEADS * SECTORS_PER_TRACK));
  if (cylinder > MAX_CYLINDER) return [0xfe, 0xff, 0xff];
  const head = Math.floor(lba / SECTORS_PER_TRACK) % HEADS;
  const sector = (lba % SECTORS_PER_TRACK) + 1;
  return [head, sector | ((cylinder >> 8) << 6), cylinder & 0xff];
}

export interface MbrEntry {
  bootable: boolean;
  type: number;
  /** LBA written in the entry (relative for EBR entries). */
  lbaStart: number;
  lbaLength: number;
  /** Absolute first and last sector, for the CHS fields. */
  absFirst: number;
  absLast: number;
}

export const MBR_ENTRY_OFFSET = 446;
export const MBR_SIGNATURE_OFFSET = 510;
export const MBR_DISK_ID_OFFSET = 440;

/** Writes entry `index` (0..3) of the table in `sector` (an MBR or EBR). */
export function putMbrEntry(sector: Buffer, index: number, e: MbrEntry): void {
  const o = MBR_ENTRY_OFFSET + 16 * index;
  sector[o] = e.bootable ? 0x80 : 0x00;
  Buffer.from(chsBytes(e.absFirst)).copy(sector, o + 1);
  sector[o + 4] = e.type;
  Buffer.from(chsBytes(e.absLast)).copy(sector, o + 5);
  sector.writeUInt32LE(e.lbaStart, o + 8);
  sector.writeUInt32LE(e.lbaLength, o + 12);
}

/** The 0x55 0xAA boot signature at bytes 510-511. */
export function putBootSignature(sector: Buffer): void {
  sector[MBR_SIGNATURE_OFFSET] = 0x55;
  sector[MBR_SIGNATURE_OFFSET + 1] = 0xaa;
}
