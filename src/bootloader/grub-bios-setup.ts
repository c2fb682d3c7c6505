/**
 * GRUB's BIOS boot code written into a disk image file, without a block device: what
 * `grub-bios-setup --no-rs-codes` does when it can embed (GRUB 2.06, util/setup.c), for a disk whose
 * partition table tsdib wrote itself.
 *
 * - The embedding area is the gap between the MBR and the first partition (MBR disks) or the BIOS
 *   boot partition (GPT, type 21686148-6449-6E6F-744E-656564454649). core.img goes to its start.
 * - core.img's first sector (diskboot.img) loads the rest through a block list that grows down from
 *   the end of that sector, 12 bytes an entry {u64 start LBA, u16 sectors, u16 segment}: one entry
 *   {first + 1, sectors − 1, 0x820} (the kernel segment 0x800 plus one sector) and a zero terminator.
 * - boot.img becomes sector 0: the disk's own bytes kept at 0x03–0x5A (BPB) and 0x1B8–0x1FE (disk
 *   signature and partition table), the boot drive byte 0x64 set to 0xFF ("the drive the BIOS
 *   booted"), the floppy check jump at 0x66 replaced by two NOPs (a hard disk), and the LBA of
 *   core.img's first sector at 0x5C.
 *
 * Unlike grub-bios-setup's default, no Reed–Solomon redundancy is added after core.img (it only
 * repairs a gap that other software overwrote later); the result is byte-identical to
 * `grub-bios-setup --no-rs-codes` (checked in test/integration/bootloader/grub-bios-setup.test.ts).
 */
import { open } from 'node:fs/promises';
import { blockDeviceFailed } from '../errors.js';
import type { PartitionLayout } from '../blockdevice/partition-table/layout.js';
import { writeChunks, type DiskChunk } from '../blockdevice/partition-table/write-chunks.js';

const SECTOR = 512;
/** boot.img patch points (grub include/grub/i386/pc/boot.h). */
const BPB_START = 0x03;
const BPB_END = 0x5a;
const KERNEL_SECTOR = 0x5c;
const BOOT_DRIVE = 0x64;
const DRIVE_CHECK = 0x66;
const WINDOWS_NT_MAGIC = 0x1b8;
const PART_END = 0x1fe;
/** diskboot.img's block lists: 12-byte entries growing down from the end of core.img's first sector. */
const BLOCKLIST_ENTRY = 12;
const KERNEL_SEGMENT = 0x800;
/** lzma_decompress.img header field (grub offsets.h), relative to core.img's second sector. */
const NO_REED_SOLOMON_LENGTH = 0x14;
/** core.img is loaded at 0x8200 and must end below 0x78000: at most this many sectors (setup.c's maxsec). */
export const MAX_CORE_SECTORS = (0x78000 - 0x9000) >> 9;
export const BIOS_BOOT_PARTITION_TYPE = '21686148-6449-6E6F-744E-656564454649';

/** Where core.img may go: `sectors` sectors from LBA `firstSector`. */
export interface EmbedArea {
  firstSector: number;
  sectors: number;
  /** For messages: "the gap after the MBR" or "BIOS boot partition BSP". */
  what: string;
}

/** The embedding area of a layout, as GRUB's msdos and gpt partition maps find it. */
export function biosEmbedArea(layout: PartitionLayout): EmbedArea {
  if (layout.sectorSize !== SECTOR) {
    throw blockDeviceFailed(`GRUB's BIOS boot code needs 512-byte sectors; this disk has ${layout.sectorSize}-byte sectors`, {
      hint: 'boot such a disk with UEFI only (the uefi element)',
    });
  }
  if (layout.label === 'gpt') {
    const bsp = layout.partitions.find((p) => p.type === BIOS_BOOT_PARTITION_TYPE);
    if (!bsp) {
      throw blockDeviceFailed('the GPT disk has no BIOS boot partition (type EF02) to hold GRUB\'s core image', {
        hint: 'add a 1 MiB partition of type EF02 (block-device-gpt has one), or boot with UEFI only',
      });
    }
    return { firstSector: bsp.start / SECTOR, sectors: bsp.size / SECTOR, what: `BIOS boot partition ${bsp.name}` };
  }
  const starts = layout.partitions.filter((p) => !p.logical).map((p) => p.start);
  if (layout.extended) starts.push(layout.extended.start);
  const first = starts.length === 0 ? layout.diskSize : Math.min(...starts);
  return { firstSector: 1, sectors: Math.floor(first / SECTOR) - 1, what: 'the gap between the MBR and the first partition' };
}

export interface BiosBootCode {
  /** The new sector 0. */
  sector0: Buffer;
  /** core.img with its block list patched, zero-padded to whole sectors; written at the area's first sector. */
  core: Buffer;
  coreSector: number;
}

