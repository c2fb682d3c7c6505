/**
 * The chroot's /sys and /dev inside a user namespace. The namespace may mount proc (it has its own
 * PID namespace), tmpfs and devpts, but not a fresh sysfs (that needs a network namespace of its
 * own), and a plain bind of /dev or /sys is refused (EINVAL) because their submounts came from the
 * host and are locked to them. So both are bound recursively (/sys then read-only); the host's
 * /dev/pts comes with /dev. Each is released by one lazy unmount of the whole bound tree: its
 * locked submounts cannot be unmounted one by one. None of this is visible on the host.
 */
import { join } from 'node:path';
import { run } from '../exec.js';
import type { ReleaseHandle, ReleaseStack } from '../release-stack.js';

async function rbind(release: ReleaseStack, source: string, path: string): Promise<ReleaseHandle> {
  await run('mount', ['--rbind', source, path], { step: 'mount' });
  const handle = release.push(`unmount ${path}`, { kind: 'mount', path }, () => run('umount', ['--lazy', path], { step: 'release umount', afterInterrupt: true }).then(() => undefined));
  // private: nothing mounted below it later reaches the namespace's /dev or /sys
  await run('mount', ['--make-rprivate', path], { step: 'mount' });
  return handle;
}

/** Binds /sys (read-only) and /dev into `root`; resolves with their release handles, in mount order. */
export async function bindSystemTrees(release: ReleaseStack, root: string): Promise<ReleaseHandle[]> {
  const sys = await rbind(release, '/sys', join(root, 'sys'));
  await run('mount', ['-o', 'remount,bind,ro', join(root, 'sys')], { step: 'mount' });
  const dev = await rbind(release, '/dev', join(root, 'dev'));
  return [sys, dev];
}
