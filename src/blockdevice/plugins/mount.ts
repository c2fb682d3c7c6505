/**
 * `mount`: where a filesystem (`base`, an mkfs node) is mounted in the image. Edges: from its
 * filesystem, and from the mount before it in DIB's mount order (see mount-order.ts), which
 * chains all mounts so `/` is mounted before `/var` before `/var/log`.
 */
import type { SchemaObject } from 'ajv';
import { mountOrder as orderMounts, type MountOrder } from '../mount-order.js';
import type { BlockDevicePlugin, CheckContext } from '../plugin.js';
import { makeNode, str } from '../plugin.js';
import type { ConfigEntry, ConfigNode, ConfigProblem } from '../types.js';

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

function mounts(all: readonly ConfigNode[]): MountOrder<{ mountPoint: string; node: string }> {
  return orderMounts(
    all.filter((n) => n.kind === 'mount' && typeof n.config['mount_point'] === 'string').map((n) => ({ mountPoint: n.config['mount_point'] as string, node: n.name })),
  );
}

/** Mount nodes of `all` in mount order (DIB's, unless it would mount a child first; see mount-order.ts). */
export function mountOrder(all: readonly ConfigNode[]): Array<{ mountPoint: string; node: string }> {
  return mounts(all).order;
}

function check(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
  const path = entry.configPath;
  const problems: ConfigProblem[] = [];
  const mp = String(entry.config['mount_point']);
  const base = String(entry.config['base']);
  const fs = ctx.byName.get(base);
  if (fs && fs.kind !== 'mkfs') problems.push({ path: `${path}.base`, message: `"${base}" is a ${fs.kind} node; mount needs a filesystem (an mkfs node)` });
  const swap = fs?.kind === 'mkfs' && fs.config['type'] === 'swap';
  const corrected = mounts(ctx.nodes).corrected;
  if (corrected && ctx.nodes.find((n) => n.kind === 'mount')?.entry === entry.index) {
    ctx.warn(path, `DIB would mount ${corrected.child} before ${corrected.parent}, hiding it; tsdib mounts in path order instead`);
  }
  if (mp === 'none') {
    if (fs?.kind === 'mkfs' && !swap) problems.push({ path: `${path}.mount_point`, message: `mount point "none" is only for swap; "${base}" is ${String(fs.config['type'])}` });
  } else if (!swap) {
    if (!mp.startsWith('/')) problems.push({ path: `${path}.mount_point`, message: `mount point "${mp}" must be an absolute path such as /${mp}` });
    else if (mp.split('/').includes('..')) problems.push({ path: `${path}.mount_point`, message: `mount point "${mp}" must not contain ".."` });
  }
  return problems;
}

export const mountPlugin: BlockDevicePlugin = {
  kind: 'mount',
  description: 'a mount point in the image for a filesystem',
  schema,
  nodes(entry) {
    const base = str(entry.config['base']);
    return [makeNode(entry, { name: entry.name, kind: 'mount', base: base ? [base] : [], config: entry.config, configPath: entry.configPath })];
  },
  edges(node, all) {
    const edges = node.base.map((b) => ({ from: b, to: node.name, path: `${node.configPath}.base` }));
    const order = mountOrder(all);
    const i = order.findIndex((m) => m.mountPoint === node.config['mount_point']);
    const prev = i > 0 ? order[i - 1] : undefined;
    if (prev && prev.node !== node.name) edges.push({ from: prev.node, to: node.name, path: `${node.configPath}.mount_point` });
    return edges;
  },
  check,
};
