/**
 * mount: mounts a filesystem at `<mount-base>/<mount_point>` in mount-point order (`/` first).
 * - ext*, xfs, btrfs (and vfat when the kernel has it): a real mount of the device.
 * - vfat on a kernel without vfat: a tmpfs is mounted at the mount point as a staging area; at
 *   umount its tree is copied into the vfat filesystem with mtools, then the tmpfs is unmounted, so
 *   the parent filesystem keeps only the empty mount-point directory.
 * - swap: nothing is mounted; the mount point is `none`.
 * umount (reverse order): sync, fstrim (not vfat), unmount — each release dropped from the stack
 * only once it succeeded.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blockDeviceFailed } from '../../errors.js';
import { run, succeeds } from '../../host/exec.js';
import { mountAt, unmountPath } from '../../host/mount.js';
import { log } from '../../log.js';
import type { ConfigNode } from '../types.js';
import { requiredString, singleBase } from './config-value.js';
import type { NodeLifecycle } from './context.js';
import { isFat } from './mkfs.js';
import { copyStagedTreeIntoVfat } from './vfat-staging.js';

/** DIB's mount order: plain string comparison of mount points (`/` < `/boot` < `/boot/efi` < `none`). */
export function compareMountPoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Host path of a mount point under the mount base (`/` is the base itself). */
export function mountPath(mountBase: string, mountPoint: string): string {
  const rel = mountPoint.replace(/^\/+/, '');
  return rel === '' ? mountBase : join(mountBase, rel);
}

let kernelVfat: Promise<boolean> | undefined;
/** Whether the kernel can mount vfat: registered in /proc/filesystems, or a module it can load. */
export function kernelHasVfat(): Promise<boolean> {
  kernelVfat ??= (async () => {
    const fs = await readFile('/proc/filesystems', 'utf8').catch(() => '');
    if (fs.split('\n').some((l) => l.trim().split(/\s+/).pop() === 'vfat')) return true;
    const release = (await readFile('/proc/sys/kernel/osrelease', 'utf8').catch(() => '')).trim();
    const deps = await readFile(`/lib/modules/${release}/modules.dep`, 'utf8').catch(() => '');
    const builtin = await readFile(`/lib/modules/${release}/modules.builtin`, 'utf8').catch(() => '');
    return /\/vfat\.ko/.test(deps) || /\/vfat\.ko/.test(builtin);
  })();
  return kernelVfat;
}

function mountPointOf(node: ConfigNode): string {
  const mp = requiredString(node, 'mount_point');
  if (mp !== 'none' && !mp.startsWith('/')) {
    throw blockDeviceFailed(`mount node "${node.name}": mount_point "${mp}" must be absolute`, { node: node.name, path: `${node.configPath}.mount_point` });
  }
  if (mp.split('/').includes('..')) {
    throw blockDeviceFailed(`mount node "${node.name}": mount_point "${mp}" must not contain ".."`, { node: node.name });
  }
  return mp;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export const mountLifecycle: NodeLifecycle = {
  async check(node, ctx) {
    mountPointOf(node);
    // mounts run in graph order, which chains them in mount-point order; a hand-made list must too
    const mounts = ctx.nodes.filter((n) => n.kind === 'mount' && ctx.nodesByName.get(n.base[0] ?? '')?.config['type'] !== 'swap');
    const i = mounts.indexOf(node);
    const prev = i > 0 ? mounts[i - 1] : undefined;
    if (prev && compareMountPoints(mountPointOf(prev), mountPointOf(node)) >= 0) {
      throw blockDeviceFailed(
        `mount node "${node.name}" (${mountPointOf(node)}) comes after "${prev.name}" (${mountPointOf(prev)}); mounts must be in mount-point order`,
        { node: node.name },
      );
    }
  },

  async create(node, ctx) {
    const base = singleBase(node);
    const fs = ctx.state.filesys[base];
    if (!fs) throw blockDeviceFailed(`mount node "${node.name}": its base "${base}" is not a filesystem`, { node: node.name });
    if (fs.fstype === 'swap') {
      ctx.extras.mountKinds[node.name] = 'swap';
      ctx.state.mounts.push({ mountPoint: 'none', node: node.name, path: '', fstype: 'swap' });
      return;
    }
    const mountPoint = mountPointOf(node);
    const path = mountPath(ctx.params.mountBase, mountPoint);
    if (!(await exists(path))) {
      const first = await mkdir(path, { recursive: true });
      // a directory made on the host (not inside one of our mounts) is ours to remove at cleanup
      const insideOurs = ctx.state.mounts.some((m) => m.path !== '' && first !== undefined && first.startsWith(`${m.path}/`));
      if (first !== undefined && !insideOurs) ctx.extras.createdDirs.push(first);
    }
    if (isFat(fs.fstype) && !(await kernelHasVfat())) {
      const m = await mountAt(ctx.release, 'tsdib-vfat-staging', path, { type: 'tmpfs', options: ['mode=0755'] });
      ctx.hold(node.name, `vfat staging tmpfs at ${path}`, { kind: 'mount', path }, m.handle);
      ctx.extras.mountKinds[node.name] = 'vfat-staging';
      log.info(`${mountPoint}: the kernel has no vfat; staging on a tmpfs, copied into ${fs.device} at umount`);
    } else {
      const m = await mountAt(ctx.release, fs.device, path, { type: fs.fstype });
      ctx.hold(node.name, `mount ${fs.device} at ${path}`, { kind: 'mount', path }, m.handle);
      ctx.extras.mountKinds[node.name] = 'mount';
    }
    ctx.state.mounts.push({ mountPoint, node: node.name, path, fstype: fs.fstype });
  },

  async umount(node, ctx) {
    const entry = ctx.state.mounts.find((m) => m.node === node.name);
    const kind = ctx.extras.mountKinds[node.name];
    if (!entry || kind === 'swap') return;
    for (const h of ctx.heldBy(node.name, 'mount')) {
      await ctx.releaseHeld(h, async () => {
        if (kind === 'vfat-staging') {
          await copyStagedTreeIntoVfat(ctx, singleBase(node), entry.path);
        } else {
          await run('sync', ['--file-system', entry.path], { step: 'sync' });
          if (!isFat(entry.fstype)) {
            // a loop device passes discards to the file as holes: the raw image stays sparse
            if (!(await succeeds('fstrim', ['--verbose', entry.path], { step: 'fstrim' }))) log.debug(`fstrim ${entry.path} not supported`);
          }
        }
        await unmountPath(entry.path);
      });
    }
  },
};
