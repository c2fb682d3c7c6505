/**
 * Loop devices. Every attach is registered on the release stack before this returns; the whole
 * disk gets one device, and each partition can get its own with --offset/--sizelimit (no kpartx,
 * no device-mapper, no partition scan needed).
 */
import { run } from './exec.js';
import type { ReleaseHandle, ReleaseStack } from './release-stack.js';

export interface LoopDevice {
  device: string;
  image: string;
  offset: number;
  sizeLimit: number | undefined;
  handle: ReleaseHandle;
}

export interface AttachOptions {
  /** Byte offset into the file (for a partition). */
  offset?: number;
  /** Byte length visible through the device (for a partition). */
  sizeLimit?: number;
  sectorSize?: number;
  readOnly?: boolean;
}

/** Attaches `image` to a free loop device and registers its detach. */
export async function attachLoop(release: ReleaseStack, image: string, opts: AttachOptions = {}): Promise<LoopDevice> {
  const args = ['--show', '--find'];
  if (opts.offset !== undefined) args.push('--offset', String(opts.offset));
  if (opts.sizeLimit !== undefined) args.push('--sizelimit', String(opts.sizeLimit));
  if (opts.sectorSize !== undefined && opts.sectorSize !== 512) args.push('--sector-size', String(opts.sectorSize));
  if (opts.readOnly) args.push('--read-only');
  args.push(image);
  const device = (await run('losetup', args, { step: 'losetup attach' })).trim();
  const handle = release.push(`detach loop ${device} (${image})`, { kind: 'loop', device, image }, () => detachLoop(device));
  return { device, image, offset: opts.offset ?? 0, sizeLimit: opts.sizeLimit, handle };
}

/** Detaches a loop device; retries briefly because udev or a just-unmounted fs may still hold it. */
export async function detachLoop(device: string): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      await run('losetup', ['--detach', device], { step: 'release losetup detach', afterInterrupt: true });
      return;
    } catch (e) {
      if (!(await isLoopAttached(device))) return;
      lastError = e;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
  throw lastError;
}

export async function isLoopAttached(device: string): Promise<boolean> {
  const out = await run('losetup', ['--list', '--noheadings', '--output', 'NAME'], { step: 'release losetup list', afterInterrupt: true });
  return out.split('\n').some((l) => l.trim() === device);
}

/** Loop devices currently attached, with their backing files (for leak checks and cleanup). */
export async function listLoops(): Promise<Array<{ device: string; backingFile: string }>> {
  const out = await run('losetup', ['--list', '--noheadings', '--raw', '--output', 'NAME,BACK-FILE'], { step: 'release losetup list', afterInterrupt: true });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [device = '', ...rest] = l.trim().split(' ');
      return { device, backingFile: rest.join(' ') };
    });
}

/**
 * Waits until `device` no longer serves `image`. `losetup --detach` of a device someone still has
 * open (a probe, a just-closed mount) only marks it for auto-clear and returns at once; the
 * kernel detaches it when the last user closes it. Returns false if it is still attached after
 * `timeoutMs`.
 */
export async function waitForDetach(device: string, image: string, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const still = (await listLoops()).some((l) => l.device === device && l.backingFile.replace(/ \(deleted\)$/, '') === image);
    if (!still) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
