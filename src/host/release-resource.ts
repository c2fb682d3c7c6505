/**
 * Rebuilds the release of a saved Resource, for `tsdib cleanup` after a build was SIGKILLed. Each
 * release first checks that the resource still is what the state file says, so cleaning twice, or
 * after the host already released something, is harmless.
 */
import { rm } from 'node:fs/promises';
import { run, succeeds } from './exec.js';
import { detachLoop, listLoops } from './loop.js';
import { isMounted, mountsUnder, unmountPath } from './mount.js';
import { killProcessesUnder } from './processes.js';
import type { Resource } from './release-stack.js';

export function describeResource(r: Resource): string {
  switch (r.kind) {
    case 'loop':
      return `loop device ${r.device}${r.image ? ` (${r.image})` : ''}`;
    case 'mount':
      return `mount ${r.path}`;
    case 'zpool':
      return `zfs pool ${r.name}`;
    case 'dir':
      return `directory ${r.path}`;
    case 'file':
      return `file ${r.path}`;
    case 'chroot-processes':
      return `processes in ${r.root}`;
    case 'process':
      return `process ${r.pid}`;
    case 'other':
      return r.description;
  }
}

/** Removes a directory, refusing if anything is still mounted below it (rm must never cross into a bind mount). */
export async function removeDirSafely(path: string): Promise<void> {
  const mounted = await mountsUnder(path);
  if (mounted.length > 0) throw new Error(`refusing to remove ${path}: still mounted below it: ${mounted.join(', ')}`);
  await rm(path, { recursive: true, force: true });
}

export async function releaseResource(r: Resource): Promise<void> {
  switch (r.kind) {
    case 'loop': {
      const attached = (await listLoops()).find((l) => l.device === r.device);
      if (!attached) return;
      // the device number may have been reused by someone else since: only detach our backing file
      if (r.image && !attached.backingFile.startsWith(r.image)) return;
      await detachLoop(r.device);
      return;
    }
    case 'mount':
      if ((await mountsUnder(r.path)).length > 0 || (await isMounted(r.path))) await unmountPath(r.path, { recursive: true });
      return;
    case 'zpool':
      if (await succeeds('zpool', ['list', '-H', '-o', 'name', r.name], { step: 'release zpool list', afterInterrupt: true })) {
        await run('zpool', ['export', '-f', r.name], { step: 'release zpool export', afterInterrupt: true });
      }
      return;
    case 'dir':
      await removeDirSafely(r.path);
      return;
    case 'file':
      await rm(r.path, { force: true });
      return;
    case 'chroot-processes':
      await killProcessesUnder(r.root);
      return;
    case 'process':
      try {
        process.kill(r.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      return;
    case 'other':
      return;
  }
}
