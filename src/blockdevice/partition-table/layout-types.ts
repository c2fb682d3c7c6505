/**
 * The shapes of a partition table: what the config asks for (`PartitionTableSpec`) and where every
 * partition lands (`PartitionLayout`). Types only, so the MBR and GPT layout code and layout.ts,
 * which picks between them, all read them without importing each other.
 */
export type PartitionLabel = 'mbr' | 'gpt';
export type PartitionFlag = 'boot' | 'primary';
export type PartitionSize = { bytes: number } | { percent: number };

/** GPT attribute: a bit number (0, 1, 2 or 48..63) or the name of bits 0..2. */
export type GptAttribute = number | 'required' | 'no-block-io-protocol' | 'legacy-bios-bootable';

export interface PartitionSpec {
  /** Node name; GPT partition name (at most 36 UTF-16 code units). */
  name: string;
  size: PartitionSize;
  flags?: readonly PartitionFlag[];
  /** MBR: one-byte hex (`'0x83'`, `'83'`, default 0x83). GPT: sgdisk code (`'EF00'`, default 8300) or a type GUID. */
  type?: string;
  /** GPT only. */
  attributes?: readonly GptAttribute[];
}

export interface PartitionTableSpec {
  label: PartitionLabel;
  /** Size of the whole disk in bytes. */
  diskSize: number;
  /** Alignment of partition starts and ends in bytes; default 1 MiB. */
  align?: number;
  /** Logical sector size; default 512. */
  sectorSize?: number;
  partitions: readonly PartitionSpec[];
}

export interface PlacedPartition {
  name: string;
  /** Partition number as the kernel numbers it: MBR primaries 1..4, logicals from 5; GPT entry index + 1. */
  number: number;
  /** Byte offset of the data on the disk. */
  start: number;
  /** Byte length of the data. */
  size: number;
  /** MBR: `'0x83'` form (lower-case); GPT: type GUID, upper-case. */
  type: string;
  /** MBR: active flag 0x80. GPT: attribute bit 2 is set. */
  bootable: boolean;
  /** MBR logical partition (inside the extended partition). */
  logical: boolean;
  /** MBR logical partitions: byte offset of this partition's EBR. */
  ebrOffset?: number;
  /** GPT attribute bit numbers, ascending (empty for MBR). */
  attributes: number[];
}

export interface PartitionLayout {
  label: PartitionLabel;
  diskSize: number;
  sectorSize: number;
  align: number;
  partitions: PlacedPartition[];
  /** MBR with logical partitions: the extended partition and its entry index (0..3) in the MBR. */
  extended?: { start: number; size: number; slot: number };
  /** GPT: usable LBA range and where the entry arrays live. */
  gpt?: { firstUsableLba: number; lastUsableLba: number; lastLba: number; entryCount: number; entrySize: number; entrySectors: number };
}
