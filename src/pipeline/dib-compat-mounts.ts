/**
 * DIB's `unmount_image` before the tree is moved into the block device (disk-image-create:365-370):
 * every mount below the tree is undone, newest first, lazily if busy. Hooks make mounts the core
 * never hears about — DIB's `dpkg/root.d/50-shared-apt-cache` binds the apt cache on
 * /var/cache/apt/archives and leaves it to the core — so the core must undo them, or the cache
 * would be copied into the image.
 */
import { join } from 'node:path';
import { isMounted, mountsUnder, unmountPath } from '../host/mount.js';
import { log } from '../log.js';

/** Unmounts everything below `root` (not `root` itself); returns what was unmounted. */
export async function unmountHookMountsBelow(root: string): Promise<string[]> {
  const clean = root.replace(/\/+$/, '');
  const below = (await mountsUnder(clean)).filter((m) => m !== clean).reverse();
  for (const m of below) {
    log.info(`unmounting ${m} (left mounted by a hook)`);
    await unmountPath(m);
  }
  return below;
}

const HOOKS_MANAGE_APT_CACHE = new WeakSet<object>();

/**
 * Whether the build's hooks manage apt's archive cache themselves: a hook has bound its own cache
 * on /var/cache/apt/archives (DIB's `dpkg/root.d/50-shared-apt-cache`). Once seen, it holds for the
 * whole build (`build` is an object that lives as long as the build, e.g. its release stack), and
 * tsdib binds its own apt cache into neither chroot: in DIB the finalise.d `apt-get clean`
 * (dpkg/finalise.d/99-clean-up-cache) cleans the image's own directory, which tsdib's cache mount
 * would hide.
 */
export async function hooksManageAptCache(build: object, root: string): Promise<boolean> {
  if (HOOKS_MANAGE_APT_CACHE.has(build)) return true;
  const archives = join(root, 'var/cache/apt/archives');
  if (!(await isMounted(archives))) return false;
  HOOKS_MANAGE_APT_CACHE.add(build);
  log.info(`${archives} is mounted by a hook: tsdib's apt cache is not used in this build`);
  return true;
}
