/**
 * `fstab`: the /etc/fstab line of a mount (`base`, a mount node). One node, edge from base.
 * DIB's shape `LABEL=<label> <mp> <fstype> <options> <dump> <passno>` (`UUID=` when the
 * filesystem has no label). Defaults: options `defaults`, dump 0, passno 2; swap is always
 * `<id> none swap sw 0 0`, as DIB does. `state.fstab` holds the lines in mount order; the build
 * writes them to `<root>/etc/fstab`. The line is made from the state alone, so both backends
 * make it the same way.
 */
import type { SchemaObject } from 'ajv';
import { blockDeviceFailed } from '../../errors.js';
import { optionalNumber, optionalString, singleBase } from '../lifecycle/config-value.js';
import type { LifecycleContext } from '../lifecycle/context.js';
import type { BlockDevicePlugin, CheckContext } from '../plugin.js';
import { edgesFromBase, oneNode } from '../plugin.js';
import type { BlockDeviceState, ConfigEntry, ConfigNode, ConfigProblem } from '../types.js';

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'base'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name; tree default fstab_<mount name>' },
    base: { type: 'string', minLength: 1, description: 'The mount node this line describes' },
    options: { type: 'string', minLength: 1, description: 'Mount options field, default "defaults"' },
    'dump-freq': { type: 'integer', minimum: 0, description: 'dump frequency field, default 0' },
    'fsck-passno': { type: 'integer', minimum: 0, maximum: 2, description: 'fsck pass field: 1 for /, 2 for others, 0 to skip; default 2' },
  },
};

function check(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
  const path = entry.configPath;
  const problems: ConfigProblem[] = [];
  const base = String(entry.config['base']);
  const mount = ctx.byName.get(base);
  if (mount && mount.kind !== 'mount') problems.push({ path: `${path}.base`, message: `"${base}" is a ${mount.kind} node; fstab needs a mount node` });
  const options = entry.config['options'];
  if (typeof options === 'string' && /\s/.test(options)) {
    problems.push({ path: `${path}.options`, message: `options "${options}" must not contain spaces (separate options with commas)` });
  }
  return problems;
}

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

async function createLine(node: ConfigNode, ctx: LifecycleContext): Promise<void> {
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
}

export const fstabPlugin: BlockDevicePlugin = {
  kind: 'fstab',
  description: 'the /etc/fstab line of a mount',
  schema,
  nodes: oneNode('fstab'),
  edges: edgesFromBase,
  check,
  create: createLine,
  // the line is made from the state the other nodes' offline steps filled
  offline: { plan: (node, p) => createLine(node, p.ctx) },
};
