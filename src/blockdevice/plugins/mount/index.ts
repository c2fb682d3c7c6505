/**
 * `mount`: where a filesystem (`base`, an mkfs node) is mounted in the image. Edges: from its
 * filesystem, and from the mount before it in DIB's mount order (see mount-order.ts), which
 * chains all mounts so `/` is mounted before `/var` before `/var/log`.
 *
 * Loop backend: mounts the filesystem at `<mount-base>/<mount_point>`, in that order:
 * - ext*, xfs, btrfs (and vfat when the kernel has it): a real mount of the device.
 * - vfat on a kernel without vfat: a tmpfs is mounted at the mount point as a staging area; at
 *   umount its tree is copied into the vfat filesystem with mtools (vfat-staging.ts), then the
 *   tmpfs is unmounted, so the parent filesystem keeps only the empty mount-point directory. The
 *   tmpfs is mounted with the vfat's device as its source: tools that map a directory to its
 *   device through the mount table (grub-install/grub-probe checking that the ESP is FAT, in DIB's
 *   `bootloader`) find the formatted vfat device and read it with their own FAT driver.
 * - swap: nothing is mounted; the mount point is `none`.
 * umount (reverse order): sync, fstrim (not vfat), unmount — each release dropped from the stack
 * only once it succeeded. Offline: the mount point tells which part of the tree fills the filesystem.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { SchemaObject } from 'ajv';
import { blockDeviceFailed } from '../../../errors.js';
import { run, succeeds } from '../../../host/exec.js';
import { mountAt, unmountPath } from '../../../host/mount.js';
import { log } from '../../../log.js';
import { isFat } from '../../filesystems.js';
import { singleBase } from '../../lifecycle/config-value.js';
import { mountOrder as orderMounts, type MountOrder } from '../../mount-order.js';
import type { BlockDevicePlugin, CheckContext } from '../../plugin.js';
import { edgesFromBase, oneNode, str } from '../../plugin.js';
import type { ConfigEntry, ConfigNode, ConfigProblem } from '../../types.js';
import { copyStagedTreeIntoVfat } from './vfat-staging.js';

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'base', 'mount_point'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name; tree default mount_<mkfs name>' },
    base: { type: 'string', minLength: 1, description: 'The filesystem (an mkfs node) to mount' },
    mount_point: { type: 'string', minLength: 1, description: 'Absolute path inside the image, e.g. /var/log; none for swap' },
  },
};

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

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

const mountsOf = new WeakMap<readonly ConfigNode[], MountOrder<{ mountPoint: string; node: string }>>();

/** The mount order of `all`, computed once per node list (every mount node's check and edges ask for it). */
function mounts(all: readonly ConfigNode[]): MountOrder<{ mountPoint: string; node: string }> {
  let order = mountsOf.get(all);
  if (!order) {
    order = orderMounts(
      all.filter((n) => n.kind === 'mount' && typeof n.config['mount_point'] === 'string').map((n) => ({ mountPoint: n.config['mount_point'] as string, node: n.name })),
    );
    mountsOf.set(all, order);
  }
  return order;
}

/** Mount nodes of `all` in mount order (DIB's, unless it would mount a child first; see mount-order.ts). */
export function mountOrder(all: readonly ConfigNode[]): Array<{ mountPoint: string; node: string }> {
  return mounts(all).order;
}

