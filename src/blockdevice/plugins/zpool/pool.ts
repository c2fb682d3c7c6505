/**
 * The loop backend of `zpool`: a ZFS pool on its base's device, with datasets mounted under the
 * mount base.
 *
 * create:
 *   1. ZFS must answer: a kernel module or a running daemon is used as is; otherwise zfs-fuse is
 *      started (`zfs-fuse --no-kstat-mount`) and held, so it is stopped again (cleanup, or the
 *      release stack) — only the daemon we started, and only when no pool is left imported.
 *   2. Refuses a final name that a host pool has, before anything is made.
 *   3. `zpool create -f -o ashift=12 … -R <mount base> -m none -O … <build name> <device>`; the
 *      export is on the release stack before the command runs (it checks the pool exists), so a
 *      half-made pool is exported too. `-R` also means cachefile=none: nothing of ours lands in the
 *      host's /etc/zfs. `-m none` rather than `-O mountpoint=none` (zfs-fuse mounts the pool root
 *      at the altroot otherwise).
 *   4. Datasets in config order (`zfs create -o …`; one that would mount itself on creation is
 *      made canmount=noauto and set back, so nothing is mounted out of order), then `bootfs`, then
 *      every mountable dataset is mounted in mount-point order. `state.mounts` gets one entry per
 *      mounted dataset (fstype zfs); `state.filesys[node]` describes the pool: fstype zfs, uuid the
 *      pool GUID, label the final pool name — so hooks see DIB_ROOT_FSTYPE=zfs and
 *      DIB_ROOT_LABEL=<final pool name> when `/` is a dataset.
 * umount: datasets unmounted deepest first, `zpool export`, then the rename: `zpool import -d DIR
 *   <build name> <final name>` where DIR holds only a symlink to our device (zfs-fuse has no
 *   `zpool create -t`), then `zpool export` again. The final name is checked against the host's
 *   imported pools right before the import; a collision is refused with an error.
 * cleanup: stops the zfs-fuse daemon when we started it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { blockDeviceFailed } from '../../../errors.js';
import { run } from '../../../host/exec.js';
import { releaseResource, removeDirSafely } from '../../../host/release-resource.js';
import { ensureZfsService, importedPools, stopZfsService, type ZfsService } from '../../../host/zfs.js';
import { log } from '../../../log.js';
import { optionalString, singleBase } from '../../lifecycle/config-value.js';
import type { LifecycleContext } from '../../lifecycle/context.js';
import type { ConfigNode } from '../../types.js';
import { compareMountPoints, mountPath } from '../mount/index.js';
import { bootDataset, datasetSpecs, propertyList, type DatasetSpec } from './datasets.js';

export const DEFAULT_FINAL_POOL_NAME = 'rpool';
export const DEFAULT_POOL_PROPERTIES: Readonly<Record<string, string>> = { ashift: '12' };

export interface PoolSpec {
  buildName: string;
  finalName: string;
  poolProperties: Record<string, string>;
  filesystemProperties: Record<string, string>;
  datasets: DatasetSpec[];
  bootfs: string | undefined;
}

/** A build pool name nobody else has: `tsdib-` and 8 random hex digits. */
export function randomBuildPoolName(): string {
  return `tsdib-${randomBytes(4).toString('hex')}`;
}

export function poolSpec(node: ConfigNode, buildName?: string): PoolSpec {
  return {
    buildName: buildName ?? optionalString(node, 'build_name') ?? randomBuildPoolName(),
    finalName: optionalString(node, 'final_name') ?? DEFAULT_FINAL_POOL_NAME,
    poolProperties: { ...DEFAULT_POOL_PROPERTIES, ...propertyList(node.config['pool_properties']) },
    filesystemProperties: propertyList(node.config['filesystem_properties']),
    datasets: datasetSpecs(node.config),
    bootfs: bootDataset(node.config),
  };
}

function optionArgs(flag: string, props: Record<string, string>): string[] {
  return Object.entries(props).flatMap(([k, v]) => [flag, `${k}=${v}`]);
}

/** The argv of `zpool create` for `spec` on `device`, mounted below `altroot`. */
export function zpoolCreateArgs(spec: PoolSpec, device: string, altroot: string): string[] {
  return [
    'create', '-f',
    ...optionArgs('-o', spec.poolProperties),
    '-R', altroot,
    '-m', 'none',
    ...optionArgs('-O', spec.filesystemProperties),
    spec.buildName,
    device,
  ];
}

