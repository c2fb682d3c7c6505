/**
 * A build needs root today: it attaches loop devices, mounts filesystems, and runs hooks in a
 * chroot. An ordinary user is told so before anything is done, instead of failing at the first
 * mount with exit 1.
 */
import { userInfo } from 'node:os';
import { rootRequired } from '../errors.js';

export function checkRunsAsRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid === undefined || uid === 0) return;
  let name = `uid ${uid}`;
  try {
    name = `${userInfo().username} (uid ${uid})`;
  } catch {
    // no passwd entry: the uid alone
  }
  throw rootRequired(`building an image needs root (loop devices, mounts, a chroot for the hooks); tsdib runs as ${name}`, {
    hint: 'run the build as root, e.g. sudo -E tsdib … (tsdib plan and tsdib lint-elements need no root)',
  });
}
