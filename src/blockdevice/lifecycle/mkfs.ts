/**
 * mkfs: makes a filesystem on its base's device, with DIB's argv shapes:
 *   mkfs -t TYPE [opts] -L LABEL -U UUID -q DEV     ext2/3/4
 *   mkfs -t xfs [opts] -L LABEL -m uuid=UUID -q DEV
 *   mkfs -t vfat [opts] -n LABEL -i VOLID DEV       (label upper-cased; the volume id is the "uuid")
 *   mkfs -t btrfs [opts] -L LABEL -U UUID DEV       (DIB writes no uuid for btrfs; we do)
 *   mkswap [opts] -L LABEL -U UUID DEV
 * The label defaults to the node name; for `mkfs_root`, type/label/opts default from the params as
 * DIB's `_merge_rootfs_params` does. Result: `state.filesys[name] = { uuid, label, fstype, opts, device }`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { blockDeviceFailed } from '../../errors.js';
import { run } from '../../host/exec.js';
import { log } from '../../log.js';
import type { BlockDeviceParams, ConfigNode } from '../types.js';
import { optionalString, singleBase, wordList } from './config-value.js';
import type { LifecycleContext, NodeLifecycle } from './context.js';

/** Longest label each type takes (DIB's table). */
export const LABEL_MAX_LENGTH: Readonly<Record<string, number>> = { ext2: 16, ext3: 16, ext4: 16, xfs: 12, vfat: 11, fat: 11, swap: 16, btrfs: 255 };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VFAT_ID_RE = /^([0-9a-f]{4})-?([0-9a-f]{4})$/i;

export interface FilesystemSpec {
  type: string;
  label: string;
  uuid: string;
  opts: string[];
}

export function isFat(type: string): boolean {
  return type === 'vfat' || type === 'fat';
}

/** Type, label, uuid and opts of a mkfs node, defaults applied; throws for what mkfs would refuse. */
export function filesystemSpec(node: ConfigNode, params: BlockDeviceParams): FilesystemSpec {
  const isRoot = node.name === 'mkfs_root';
  const type = optionalString(node, 'type') ?? (isRoot ? params.rootFsType : undefined);
  if (!type) throw blockDeviceFailed(`mkfs node "${node.name}" needs [type]`, { node: node.name, path: `${node.configPath}.type` });
  let label = optionalString(node, 'label') ?? (isRoot ? (params.rootLabel ?? (type === 'xfs' ? 'img-rootfs' : 'cloudimg-rootfs')) : node.name);
  if (isFat(type)) label = label.toUpperCase();
  const max = LABEL_MAX_LENGTH[type];
  if (max !== undefined && label.length > max) {
    throw blockDeviceFailed(`mkfs node "${node.name}": label "${label}" has ${label.length} chars; ${type} allows ${max}`, {
      node: node.name,
      path: `${node.configPath}.label`,
    });
  }
  const opts = node.config['opts'] === undefined && isRoot && params.rootFsOpts ? params.rootFsOpts.trim().split(/\s+/) : wordList(node, 'opts');
  return { type, label, uuid: filesystemUuid(node, type), opts };
}

function filesystemUuid(node: ConfigNode, type: string): string {
  const given = optionalString(node, 'uuid');
  if (isFat(type)) {
    if (given === undefined) {
      const id = randomBytes(4).toString('hex').toUpperCase();
      return `${id.slice(0, 4)}-${id.slice(4)}`;
    }
    const m = VFAT_ID_RE.exec(given);
    if (!m) throw blockDeviceFailed(`mkfs node "${node.name}": vfat volume id "${given}" must be 8 hex digits (XXXX-XXXX)`, { node: node.name });
    return `${m[1]}-${m[2]}`.toUpperCase();
  }
  if (given === undefined) return randomUUID();
  if (!UUID_RE.test(given)) throw blockDeviceFailed(`mkfs node "${node.name}": uuid "${given}" is not a UUID`, { node: node.name });
  return given.toLowerCase();
}

/** The command and argv that make `spec` on `device`. */
export function mkfsCommand(spec: FilesystemSpec, device: string): { cmd: string; args: string[] } {
  // an empty label (`label: ""`) writes none: fstab then names the filesystem by UUID
  const label = spec.label === '' ? [] : [isFat(spec.type) ? '-n' : '-L', spec.label];
  if (spec.type === 'swap') return { cmd: 'mkswap', args: [...spec.opts, ...label, '-U', spec.uuid, device] };
  const args = ['-t', spec.type, ...spec.opts, ...label];
  if (isFat(spec.type)) {
    args.push('-i', spec.uuid.replace('-', ''));
  } else {
    if (spec.type === 'xfs') args.push('-m', `uuid=${spec.uuid}`);
    else if (/^ext[234]$/.test(spec.type) || spec.type === 'btrfs') args.push('-U', spec.uuid);
    else log.warn(`mkfs: UUID will not be written for fs type [${spec.type}]`);
  }
  if (/^ext[234]$/.test(spec.type) || spec.type === 'xfs') args.push('-q');
  args.push(device);
  return { cmd: 'mkfs', args };
}

export const mkfsLifecycle: NodeLifecycle = {
  async check(node, ctx) {
    const spec = filesystemSpec(node, ctx.params);
    for (const other of ctx.nodes) {
      if (other !== node && other.kind === 'mkfs' && ctx.nodes.indexOf(other) < ctx.nodes.indexOf(node)) {
        if (spec.label !== '' && filesystemSpec(other, ctx.params).label === spec.label) {
          throw blockDeviceFailed(`mkfs node "${node.name}": file system label [${spec.label}] used more than once (also by "${other.name}")`, {
            node: node.name,
          });
        }
      }
    }
  },

  async create(node, ctx: LifecycleContext) {
    const base = singleBase(node);
    const dev = ctx.state.blockdev[base];
    if (!dev) throw blockDeviceFailed(`mkfs node "${node.name}": its base "${base}" has no device`, { node: node.name });
    const spec = filesystemSpec(node, ctx.params);
    const { cmd, args } = mkfsCommand(spec, dev.device);
    await run(cmd, args, { step: `mkfs ${spec.type}` });
    ctx.state.filesys[node.name] = { uuid: spec.uuid, label: spec.label, fstype: spec.type, opts: spec.opts, device: dev.device };
  },
};
