/**
 * The build's workspace (DIB's TMP_BUILD_DIR): a private directory (mode 0700) holding the root
 * tree (`mnt`, TMP_MOUNT_PATH), the merged hooks (`hooks`, TMP_HOOKS_PATH) and the raw image files
 * (`image`, TMP_IMAGE_DIR). It sits on a tmpfs when the host has the memory for it (DIB's rule:
 * MemTotal ≥ 2 × DIB_MIN_TMPFS GiB, default 2) unless --no-tmpfs. The tmpfs and the directory are
 * released (unmounted, removed) with the rest of the build's resources.
 */
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeDirSafely } from '../host/release-resource.js';
import { mountAt } from '../host/mount.js';
import type { ReleaseStack } from '../host/release-stack.js';
import { log } from '../log.js';

export interface Workspace {
  /** TMP_BUILD_DIR */
  dir: string;
  /** TMP_MOUNT_PATH: the root tree, later the mounted image. */
  mountPath: string;
  /** TMP_HOOKS_PATH: every element merged (seen as /tmp/in_target.d in the chroot). */
  hooksPath: string;
  /** TMP_IMAGE_DIR: raw image files. */
  imageDir: string;
  onTmpfs: boolean;
}

export interface WorkspaceOptions {
  noTmpfs: boolean;
  /** GB of RAM tmpfs needs (DIB_MIN_TMPFS, default 2): tmpfs only when MemTotal ≥ 2 × this. */
  minTmpfsGB: number;
  /** Parent directory (DIB's TMP_DIR); default the system temp dir. */
  parent: string | undefined;
}

async function memTotalBytes(): Promise<number> {
  const text = await readFile('/proc/meminfo', 'utf8');
  const kib = Number(/^MemTotal:\s+(\d+)\s+kB/m.exec(text)?.[1] ?? 0);
  return kib * 1024;
}

/** Whether the workspace goes on tmpfs, and why not when it does not. */
export async function tmpfsDecision(opts: WorkspaceOptions): Promise<{ use: boolean; why: string }> {
  if (opts.noTmpfs) return { use: false, why: '--no-tmpfs' };
  const mem = await memTotalBytes();
  const need = 2 * opts.minTmpfsGB * 1024 ** 3;
  if (mem < need) return { use: false, why: `not enough RAM for tmpfs (${(mem / 1024 ** 3).toFixed(1)} GiB < ${2 * opts.minTmpfsGB} GiB)` };
  return { use: true, why: `${(mem / 1024 ** 3).toFixed(1)} GiB RAM` };
}

/** Creates the workspace and registers its removal (and the tmpfs unmount) on `release`. */
export async function createWorkspace(release: ReleaseStack, opts: WorkspaceOptions): Promise<Workspace> {
  // imported here, not at the top: tmp-promise resolves TMPDIR when loaded and throws a bare ENOENT for a
  // missing one, before the input checks could say so (check-inputs.ts)
  const { dir: tmpDir } = await import('tmp-promise');
  const tmp = await tmpDir({ prefix: 'tsdib_build.', mode: 0o700, ...(opts.parent ? { tmpdir: opts.parent } : {}) });
  const dir = tmp.path;
  release.push(`remove workspace ${dir}`, { kind: 'dir', path: dir }, () => removeDirSafely(dir));
  const decision = await tmpfsDecision(opts);
  if (decision.use) {
    await mountAt(release, 'tmpfs', dir, { type: 'tmpfs', options: ['mode=0700'] });
    log.info(`workspace ${dir} (tmpfs: ${decision.why})`);
  } else {
    log.info(`workspace ${dir} (on disk: ${decision.why})`);
  }
  await chmod(dir, 0o700);
  const ws: Workspace = {
    dir,
    mountPath: join(dir, 'mnt'),
    hooksPath: join(dir, 'hooks'),
    imageDir: join(dir, 'image'),
    onTmpfs: decision.use,
  };
  for (const d of [ws.mountPath, ws.hooksPath, ws.imageDir]) await mkdir(d, { mode: 0o755 });
  return ws;
}
