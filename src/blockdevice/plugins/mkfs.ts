/**
 * `mkfs`: a filesystem (or swap) on a disk, partition or LV (`base`). One node, edge from base.
 * The label defaults to the node name, upper-cased for vfat/fat, as in DIB; labels must be
 * unique and fit the filesystem.
 */
import type { SchemaObject } from 'ajv';
import type { BlockDevicePlugin, CheckContext } from '../plugin.js';
import { makeNode, str } from '../plugin.js';
import type { ConfigEntry, ConfigProblem } from '../types.js';

export const FILESYSTEM_TYPES = ['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'fat', 'swap'] as const;

/** Longest label each filesystem takes (DIB's limits; btrfs from mkfs.btrfs). */
export const LABEL_MAX: Readonly<Record<string, number>> = { ext2: 16, ext3: 16, ext4: 16, xfs: 12, vfat: 11, fat: 11, swap: 16, btrfs: 255 };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VFAT_ID_RE = /^[0-9a-f]{4}-?[0-9a-f]{4}$/i;
const BASE_KINDS = ['local_loop', 'partition', 'lv'];

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'base', 'type'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name; the default label. mkfs_root gets the build\'s root type, label and options' },
    base: { type: 'string', minLength: 1, description: 'The disk, partition or LV to format' },
    type: { enum: [...FILESYSTEM_TYPES], description: 'Filesystem: ext2, ext3, ext4, xfs, btrfs, vfat, fat or swap' },
    label: { type: 'string', minLength: 1, description: 'Filesystem label (default: the node name; upper-cased for vfat); unique across the config' },
    uuid: { type: 'string', description: 'Filesystem UUID (vfat: volume id XXXX-XXXX); default: random' },
    opts: { type: ['string', 'array'], items: { type: 'string' }, description: 'Extra mkfs options, e.g. "-i 4096" (split at spaces)' },
  },
};

/** The label DIB gives the filesystem: `label`, else the node name; upper-case for vfat/fat. */
export function effectiveLabel(config: Record<string, unknown>, name: string): string {
  const label = str(config['label']) ?? name;
  return config['type'] === 'vfat' || config['type'] === 'fat' ? label.toUpperCase() : label;
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
  const max = LABEL_MAX[type];
  if (max !== undefined && label.length > max) {
    const where = config['label'] === undefined ? `${path}.name` : `${path}.label`;
    const from = config['label'] === undefined ? ' (the default label is the node name; set label)' : '';
    problems.push({ path: where, message: `label "${label}" has ${label.length} characters; ${type} allows ${max}${from}` });
  }
  const uuid = config['uuid'];
  if (typeof uuid === 'string') {
    const ok = type === 'vfat' || type === 'fat' ? VFAT_ID_RE.test(uuid) : UUID_RE.test(uuid);
    if (!ok) ctx.warn(`${path}.uuid`, `"${uuid}" is not a ${type === 'vfat' || type === 'fat' ? 'vfat volume id (XXXX-XXXX)' : 'UUID'}: DIB accepts it, but mkfs will refuse it`);
  }
  return problems;
}

export const mkfsPlugin: BlockDevicePlugin = {
  kind: 'mkfs',
  description: 'a filesystem or swap area on a disk, partition or LV',
  schema,
  nodes(entry) {
    const base = str(entry.config['base']);
    return [makeNode(entry, { name: entry.name, kind: 'mkfs', base: base ? [base] : [], config: entry.config, configPath: entry.configPath })];
  },
  edges(node) {
    return node.base.map((b) => ({ from: b, to: node.name, path: `${node.configPath}.base` }));
  },
  check,
};