async function zfsGet(property: string, dataset: string): Promise<string> {
  return (await run('zfs', ['get', '-H', '-o', 'value', property, dataset], { step: 'zfs get' })).trim();
}

/** What a zpool node made, per block device (in memory: `tsdib cleanup` works from the held resources). */
interface PoolState {
  service: ZfsService;
  buildName: string;
  finalName: string;
  device: string;
  /** Datasets mounted, in mount order, with their mount points in the image. */
  mounted: Array<{ dataset: string; mountPoint: string }>;
}
const pools = new WeakMap<LifecycleContext, Map<string, PoolState>>();
function poolsOf(ctx: LifecycleContext): Map<string, PoolState> {
  let m = pools.get(ctx);
  if (!m) pools.set(ctx, (m = new Map()));
  return m;
}

async function refuseHostPoolName(node: ConfigNode, name: string, role: string): Promise<void> {
  if ((await importedPools()).includes(name)) {
    throw blockDeviceFailed(`zpool node "${node.name}": the ${role} "${name}" is the name of a pool imported on this host; refusing to touch it`, {
      node: node.name,
      path: `${node.configPath}.${role === 'final name' ? 'final_name' : 'build_name'}`,
      hint: `set ${role === 'final name' ? 'final_name' : 'build_name'} in the block-device config to a name no host pool has, or build on a host without that pool imported`,
    });
  }
}

async function createDatasets(spec: PoolSpec): Promise<void> {
  for (const d of spec.datasets) {
    const props = { ...d.properties };
    const canmount = props['canmount'] ?? 'on';
    // a dataset with canmount=on mounts itself when made: make it noauto, mount all in order later
    if (canmount === 'on') props['canmount'] = 'noauto';
    await run('zfs', ['create', ...optionArgs('-o', props), `${spec.buildName}/${d.name}`], { step: 'zfs create' });
    if (canmount === 'on') await run('zfs', ['set', 'canmount=on', `${spec.buildName}/${d.name}`], { step: 'zfs set' });
  }
}

/** Mountable datasets of the pool with their mount points in the image, in mount order. */
async function mountableDatasets(spec: PoolSpec, altroot: string): Promise<Array<{ dataset: string; mountPoint: string }>> {
  const out = await run('zfs', ['list', '-H', '-r', '-t', 'filesystem', '-o', 'name,mountpoint,canmount', spec.buildName], { step: 'zfs list' });
  const list: Array<{ dataset: string; mountPoint: string }> = [];
  for (const line of out.split('\n')) {
    const [dataset, mp, canmount] = line.split('\t');
    if (!dataset || !mp || canmount === 'off' || !mp.startsWith('/')) continue;
    // with an altroot, zfs shows <altroot><mountpoint>
    const inImage = mp === altroot ? '/' : mp.startsWith(`${altroot}/`) ? mp.slice(altroot.length) : mp;
    list.push({ dataset, mountPoint: inImage });
  }
  return list.sort((a, b) => compareMountPoints(a.mountPoint, b.mountPoint));
}

