/**
 * `mkfs`: a filesystem (or swap) on a disk, partition or LV (`base`). One node, edge from base.
 * The label defaults to the node name, upper-cased for vfat/fat, as in DIB; labels must be
 * unique and fit the filesystem (the rules of each type are in filesystems.ts). `mkfs_root` got
 * the build's root type, label and opts when the config was loaded (rootfs-params.ts).
 *
 * Loop backend: mkfs on the base's device. Offline: the filesystem's byte range in the image;
 * offline/assemble-disk.ts makes it there. Either way the result is
 * `state.filesys[name] = { uuid, label, fstype, opts, device }`.
 */
import type { SchemaObject } from 'ajv';
import { blockDeviceFailed } from '../../errors.js';
import { run } from '../../host/exec.js';
import { seededId, withSeededHash } from './mkfs-seeded.js';
import { FILESYSTEM_TYPES, filesystemRules, idForm, isFat, labelFor, mkfsCommand, normaliseId, randomId, type FilesystemSpec, type FilesystemType } from '../filesystems.js';
import { optionalString, singleBase, wordList } from '../lifecycle/config-value.js';
import type { BlockDevicePlugin, CheckContext } from '../plugin.js';
import { edgesFromBase, oneNode, str } from '../plugin.js';
import type { ConfigEntry, ConfigNode, ConfigProblem } from '../types.js';

const BASE_KINDS = ['local_loop', 'partition', 'lv'];

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'base', 'type'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name; the default label. mkfs_root gets the build\'s root type, label and options' },
    base: { type: 'string', minLength: 1, description: 'The disk, partition or LV to format' },
    type: { enum: [...FILESYSTEM_TYPES], description: 'Filesystem: ext2, ext3, ext4, xfs, btrfs, vfat, fat or swap (xfs needs a device of at least 300 MiB, btrfs 109 MiB unless opts has --mixed)' },
    label: { type: 'string', minLength: 1, description: 'Filesystem label (default: the node name; upper-cased for vfat); unique across the config' },
    uuid: { type: 'string', description: 'Filesystem UUID (vfat: volume id XXXX-XXXX); default: random' },
    opts: { type: ['string', 'array'], items: { type: 'string' }, description: 'Extra mkfs options, e.g. "-i 4096" (split at spaces)' },
  },
};

/** The label DIB gives the filesystem: `label`, else the node name; upper-case for vfat/fat. */
export function effectiveLabel(config: Record<string, unknown>, name: string): string {
  return labelFor(String(config['type']), str(config['label']) ?? name);
}

/** Where a problem with the label is reported: `label` when the config sets one, else `name` (the default label). */
function labelPath(config: Record<string, unknown>, path: string): string {
  return config['label'] === undefined ? `${path}.name` : `${path}.label`;
}

function check(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
  const { config, configPath: path } = entry;
  const problems: ConfigProblem[] = [];
  const type = String(config['type']);
  const base = String(config['base']);
  const target = ctx.byName.get(base);
  if (target && !BASE_KINDS.includes(target.kind)) {
    problems.push({ path: `${path}.base`, message: `"${base}" is a ${target.kind} node; mkfs goes on a disk, partition or LV` });
  }
  const label = effectiveLabel(config, entry.name);
  const max = filesystemRules(type)?.labelMax;
  if (max !== undefined && label.length > max) {
    const from = config['label'] === undefined ? ' (the default label is the node name; set label)' : '';
    problems.push({ path: labelPath(config, path), message: `label "${label}" has ${label.length} characters; ${type} allows ${max}${from}` });
  }
  const first = ctx.nodes.find((n) => n.kind === 'mkfs' && effectiveLabel(n.config, n.name) === label);
  if (first && first.entry !== entry.index) {
    problems.push({ path: labelPath(config, path), message: `filesystem label "${label}" used more than once (also ${first.configPath})` });
  }
  problems.push(...checkMinimumSize(entry, ctx));
  const uuid = config['uuid'];
  if (typeof uuid === 'string' && normaliseId(type, uuid) === undefined) {
    ctx.warn(`${path}.uuid`, `"${uuid}" is not a ${idForm(type)}: DIB accepts it, but mkfs will refuse it`);
  }
  return problems;
}

