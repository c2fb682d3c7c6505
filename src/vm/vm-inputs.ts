/**
 * The flags `tsdib boot` and `tsdib test` share, checked before anything is made: every problem is
 * FLAG_INVALID or IMAGE_INVALID (exit 2) naming the flag and what it expects.
 */
import { flagInvalid } from '../errors.js';
import { requireTools } from '../host/doctor.js';
import { t } from '../host/host-tools.js';
import { inspectDiskImage } from './disk-image.js';
import { FIRMWARES, findOvmf, type Firmware } from './firmware.js';
import { checkSeed } from './nocloud-seed.js';
import type { VmMachine } from './vm-session.js';

export interface VmFlags {
  image: string;
  firmware: string;
  memory: string;
  cpus: number;
  timeout?: number;
  seed?: string;
  extraArgs: readonly string[];
}

export interface CheckedVmFlags {
  machine: VmMachine;
  timeoutMs?: number;
}

/** What every boot needs (OVMF is looked for by --firmware uefi itself, in more places than Debian's). */
const QEMU_TOOLS = [t('qemu-system-x86_64', 'qemu-system-x86'), t('qemu-img', 'qemu-utils')];

/** `--memory 2048`, `2048M`, `2G`, `2GiB` → MiB. */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+)\s*(m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const mib = unit.startsWith('g') ? n * 1024 : n;
  return mib >= 64 ? mib : undefined;
}

export function parseExpect(text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (e) {
    throw flagInvalid({ flag: '--expect', value: text, problem: `not a regular expression: ${(e as Error).message}`, hint: 'e.g. --expect "login:"' });
  }
}

export async function checkVmFlags(f: VmFlags): Promise<CheckedVmFlags> {
  if (!(FIRMWARES as readonly string[]).includes(f.firmware)) throw flagInvalid({ flag: '--firmware', value: f.firmware, expected: FIRMWARES.join(' or ') });
  const firmware = f.firmware as Firmware;
  const memoryMiB = parseMemory(f.memory);
  if (memoryMiB === undefined) throw flagInvalid({ flag: '--memory', value: f.memory, expected: 'MiB (at least 64) such as 1024, 2G or 2048M' });
  if (!Number.isInteger(f.cpus) || f.cpus < 1) throw flagInvalid({ flag: '--cpus', value: f.cpus, expected: 'a whole number of at least 1' });
  if (f.timeout !== undefined && !(Number.isFinite(f.timeout) && f.timeout > 0)) throw flagInvalid({ flag: '--timeout', value: f.timeout, expected: 'seconds, more than 0' });
  await requireTools(QEMU_TOOLS);
  const image = await inspectDiskImage(f.image);
  if (firmware === 'uefi') findOvmf();
  const seed = f.seed !== undefined ? { path: f.seed, kind: await checkSeed(f.seed) } : undefined;
  if (seed?.kind === 'dir') await requireTools([t('mkfs.vfat', 'dosfstools'), t('mcopy', 'mtools')]);
  return {
    machine: { image, firmware, memoryMiB, cpus: f.cpus, ...(seed ? { seed } : {}), extraArgs: f.extraArgs },
    ...(f.timeout !== undefined ? { timeoutMs: f.timeout * 1000 } : {}),
  };
}
