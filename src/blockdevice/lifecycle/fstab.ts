/**
 * fstab: one line per mount, DIB's shape `LABEL=<label> <mp> <fstype> <options> <dump> <passno>`
 * (`UUID=` when the filesystem has no label). Defaults: options `defaults`, dump 0, passno 2; swap
 * is always `<id> none swap sw 0 0`. `state.fstab` holds the lines in mount order; the build
 * writes them to `<root>/etc/fstab`.
 */
import { blockDeviceFailed } from '../../errors.js';
import type { BlockDeviceState } from '../types.js';
import { optionalNumber, optionalString, singleBase } from './config-value.js';
import type { NodeLifecycle } from './context.js';

export interface FstabFields {
  /** `LABEL=…` or `UUID=…`. */
  spec: string;
  mountPoint: string;
  fstype: string;
  options: string;
  dump: number;
  passno: number;
}

export function fstabLine(f: FstabFields): string {
  return `${f.spec} ${f.mountPoint} ${f.fstype} ${f.options} ${f.dump} ${f.passno}`;
}

/** The text of `/etc/fstab` for a created block device (one line per entry, trailing newline). */
export function fstabText(state: BlockDeviceState): string {
  return state.fstab.map((l) => `${l}\n`).join('');
}

export const fstabLifecycle: NodeLifecycle = {
  async create(node, ctx) {
    const mountNode = singleBase(node);
    const mount = ctx.state.mounts.find((m) => m.node === mountNode);
    const mkfsNode = ctx.nodesByName.get(mountNode)?.base[0];
    const fs = mkfsNode === undefined ? undefined : ctx.state.filesys[mkfsNode];
    if (!mount || !fs) throw blockDeviceFailed(`fstab node "${node.name}": its base "${mountNode}" is not a mounted filesystem`, { node: node.name });
    const swap = fs.fstype === 'swap';
    const line = fstabLine({
      spec: fs.label ? `LABEL=${fs.label}` : `UUID=${fs.uuid}`,
      mountPoint: swap ? 'none' : mount.mountPoint,
      fstype: fs.fstype,
      options: swap ? 'sw' : (optionalString(node, 'options') ?? 'defaults'),
      dump: swap ? 0 : (optionalNumber(node, 'dump-freq') ?? 0),
      passno: swap ? 0 : (optionalNumber(node, 'fsck-passno') ?? 2),
    });
    ctx.extras.fstabEntries[node.name] = { mount: mountNode, line };
    const order = (name: string) => ctx.state.mounts.findIndex((m) => m.node === name);
    ctx.state.fstab = Object.values(ctx.extras.fstabEntries)
      .sort((a, b) => order(a.mount) - order(b.mount))
      .map((e) => e.line);
  },
};
