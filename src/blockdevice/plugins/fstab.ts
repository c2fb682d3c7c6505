/**
 * `fstab`: the /etc/fstab line of a mount (`base`, a mount node). One node, edge from base.
 * Swap is always written `sw 0 0`, as DIB does.
 */
import type { SchemaObject } from 'ajv';
import type { BlockDevicePlugin, CheckContext } from '../plugin.js';
import { makeNode, str } from '../plugin.js';
import type { ConfigEntry, ConfigProblem } from '../types.js';

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

export const fstabPlugin: BlockDevicePlugin = {
  kind: 'fstab',
  description: 'the /etc/fstab line of a mount',
  schema,
  nodes(entry) {
    const base = str(entry.config['base']);
    return [makeNode(entry, { name: entry.name, kind: 'fstab', base: base ? [base] : [], config: entry.config, configPath: entry.configPath })];
  },
  edges(node) {
    return node.base.map((b) => ({ from: b, to: node.name, path: `${node.configPath}.base` }));
  },
  check,
};