const mib = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MiB`;

/** A filesystem on a device its mkfs refuses as too small, found when the device's size is known (a build: once the image size is). */
function checkMinimumSize(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
  const type = String(entry.config['type']);
  const base = String(entry.config['base']);
  const min = filesystemRules(type)?.minimum?.(wordList(entry, 'opts'));
  const bytes = ctx.deviceBytes(base);
  if (!min || bytes === undefined || bytes >= min.bytes) return [];
  const target = ctx.byName.get(base);
  const where = target ? `${target.kind === 'local_loop' ? 'disk' : target.kind} "${base}"` : `"${base}"`;
  const fixedPartition = target?.kind === 'partition' && !String(target.config['size']).trim().endsWith('%');
  const mend = fixedPartition ? `give partition "${base}" a size of at least ${mib(min.bytes)}` : 'make the disk larger (--image-size, or the local_loop\'s size)';
  return [{ path: `${entry.configPath}.base`, message: `${type} "${entry.name}" on ${where} of ${mib(bytes)}: ${type} needs at least ${mib(min.bytes)} (${min.why}); ${mend}` }];
}

/** Type, label, id and opts of a validated mkfs node; when none is given, an id derived from `seed`, else a random one. */
export function filesystemSpec(node: ConfigNode, seed?: string): FilesystemSpec {
  const type = node.config['type'] as FilesystemType;
  const given = optionalString(node, 'uuid');
  const uuid = given === undefined ? (seed === undefined ? randomId(type) : seededId(type, seed, node.name)) : normaliseId(type, given);
  if (uuid === undefined) {
    // the config check only warns (DIB accepts it); mkfs would refuse it
    const why = isFat(type) ? `vfat volume id "${given}" must be 8 hex digits (XXXX-XXXX)` : `uuid "${given}" is not a UUID`;
    throw blockDeviceFailed(`mkfs node "${node.name}": ${why}`, { node: node.name });
  }
  const opts = wordList(node, 'opts');
  return { type, label: labelFor(type, optionalString(node, 'label') ?? node.name), uuid, opts: seed === undefined ? opts : withSeededHash(type, opts, seed, node.name) };
}

export const mkfsPlugin: BlockDevicePlugin = {
  kind: 'mkfs',
  description: 'a filesystem or swap area on a disk, partition or LV',
  schema,
  nodes: oneNode('mkfs'),
  edges: edgesFromBase,
  check,

  async create(node, ctx) {
    const base = singleBase(node);
    const dev = ctx.state.blockdev[base];
    if (!dev) throw blockDeviceFailed(`mkfs node "${node.name}": its base "${base}" has no device`, { node: node.name });
    const spec = filesystemSpec(node, ctx.params.seed);
    const { cmd, args } = mkfsCommand(spec, dev.device);
    await run(cmd, args, { step: `mkfs ${spec.type}` });
    ctx.state.filesys[node.name] = { uuid: spec.uuid, label: spec.label, fstype: spec.type, opts: spec.opts, device: dev.device };
  },

  offline: {
    plan(node, p) {
      const base = node.base[0] ?? '';
      const region = p.regions.get(base);
      if (!region) throw blockDeviceFailed(`mkfs node "${node.name}": its base "${base}" is not a disk or partition`, { node: node.name });
      const spec = filesystemSpec(node, p.ctx.params.seed);
      p.filesystems.set(node.name, { name: node.name, spec, offset: region.offset, size: region.size });
      p.ctx.state.filesys[node.name] = { uuid: spec.uuid, label: spec.label, fstype: spec.type, opts: spec.opts, device: p.ctx.state.blockdev[base]!.device };
    },
  },
};
