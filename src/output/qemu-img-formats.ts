/**
 * The `-t` types written by `qemu-img convert` (formats we have no writer for), and the qemu format
 * each of our own disk writers stands for — the one qemu-img takes over when `--qemu-img-options`
 * asks for something our writer does not do (e.g. qcow2 `preallocation=metadata`, `backing_file`).
 * Image formats qemu-img 7.2 cannot create (bochs, cloop, dmg) are not here, nor `luks`, whose key
 * must come from a `--object secret`, which `--qemu-img-options` cannot carry.
 */
export interface QemuImgFormat {
  /** qemu-img's `-O` name. */
  format: string;
  /** File name extension of the output, without the dot. */
  extension: string;
  /** What the format is for, shown in docs/outputs.md. */
  note?: string;
  /** Options tsdib passes unless the user gives the key (DIB's vmdk is streamOptimized). */
  defaults?: Readonly<Record<string, string>>;
  /** Whether `-c` applies: DIB compresses qcow2 (and only qcow2) unless `-u`. */
  compressible?: boolean;
  /** Option values that make qemu-img write more than one file (an output is one file). */
  severalFiles?: Readonly<Record<string, readonly string[]>>;
}

/** `-t` types that only qemu-img writes. */
export const QEMU_IMG_TYPES: Readonly<Record<string, QemuImgFormat>> = {
  parallels: { format: 'parallels', extension: 'hds', note: 'Parallels' },
  qcow: { format: 'qcow', extension: 'qcow', note: 'qcow version 1' },
  qed: { format: 'qed', extension: 'qed' },
  vdi: { format: 'vdi', extension: 'vdi', note: 'VirtualBox' },
  vhdx: { format: 'vhdx', extension: 'vhdx', note: 'Hyper-V' },
  vmdk: {
    format: 'vmdk',
    extension: 'vmdk',
    defaults: { subformat: 'streamOptimized' },
    severalFiles: { subformat: ['monolithicFlat', 'twoGbMaxExtentSparse', 'twoGbMaxExtentFlat', 'vmfs', 'vmfsSparse'] },
  },
};

/** For each of our own disk writers: the qemu format that takes over when options need qemu-img. */
export const NATIVE_QEMU_FORMATS: Readonly<Record<string, QemuImgFormat>> = {
  qcow2: { format: 'qcow2', extension: 'qcow2', compressible: true },
  raw: { format: 'raw', extension: 'raw' },
  // our VHDs keep the exact size, as force_size=on does
  vhd: { format: 'vpc', extension: 'vhd', defaults: { force_size: 'on' } },
  'vhd-fixed': { format: 'vpc', extension: 'vhd', defaults: { subformat: 'fixed', force_size: 'on' } },
};

/** qemu's `-o` syntax: `k=v,k=v`, a comma inside a value doubled. */
export function formatQemuOptions(options: ReadonlyMap<string, string>): string {
  return [...options].map(([k, v]) => `${k}=${v.replace(/,/g, ',,')}`).join(',');
}