/**
 * The bytes grub-bios-setup would write: `diskSector0` is the disk's current sector 0 (its partition
 * table is kept). Throws when the images are not GRUB i386-pc images or core.img does not fit.
 */
export function grubBiosBootCode(bootImg: Buffer, coreImg: Buffer, diskSector0: Buffer, area: EmbedArea): BiosBootCode {
  if (bootImg.length !== SECTOR) throw blockDeviceFailed(`boot.img has ${bootImg.length} bytes; GRUB's i386-pc boot.img has 512`);
  if (diskSector0.length !== SECTOR) throw blockDeviceFailed(`sector 0 of the disk was read as ${diskSector0.length} bytes, not 512`);
  const coreSectors = Math.ceil(coreImg.length / SECTOR);
  if (coreSectors < 2) throw blockDeviceFailed(`core.img has ${coreImg.length} bytes; a GRUB i386-pc core image has at least two sectors`);
  if (coreImg.readUInt16LE(SECTOR + NO_REED_SOLOMON_LENGTH) === 0xffff) {
    throw blockDeviceFailed('core.img is not an i386-pc core image of a GRUB this code knows (its no-Reed-Solomon length field is 0xFFFF)');
  }
  if (coreSectors > MAX_CORE_SECTORS) {
    throw blockDeviceFailed(`core.img has ${coreSectors} sectors; GRUB loads at most ${MAX_CORE_SECTORS} below 0x78000`, { hint: 'embed fewer modules in core.img' });
  }
  if (coreSectors > area.sectors) {
    throw blockDeviceFailed(`core.img needs ${coreSectors} sectors but ${area.what} has ${area.sectors}`, {
      hint: 'start the first partition at 1 MiB (the default alignment) or enlarge the BIOS boot partition',
    });
  }

  const core = Buffer.alloc(coreSectors * SECTOR);
  coreImg.copy(core);
  // grub-bios-setup clears the start LBA of every block list entry in use, then writes its own
  const firstEntry = SECTOR - BLOCKLIST_ENTRY;
  for (let o = firstEntry; core.readUInt16LE(o + 8) !== 0; o -= BLOCKLIST_ENTRY) {
    core.fill(0, o, o + 8);
    if (o - BLOCKLIST_ENTRY <= 0) throw blockDeviceFailed('core.img has no terminator in its block list');
  }
  core.writeBigUInt64LE(BigInt(area.firstSector + 1), firstEntry);
  core.writeUInt16LE(coreSectors - 1, firstEntry + 8);
  core.writeUInt16LE(KERNEL_SEGMENT + (SECTOR >> 4), firstEntry + 10);
  core.fill(0, firstEntry - BLOCKLIST_ENTRY, firstEntry);

  const sector0 = Buffer.from(bootImg);
  diskSector0.copy(sector0, BPB_START, BPB_START, BPB_END);
  sector0[DRIVE_CHECK] = 0x90;
  sector0[DRIVE_CHECK + 1] = 0x90;
  diskSector0.copy(sector0, WINDOWS_NT_MAGIC, WINDOWS_NT_MAGIC, PART_END);
  sector0[BOOT_DRIVE] = 0xff;
  sector0.writeBigUInt64LE(BigInt(area.firstSector), KERNEL_SECTOR);
  return { sector0, core, coreSector: area.firstSector };
}

async function readSector0(image: string): Promise<Buffer> {
  const fh = await open(image, 'r').catch((e: unknown) => {
    throw blockDeviceFailed(`cannot read ${image} to install GRUB's BIOS boot code: ${(e as Error).message}`, { cause: e });
  });
  try {
    const b = Buffer.alloc(SECTOR);
    const { bytesRead } = await fh.read(b, 0, SECTOR, 0);
    if (bytesRead !== SECTOR) throw blockDeviceFailed(`${image} is shorter than one sector`);
    return b;
  } finally {
    await fh.close();
  }
}

/**
 * Writes GRUB's BIOS boot code into `image` (a file or a device whose partition table is
 * `layout`, already written). Returns where core.img went.
 */
export async function installGrubBiosBoot(image: string, layout: PartitionLayout, images: { bootImg: Buffer; coreImg: Buffer }): Promise<{ coreSector: number; coreSectors: number; area: EmbedArea }> {
  const area = biosEmbedArea(layout);
  const code = grubBiosBootCode(images.bootImg, images.coreImg, await readSector0(image), area);
  const chunks: DiskChunk[] = [
    { offset: code.coreSector * SECTOR, bytes: code.core },
    { offset: 0, bytes: code.sector0 },
  ];
  await writeChunks(image, chunks, "GRUB's BIOS boot code");
  return { coreSector: code.coreSector, coreSectors: code.core.length / SECTOR, area };
}
