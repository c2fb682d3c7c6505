/**
 * Mounts. Every mount is registered on the release stack before this returns. Unmounting retries
 * ("target is busy" races are DIB's second most common complaint) and falls back to a lazy unmount.
 */
import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { run } from './exec.js';
import type { ReleaseHandle, ReleaseStack } from './release-stack.js';

export interface Mount {
  path: string;
  handle: ReleaseHandle;
}

export interface MountOptions {
  type?: string;
  options?: readonly string[];
  bind?: boolean;
  rbind?: boolean;
  /** Create the mount point if missing. */
  mkdir?: boolean;
}

/** Mounts `source` at `path` and registers the unmount. */
export async function mountAt(release: ReleaseStack, source: string, path: string, opts: MountOptions = {}): Promise<Mount> {
  if (opts.mkdir) await mkdir(path, { recursive: true });
  const args: string[] = [];
  if (opts.type) args.push('-t', opts.type);
  if (opts.bind) args.push('--bind');
  if (opts.rbind) args.push('--rbind');
  if (opts.options && opts.options.length > 0) args.push('-o', opts.options.join(','));
  args.push(source, path);
  await run('mount', args, { step: 'mount' });
  const handle = release.push(`unmount ${path}`, { kind: 'mount', path }, () => unmountPath(path, { recursive: Boolean(opts.rbind) }));
  return { path, handle };
}

/** Bind-mounts `source` at `path`, then remounts it read-only when asked (a bind ignores `ro`). */
export async function bindMount(release: ReleaseStack, source: string, path: string, opts: { readOnly?: boolean; mkdir?: boolean } = {}): Promise<Mount> {
  const m = await mountAt(release, source, path, { bind: true, mkdir: opts.mkdir ?? false });
  if (opts.readOnly) await run('mount', ['-o', 'remount,bind,ro', path], { step: 'mount' });
  return m;
}

/** Unmounts `path` (and, with recursive, everything below it), retrying busy targets. */
export async function unmountPath(path: string, opts: { recursive?: boolean } = {}): Promise<void> {
  const targets = opts.recursive ? (await mountsUnder(path)).reverse() : [path];
  for (const target of targets) {
    let lastError: unknown;
    let done = false;
    for (let attempt = 0; attempt < 8 && !done; attempt++) {
      if (!(await isMounted(target))) {
        done = true;
        break;
      }
      try {
        await run('umount', [target], { step: 'release umount', afterInterrupt: true });
        done = true;
      } catch (e) {
        lastError = e;
        await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
      }
    }
    if (!done) {
      // last resort: detach now, the kernel finishes when the last user goes away
      try {
        await run('umount', ['--lazy', target], { step: 'release umount', afterInterrupt: true });
      } catch {
        throw lastError;
      }
    }
  }
}

function decodeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Every mount point currently in this process's mount table, in mount order. */
export async function listMountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => decodeMountPath(l.split(' ')[4] ?? ''));
}

export async function isMounted(path: string): Promise<boolean> {
  const clean = path.replace(/\/+$/, '') || '/';
  return (await listMountPoints()).includes(clean);
}

/** Mount points at or below `path`, in mount order (unmount in reverse). */
export async function mountsUnder(path: string): Promise<string[]> {
  const clean = path.replace(/\/+$/, '');
  return (await listMountPoints()).filter((m) => m === clean || m.startsWith(`${clean}/`));
}
