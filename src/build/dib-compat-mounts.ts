/**
 * DIB's `unmount_image` before the tree is moved into the block device (disk-image-create:365-370):
 * every mount below the tree is undone, newest first, lazily if busy. Hooks make mounts the core
 * never hears about — DIB's `dpkg/root.d/50-shared-apt-cache` binds the apt cache on
 * /var/cache/apt/archives and leaves it to the core — so the core must undo them, or the cache
 * would be copied into the image.
 */
import { mountsUnder, unmountPath } from '../host/mount.js';
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
