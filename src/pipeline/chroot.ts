/**
 * The chroot a build runs hooks in: /proc, /sys (read-only), /dev and /dev/pts from the host, the
 * merged hooks at /tmp/in_target.d (read-only), apt's archive cache bound from the image cache
 * (so a warm build downloads nothing), and a policy-rc.d that stops package scripts from starting
 * daemons. Every mount and file is registered on the release stack as it is made; leaving the
 * chroot releases them in reverse and kills any process still running inside.
 */
import { lstat, mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../host/exec.js';
import { bindMount, isMounted, mountAt } from '../host/mount.js';
import { killProcessesUnder } from '../host/processes.js';
import type { ReleaseHandle, ReleaseStack } from '../host/release-stack.js';
import { bindSystemTrees } from '../host/userns/namespace-mounts.js';

export const IN_TARGET_HOOKS = '/tmp/in_target.d';

export interface ChrootSession {
  root: string;
  /** Releases everything this session acquired, newest first. */
  leave(): Promise<void>;
}

const POLICY_RC_D = '#!/bin/sh\n# Written by tsdib while the image is built: no daemon may start in the chroot.\nexit 101\n';

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Prepares `root` for chrooted hooks. `aptCache` is bound at /var/cache/apt/archives when the
 * tree has apt.
 */
export async function enterChroot(release: ReleaseStack, root: string, opts: { hooksPath: string; aptCache?: string; userNamespace?: boolean }): Promise<ChrootSession> {
  const handles: ReleaseHandle[] = [];
  const keep = (h: ReleaseHandle) => handles.push(h);
  const session: ChrootSession = {
    root,
    leave: async () => {
      while (handles.length > 0) await handles.pop()!.release();
    },
  };
  try {
    for (const d of ['proc', 'sys', 'dev', 'tmp']) await mkdir(join(root, d), { recursive: true });
    keep((await mountAt(release, 'proc', join(root, 'proc'), { type: 'proc' })).handle);
    if (opts.userNamespace) {
      // a user namespace may not mount a fresh sysfs, nor bind /dev or /sys without their submounts
      for (const h of await bindSystemTrees(release, root)) keep(h);
    } else {
      keep((await mountAt(release, 'sysfs', join(root, 'sys'), { type: 'sysfs', options: ['ro'] })).handle);
      keep((await bindMount(release, '/dev', join(root, 'dev'))).handle);
      // private: the devpts mounted below must not propagate onto the host's /dev/pts
      await run('mount', ['--make-private', join(root, 'dev')], { step: 'mount' });
      keep((await mountAt(release, 'devpts', join(root, 'dev', 'pts'), { type: 'devpts', options: ['gid=5', 'mode=620', 'ptmxmode=666'] })).handle);
    }

    const inTarget = join(root, IN_TARGET_HOOKS);
    await mkdir(inTarget, { recursive: true });
    keep(release.push(`remove ${inTarget}`, { kind: 'other', description: `remove ${inTarget}` }, () => rmdir(inTarget).catch(() => undefined)));
    keep((await bindMount(release, opts.hooksPath, inTarget, { readOnly: true })).handle);

    const archives = join(root, 'var/cache/apt/archives');
    // a hook may have bound its own cache there already (DIB's dpkg/root.d/50-shared-apt-cache): leave it be
    if (opts.aptCache && (await exists(archives)) && !(await isMounted(archives))) {
      await mkdir(join(opts.aptCache, 'partial'), { recursive: true });
      keep((await bindMount(release, opts.aptCache, archives)).handle);
    }

    const policy = join(root, 'usr/sbin/policy-rc.d');
    if (!(await exists(policy)) && (await exists(join(root, 'usr/sbin')))) {
      await writeFile(policy, POLICY_RC_D, { mode: 0o755 });
      keep(release.push(`remove ${policy}`, { kind: 'file', path: policy }, () => rm(policy, { force: true })));
    }
    // registered last so it is released first: nothing may still run inside when the mounts go
    keep(release.push(`kill processes in chroot ${root}`, { kind: 'chroot-processes', root }, async () => void (await killProcessesUnder(root))));
  } catch (e) {
    await session.leave().catch(() => undefined);
    throw e;
  }
  return session;
}
