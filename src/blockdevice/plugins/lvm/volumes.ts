/**
 * The loop backend of `lvm`: physical volumes, volume groups and logical volumes, in config order,
 * made by the entry's driver node (as DIB's LVMNode does), with DIB's argv:
 *   pvcreate DEV [opts]
 *   vgcreate VG PVDEV… [opts]
 *   lvcreate --name LV [--type T] [--thin-pool P] (-L|-V) <bytes>B | -l EXTENTS [opts] VG
 * LVs appear as device-mapper devices, so this needs device-mapper; a host without it is refused
 * by `ready`, before any disk work. Releases: an LV is deactivated and removed, a VG removed
 * (only when creation fails); umount deactivates the LVs, then the VGs.
 */
import { blockDeviceFailed } from '../../../errors.js';
import { hasDeviceMapper } from '../../../host/device-mapper.js';
import { run, succeeds } from '../../../host/exec.js';
import type { LifecycleContext } from '../../lifecycle/context.js';
import { parseAbsSize } from '../../size.js';
import type { ConfigNode } from '../../types.js';

const EXTENT = 4 * 1024 * 1024;

interface PvConfig {
  name: string;
  base: string;
  options: string[];
}
interface VgConfig {
  name: string;
  base: string[];
  options: string[];
}
export interface LvConfig {
  name: string;
  base: string;
  size?: string | number;
  extents?: string;
  type?: 'thin' | 'thin-pool';
  'thin-pool'?: string;
  options: string[];
}

/** Device-mapper name of an LV: dashes inside names are doubled (DIB leaves them single, which is wrong). */
export function lvDevice(vg: string, lv: string): string {
  return `/dev/mapper/${vg.replace(/-/g, '--')}-${lv.replace(/-/g, '--')}`;
}

/** The `pvs`, `vgs` or `lvs` of a validated lvm entry, `options` defaulted. */
function list<T>(node: ConfigNode, key: string): T[] {
  return (node.config[key] as Array<Record<string, unknown>>).map((x) => ({ ...x, options: Array.isArray(x['options']) ? x['options'] : [] }) as T);
}

/** lvcreate's argv for one LV (DIB's shape). */
export function lvcreateArgs(lv: LvConfig): string[] {
  const args = ['--name', lv.name];
  if (lv.type) args.push('--type', lv.type);
  if (lv['thin-pool']) args.push('--thin-pool', lv['thin-pool']);
  if (lv.size !== undefined) {
    const bytes = Math.floor(parseAbsSize(lv.size) / EXTENT) * EXTENT;
    args.push(lv.type === 'thin' ? '-V' : '-L', `${bytes}B`);
  } else if (lv.extents !== undefined) {
    args.push('-l', lv.extents);
  } else {
    throw blockDeviceFailed(`lv ${lv.name}: missing 'size' or 'extents' in lvs config`, { node: lv.name });
  }
  args.push(...lv.options, lv.base);
  return args;
}

/** Creates every PV, VG and LV of the driver node's entry, in config order, each release registered right after. */
export async function createVolumes(node: ConfigNode, ctx: LifecycleContext): Promise<void> {
  const pvs = list<PvConfig>(node, 'pvs');
  const vgs = list<VgConfig>(node, 'vgs');
  const lvs = list<LvConfig>(node, 'lvs');
  for (const pv of pvs) {
    const dev = ctx.state.blockdev[pv.base];
    if (!dev) throw blockDeviceFailed(`lvm node "${node.name}": pv ${pv.name} sits on "${pv.base}", which has no device`, { node: node.name });
    await run('pvcreate', [dev.device, ...pv.options], { step: 'pvcreate' });
    const h = ctx.release.push(`pvremove ${dev.device}`, { kind: 'other', description: `LVM PV on ${dev.device}` }, () =>
      run('pvremove', ['--yes', '--force', dev.device], { step: 'release pvremove', afterInterrupt: true }).then(() => undefined),
    );
    ctx.hold(node.name, `pv ${pv.name}`, { kind: 'other', description: `LVM PV on ${dev.device}` }, h);
    ctx.extras.pvs[pv.name] = { device: dev.device, opts: pv.options };
  }
  for (const vg of vgs) {
    const bases = Array.isArray(vg.base) ? vg.base : [vg.base];
    const devices = bases.map((b) => {
      const pv = ctx.extras.pvs[b];
      if (!pv) throw blockDeviceFailed(`lvm node "${node.name}": base:${b} in vgs does not match a valid pvs`, { node: node.name });
      return pv.device;
    });
    await run('vgcreate', [vg.name, ...devices, ...vg.options], { step: 'vgcreate' });
    const h = ctx.release.push(`vgremove ${vg.name}`, { kind: 'other', description: `LVM VG ${vg.name}` }, () =>
      run('vgremove', ['--yes', '--force', vg.name], { step: 'release vgremove', afterInterrupt: true }).then(() => undefined),
    );
    ctx.hold(node.name, `vg ${vg.name}`, { kind: 'other', description: `LVM VG ${vg.name}` }, h);
    ctx.extras.vgs[vg.name] = { devices, opts: vg.options };
  }
  for (const lv of lvs) {
    if (!ctx.extras.vgs[lv.base]) throw blockDeviceFailed(`lvm node "${node.name}": base:${lv.base} in lvs does not match a valid vg`, { node: node.name });
    await run('lvcreate', lvcreateArgs(lv), { step: 'lvcreate' });
    const path = `${lv.base}/${lv.name}`;
    const h = ctx.release.push(`lvremove ${path}`, { kind: 'other', description: `LVM LV ${path}` }, async () => {
      await run('lvchange', ['--activate', 'n', path], { step: 'release lvchange', afterInterrupt: true });
      await run('lvremove', ['--yes', path], { step: 'release lvremove', afterInterrupt: true });
    });
    ctx.hold(node.name, `lv ${path}`, { kind: 'other', description: `LVM LV ${path}` }, h);
    ctx.state.blockdev[lv.name] = { device: lvDevice(lv.base, lv.name) };
  }
}

/** Refuses a host without device-mapper, before any disk work. */
export async function checkDeviceMapper(node: ConfigNode): Promise<void> {
  if (!(await hasDeviceMapper())) {
    throw blockDeviceFailed(`${node.kind} node "${node.name}": lvm needs device-mapper, which this host lacks`, {
      node: node.name,
      hint: 'build on a host with device-mapper (/dev/mapper/control and a working `dmsetup version`), or use a config without lvm',
    });
  }
}

/** Deactivates the driver node's LVs, then its VGs (newest first); PVs need nothing (the loop detach ends them). */
export async function deactivateVolumes(node: ConfigNode, ctx: LifecycleContext): Promise<void> {
  for (const h of ctx.heldBy(node.name, 'other')) {
    const d = h.resource.kind === 'other' ? h.resource.description : '';
    if (d.startsWith('LVM LV ')) {
      await ctx.releaseHeld(h, () => run('lvchange', ['-an', `/dev/${d.slice('LVM LV '.length)}`], { step: 'lvchange' }).then(() => undefined));
    } else if (d.startsWith('LVM VG ')) {
      await ctx.releaseHeld(h, () => run('vgchange', ['-an', d.slice('LVM VG '.length)], { step: 'vgchange' }).then(() => undefined));
    } else {
      ctx.keep(h);
    }
  }
  await succeeds('udevadm', ['settle'], { step: 'udevadm settle' });
}

/** Drops the LVM cache of the devices that are gone. */
export async function forgetVolumes(): Promise<void> {
  await succeeds('pvscan', ['--cache'], { step: 'pvscan' });
}
