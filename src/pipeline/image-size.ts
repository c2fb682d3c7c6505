/**
 * The image size when --image-size is not given, after DIB (reference dib.md §3.4):
 * disk usage of the finished tree (`du -x`, KiB) divided by 0.6 (or plus --image-extra-size MB),
 * plus the ext4 journal (DIB_JOURNAL_SIZE MB, default 64; mkfs gets `-i 4096 -J size=N`),
 * rounded up to 64 KiB.
 *
 * Changes from DIB:
 * - a computed size is never under 4 × the ext4 journal (mke2fs refuses a journal that big on a
 *   small filesystem; DIB fails there);
 * - instead of adding 525 MiB when an element named block-device-efi is present (even to an
 *   explicit --image-size), we add the sum of the fixed-size partitions the block-device config
 *   declares (ESP, BIOS boot…) plus 1 MiB for the partition table and alignment, whatever the
 *   layout is called, and only to a computed size: an explicit size is the size.
 */
import { run } from '../host/exec.js';

export interface ImageSizeInput {
  treeKiB: number;
  imageSizeGB: number | undefined;
  imageExtraSizeMB: number | undefined;
  journalSizeMB: number;
  rootFsType: string;
  /** Bytes of partitions with an absolute size (the root partition, usually 100%, is not counted). */
  fixedPartitionBytes: number;
  maxOnlineResize: number | undefined;
  mkfsOptions: string | undefined;
}

export interface ImageSize {
  bytes: number;
  /** Root filesystem mkfs options (DIB's MKFS_OPTS after the size step). */
  rootFsOpts: string | undefined;
  /** How the size was reached, for the log. */
  explanation: string;
}

const KIB = 1024;

/** Disk usage of `dir` in KiB, not crossing into other filesystems. */
export async function treeUsageKiB(dir: string): Promise<number> {
  const out = await run('du', ['-s', '-x', '-k', dir], { step: 'du' });
  return Number(out.trim().split(/\s+/)[0] ?? 0);
}

export function computeImageSize(input: ImageSizeInput): ImageSize {
  const auto = input.imageSizeGB === undefined;
  let kib: number;
  const why: string[] = [];
  if (!auto) {
    kib = Math.round((input.imageSizeGB as number) * 1024 * 1024);
    why.push(`--image-size ${input.imageSizeGB} GB`);
  } else if (input.imageExtraSizeMB !== undefined) {
    kib = input.treeKiB + input.imageExtraSizeMB * 1024;
    why.push(`tree ${input.treeKiB} KiB + ${input.imageExtraSizeMB} MB extra`);
  } else {
    kib = Math.floor(input.treeKiB / 0.6);
    why.push(`tree ${input.treeKiB} KiB / 0.6`);
  }
  let opts = input.mkfsOptions?.trim() ?? '';
  if (input.rootFsType === 'ext4') {
    opts = `-i 4096 -J size=${input.journalSizeMB}${opts ? ` ${opts}` : ''}`;
    if (auto) {
      kib += input.journalSizeMB * 1024;
      why.push(`+ ${input.journalSizeMB} MiB journal`);
      // mke2fs refuses a journal that big on a small filesystem: keep the fs at least 4 × the journal
      const floor = input.journalSizeMB * 1024 * 4;
      if (kib < floor) {
        kib = floor;
        why.push(`(raised to 4 × the journal)`);
      }
    }
  }
  if (auto && input.fixedPartitionBytes > 0) {
    kib += Math.ceil(input.fixedPartitionBytes / KIB) + 1024;
    why.push(`+ ${Math.ceil(input.fixedPartitionBytes / KIB / 1024)} MiB fixed partitions + 1 MiB table`);
  }
  kib = Math.ceil(kib / 64) * 64;
  if (input.maxOnlineResize !== undefined) opts = `-E resize=${input.maxOnlineResize}${opts ? ` ${opts}` : ''}`;
  return { bytes: kib * KIB, rootFsOpts: opts || undefined, explanation: `${why.join(' ')} → ${kib} KiB` };
}