/** A mount point as the kernel sees it: no repeated or trailing slash, no "." component. */
export function normalMountPoint(mp: string): string {
  const n = posix.normalize(mp);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** Why `mp` cannot be a mount point in the image (and a field of its fstab line), or undefined. */
export function mountPointProblem(mp: string): string | undefined {
  if (!mp.startsWith('/')) return `mount point "${mp}" must be an absolute path such as /${mp}`;
  if (mp.split('/').includes('..')) return `mount point "${mp}" must not contain ".."`;
  // fstab separates its fields with blanks; DIB would write a broken line
  if (/[\s\x00-\x1f\x7f]/.test(mp)) return `mount point ${JSON.stringify(mp)} has a blank or control character; fstab cannot hold it`;
  const normal = normalMountPoint(mp);
  if (normal !== mp) return `mount point "${mp}" is not in normal form; write "${normal}"`;
  return undefined;
}

/** Whether a mount node's `base` is a swap area (an mkfs node of type swap). */
export function isSwapMount(config: Record<string, unknown>, byName: ReadonlyMap<string, ConfigNode>): boolean {
  const fs = byName.get(String(config['base']));
  return fs?.kind === 'mkfs' && fs.config['type'] === 'swap';
}

function check(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
  const path = entry.configPath;
  const problems: ConfigProblem[] = [];
  const mp = String(entry.config['mount_point']);
  const base = String(entry.config['base']);
  const fs = ctx.byName.get(base);
  if (fs && fs.kind !== 'mkfs') problems.push({ path: `${path}.base`, message: `"${base}" is a ${fs.kind} node; mount needs a filesystem (an mkfs node)` });
  const swap = isSwapMount(entry.config, ctx.byName);
  // compared normalised: /var and /var/ are one mount point. Swap is never mounted: a swap
  // "mount point" gets its own message below and does not clash with a real one.
  const first = mp === 'none' || swap ? undefined : ctx.nodes.find((n) => n.kind === 'mount' && typeof n.config['mount_point'] === 'string' && !isSwapMount(n.config, ctx.byName) && normalMountPoint(n.config['mount_point']) === normalMountPoint(mp));
  if (first && first.entry !== entry.index) problems.push({ path: `${path}.mount_point`, message: `mount point "${normalMountPoint(mp)}" specified more than once (also ${first.configPath})` });
  const corrected = mounts(ctx.nodes).corrected;
  if (corrected && ctx.nodes.find((n) => n.kind === 'mount')?.entry === entry.index) {
    ctx.warn(path, `DIB would mount ${corrected.child} before ${corrected.parent}, hiding it; tsdib mounts in path order instead`);
  }
  if (mp === 'none') {
    if (fs?.kind === 'mkfs' && !swap) problems.push({ path: `${path}.mount_point`, message: `mount point "none" is only for swap; "${base}" is ${String(fs.config['type'])}` });
  } else if (swap) {
    problems.push({ path: `${path}.mount_point`, message: `swap ("${base}") is not mounted; write mount_point: none` });
  } else {
    const problem = mountPointProblem(mp);
    if (problem) problems.push({ path: `${path}.mount_point`, message: problem });
  }
  return problems;
}

export const mountPlugin: BlockDevicePlugin = {
  kind: 'mount',
  description: 'a mount point in the image for a filesystem',
  schema,
  nodes: oneNode('mount'),
  edges(node, all) {
    const edges = edgesFromBase(node);
    const order = mountOrder(all);
    const i = order.findIndex((m) => m.mountPoint === node.config['mount_point']);
    const prev = i > 0 ? order[i - 1] : undefined;
    if (prev && prev.node !== node.name) edges.push({ from: prev.node, to: node.name, path: `${node.configPath}.mount_point` });
    return edges;
  },
  check,

  async create(node, ctx) {
    const base = singleBase(node);
    const fs = ctx.state.filesys[base];
    if (!fs) throw blockDeviceFailed(`mount node "${node.name}": its base "${base}" is not a filesystem`, { node: node.name });
    if (fs.fstype === 'swap') {
      ctx.extras.mountKinds[node.name] = 'swap';
      ctx.state.mounts.push({ mountPoint: 'none', node: node.name, path: '', fstype: 'swap' });
      return;
    }
    const mountPoint = String(node.config['mount_point']);
    const path = mountPath(ctx.params.mountBase, mountPoint);
    if (!(await exists(path))) {
      const first = await mkdir(path, { recursive: true });
      // a directory made on the host (not inside one of our mounts) is ours to remove at cleanup
      const insideOurs = ctx.state.mounts.some((m) => m.path !== '' && first !== undefined && first.startsWith(`${m.path}/`));
      if (first !== undefined && !insideOurs) ctx.extras.createdDirs.push(first);
    }
    if (isFat(fs.fstype) && !(await kernelHasVfat())) {
      const m = await mountAt(ctx.release, fs.device, path, { type: 'tmpfs', options: ['mode=0755'] });
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

  offline: {
    plan(node, p) {
      const base = node.base[0] ?? '';
      const fs = p.filesystems.get(base);
      if (!fs) throw blockDeviceFailed(`mount node "${node.name}": its base "${base}" is not a filesystem`, { node: node.name });
      if (fs.spec.type === 'swap') {
        fs.mountPoint = 'none';
        p.ctx.state.mounts.push({ mountPoint: 'none', node: node.name, path: '', fstype: 'swap' });
        return;
      }
      const mp = String(node.config['mount_point']);
      fs.mountPoint = mp;
      p.ctx.state.mounts.push({ mountPoint: mp, node: node.name, path: mountPath(p.ctx.params.mountBase, mp), fstype: fs.spec.type });
    },
  },
};
