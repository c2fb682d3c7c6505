/**
 * The rules of each filesystem type a `mkfs` node makes, in one table: the longest label, the
 * form of its id and the mkfs argv that writes label and id. The config checks, the loop path's
 * mkfs and offline assembly all read them here (a type without an entry does not compile).
 *
 * The argv shapes are DIB's:
 *   mkfs -t TYPE [opts] -L LABEL -U UUID -q DEV     ext2/3/4
 *   mkfs -t xfs [opts] -L LABEL -m uuid=UUID -q DEV
 *   mkfs -t vfat [opts] -n LABEL -i VOLID DEV       (label upper-cased; the volume id is the "uuid")
 *   mkfs -t btrfs [opts] -L LABEL -U UUID DEV       (DIB writes no uuid for btrfs; we do)
 *   mkswap [opts] -L LABEL -U UUID DEV
 */
import { randomBytes, randomUUID } from 'node:crypto';

export const FILESYSTEM_TYPES = ['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'fat', 'swap'] as const;
export type FilesystemType = (typeof FILESYSTEM_TYPES)[number];

export interface FilesystemRules {
  /** Longest label (DIB's limits; btrfs from mkfs.btrfs). */
  labelMax: number;
  /** FAT: the label is upper-cased and written with `-n`; the id is a volume id `XXXX-XXXX` (not a UUID). */
  fat: boolean;
  /** mkfs options that write the (normalised) id. */
  idArgs(id: string): string[];
  /** mkfs takes `-q`. */
  quiet: boolean;
  /**
   * The smallest device mkfs accepts with options `opts` (measured with this host's tools), and
   * which mkfs says so; undefined when any device tsdib can make (1 MiB) will do.
   */
  minimum?(opts: readonly string[]): { bytes: number; why: string } | undefined;
}

const MiB = 1024 * 1024;

const ext: FilesystemRules = { labelMax: 16, fat: false, idArgs: (id) => ['-U', id], quiet: true };
const fat: FilesystemRules = { labelMax: 11, fat: true, idArgs: (id) => ['-i', id.replace('-', '')], quiet: false };

export const FILESYSTEMS: Readonly<Record<FilesystemType, FilesystemRules>> = {
  ext2: ext,
  ext3: ext,
  ext4: ext,
  xfs: { labelMax: 12, fat: false, idArgs: (id) => ['-m', `uuid=${id}`], quiet: true, minimum: () => ({ bytes: 300 * MiB, why: 'mkfs.xfs (xfsprogs 6.1) refuses a smaller one' }) },
  btrfs: {
    labelMax: 255,
    fat: false,
    idArgs: (id) => ['-U', id],
    quiet: false,
    // mixed block groups (-M) make small filesystems; without them btrfs-progs 6.2 needs 109 MiB
    minimum: (opts) => (opts.includes('-M') || opts.includes('--mixed') ? undefined : { bytes: 109 * MiB, why: 'mkfs.btrfs (btrfs-progs 6.2) refuses a smaller one without --mixed' }),
  },
  vfat: fat,
  fat,
  swap: { labelMax: 16, fat: false, idArgs: (id) => ['-U', id], quiet: false, minimum: () => ({ bytes: 10 * 4096, why: 'mkswap needs 10 pages' }) },
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VOLUME_ID_RE = /^([0-9a-f]{4})-?([0-9a-f]{4})$/i;

/** The rules of `type`, or undefined for a type mkfs does not make. */
export function filesystemRules(type: string): FilesystemRules | undefined {
  return Object.hasOwn(FILESYSTEMS, type) ? FILESYSTEMS[type as FilesystemType] : undefined;
}

export function isFat(type: string): boolean {
  return filesystemRules(type)?.fat ?? false;
}

/** The label DIB gives the root filesystem when neither the config nor the build names one. */
export function defaultRootLabel(fsType: unknown): string {
  return fsType === 'xfs' ? 'img-rootfs' : 'cloudimg-rootfs';
}

/** The label as mkfs writes it: upper-cased for FAT. */
export function labelFor(type: string, label: string): string {
  return isFat(type) ? label.toUpperCase() : label;
}

/** What the id of a `type` filesystem looks like, for messages. */
export function idForm(type: string): string {
  return isFat(type) ? 'vfat volume id (XXXX-XXXX)' : 'UUID';
}

/** `id` as mkfs takes it (UUID lower-case, volume id `XXXX-XXXX` upper-case), or undefined when it is not one. */
export function normaliseId(type: string, id: string): string | undefined {
  if (isFat(type)) {
    const m = VOLUME_ID_RE.exec(id);
    return m ? `${m[1]}-${m[2]}`.toUpperCase() : undefined;
  }
  return UUID_RE.test(id) ? id.toLowerCase() : undefined;
}

/** A new random id of the form `type` takes. */
export function randomId(type: string): string {
  if (!isFat(type)) return randomUUID();
  const id = randomBytes(4).toString('hex').toUpperCase();
  return `${id.slice(0, 4)}-${id.slice(4)}`;
}

/** Type, label, id and extra options of one filesystem, defaults applied. */
export interface FilesystemSpec {
  type: FilesystemType;
  label: string;
  uuid: string;
  opts: string[];
}

/** The command and argv that make `spec` on `device` (a block device or a file). */
export function mkfsCommand(spec: FilesystemSpec, device: string): { cmd: string; args: string[] } {
  const rules = FILESYSTEMS[spec.type];
  // an empty label (`label: ""`) writes none: fstab then names the filesystem by UUID
  const label = spec.label === '' ? [] : [rules.fat ? '-n' : '-L', spec.label];
  if (spec.type === 'swap') return { cmd: 'mkswap', args: [...spec.opts, ...label, ...rules.idArgs(spec.uuid), device] };
  return { cmd: 'mkfs', args: ['-t', spec.type, ...spec.opts, ...label, ...rules.idArgs(spec.uuid), ...(rules.quiet ? ['-q'] : []), device] };
}