/** Starts ZFS if needed, makes the pool and its datasets, mounts them; each release registered right after its acquisition. */
export async function createPool(node: ConfigNode, ctx: LifecycleContext): Promise<void> {
  const base = singleBase(node);
  const dev = ctx.state.blockdev[base];
  if (!dev) throw blockDeviceFailed(`zpool node "${node.name}": its base "${base}" has no device`, { node: node.name });
  const spec = poolSpec(node);
  const altroot = ctx.params.mountBase;

  const service = await ensureZfsService();
  const state: PoolState = { service, buildName: spec.buildName, finalName: spec.finalName, device: dev.device, mounted: [] };
  poolsOf(ctx).set(node.name, state);
  if (service.kind === 'started-zfs-fuse' && service.pid !== undefined) {
    const pid = service.pid;
    const h = ctx.release.push(`stop zfs-fuse (pid ${pid})`, { kind: 'process', pid }, () => stopZfsService(service));
    ctx.hold(node.name, `zfs-fuse daemon (pid ${pid})`, { kind: 'process', pid }, h);
  }
  await refuseHostPoolName(node, spec.finalName, 'final name');
  await refuseHostPoolName(node, spec.buildName, 'build name');

  const made = await mkdir(altroot, { recursive: true });
  if (made !== undefined) ctx.extras.createdDirs.push(made);
  const resource = { kind: 'zpool' as const, name: spec.buildName };
  const handle = ctx.release.push(`export zfs pool ${spec.buildName}`, resource, () => releaseResource(resource));
  ctx.hold(node.name, `zfs pool ${spec.buildName}`, resource, handle);
  await run('zpool', zpoolCreateArgs(spec, dev.device, altroot), { step: 'zpool create' });
  await createDatasets(spec);
  if (spec.bootfs) await run('zpool', ['set', `bootfs=${spec.buildName}/${spec.bootfs}`, spec.buildName], { step: 'zpool set' });

  for (const m of await mountableDatasets(spec, altroot)) {
    await run('zfs', ['mount', m.dataset], { step: 'zfs mount' });
    state.mounted.push(m);
    ctx.state.mounts.push({ mountPoint: m.mountPoint, node: node.name, path: mountPath(altroot, m.mountPoint), fstype: 'zfs' });
  }
  const guid = await run('zpool', ['list', '-H', '-o', 'guid', spec.buildName], { step: 'zpool list' });
  ctx.state.filesys[node.name] = { uuid: guid.trim(), label: spec.finalName, fstype: 'zfs', opts: [], device: dev.device };
  ctx.state.blockdev[node.name] = { device: dev.device };
  log.info(`zfs pool ${spec.buildName} (final name ${spec.finalName}) on ${dev.device}: ${state.mounted.map((m) => `${m.dataset.slice(spec.buildName.length + 1)} at ${m.mountPoint}`).join(', ') || 'no dataset mounted'}`);
  ctx.onChange();
}

/** Unmounts the datasets, exports the pool and renames it to its final name (import + export). */
export async function umountPool(node: ConfigNode, ctx: LifecycleContext): Promise<void> {
  const state = poolsOf(ctx).get(node.name);
  const held = ctx.heldBy(node.name, 'zpool');
  if (!state || held.length === 0) return;
  for (const m of [...state.mounted].reverse()) {
    if ((await zfsGet('mounted', m.dataset)) === 'yes') await run('zfs', ['umount', m.dataset], { step: 'zfs umount' });
  }
  state.mounted = [];
  ctx.state.mounts = ctx.state.mounts.filter((m) => m.node !== node.name);
  for (const h of held) await ctx.releaseHeld(h, () => run('zpool', ['export', state.buildName], { step: 'zpool export' }).then(() => undefined));

  // the rename: import from a directory holding only our device, under the final name, export
  await refuseHostPoolName(node, state.finalName, 'final name');
  const dir = await mkdtemp(join(ctx.params.buildDir, `zpool-${node.name}-`));
  try {
    await symlink(state.device, join(dir, 'vdev'));
    const altroot = join(dir, 'altroot');
    await mkdir(altroot);
    const resource = { kind: 'zpool' as const, name: state.finalName };
    const handle = ctx.release.push(`export zfs pool ${state.finalName}`, resource, () => releaseResource(resource));
    const h = { node: node.name, label: `zfs pool ${state.finalName}`, resource, handle };
    ctx.hold(h.node, h.label, resource, handle);
    await run('zpool', ['import', '-d', dir, '-R', altroot, state.buildName, state.finalName], { step: 'zpool import' });
    const bootfs = (await run('zpool', ['list', '-H', '-o', 'bootfs', state.finalName], { step: 'zpool list' })).trim();
    await ctx.releaseHeld(ctx.heldBy(node.name, 'zpool')[0]!, () => run('zpool', ['export', state.finalName], { step: 'zpool export' }).then(() => undefined));
    log.info(`zfs pool ${state.buildName} exported as ${state.finalName} (bootfs ${bootfs})`);
  } finally {
    await removeDirSafely(dir);
  }
}

/** Stops the zfs-fuse daemon when this build started it. */
export async function cleanupPool(node: ConfigNode, ctx: LifecycleContext): Promise<void> {
  const service = poolsOf(ctx).get(node.name)?.service;
  for (const h of ctx.heldBy(node.name, 'process')) await ctx.releaseHeld(h, () => (service ? stopZfsService(service) : Promise.resolve()));
  poolsOf(ctx).delete(node.name);
}
