/**
 * `lvm`: physical volumes on partitions or disks, volume groups over PVs, logical volumes in VGs.
 * Nodes as DIB makes them: one per PV, VG and LV, plus the `lvm` driver node (the entry's
 * `name`) that does all LVM work. Edges: PV bases → driver → every PV; a VG's PVs → VG; VG → LV.
 * A top-level `base` is accepted and ignored, as DIB does.
 *
 * Loop backend (volumes.ts): the driver node makes every PV, VG and LV of its entry and
 * deactivates them at umount; a pv/vg/lv node only checks that the driver made it. Needs
 * device-mapper, so offline assembly refuses it.
 */
import type { SchemaObject } from 'ajv';
import { blockDeviceFailed } from '../../../errors.js';
import type { BlockDeviceEdge, BlockDevicePlugin, CheckContext } from '../../plugin.js';
import { edgesFromBase, makeNode, record, str } from '../../plugin.js';
import { parseAbsSize, SizeSpecError } from '../../size.js';
import type { ConfigEntry, ConfigNode, ConfigProblem, NodeKind } from '../../types.js';
import { checkDeviceMapper, createVolumes, deactivateVolumes, forgetVolumes } from './volumes.js';

const EXTENTS_RE = /^\d+(%(VG|FREE|PVS|ORIGIN))?$/;
const options = { type: 'array', items: { type: 'string' }, description: 'Extra command-line arguments, e.g. ["--force"]' };

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'pvs', 'vgs', 'lvs'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name of the LVM driver node; tree default lvm_<base>' },
    base: { type: ['string', 'array'], items: { type: 'string' }, description: "Accepted and ignored (DIB compatibility): the PVs' bases are the dependencies" },
    pvs: {
      type: 'array',
      minItems: 1,
      description: 'Physical volumes',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'base'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'Node name of the PV' },
          base: { type: 'string', minLength: 1, description: 'The partition or disk the PV is made on' },
          options: { ...options, description: 'Extra pvcreate arguments, e.g. ["--force"]' },
        },
      },
    },
    vgs: {
      type: 'array',
      minItems: 1,
      description: 'Volume groups',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'base'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'Node name and VG name' },
          base: { type: ['array', 'string'], minItems: 1, items: { type: 'string' }, description: 'The PVs (names from pvs) the VG spans' },
          options: { ...options, description: 'Extra vgcreate arguments' },
        },
      },
    },
    lvs: {
      type: 'array',
      minItems: 1,
      description: 'Logical volumes',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'base'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'Node name and LV name; the device is /dev/mapper/<vg>-<lv>' },
          base: { type: 'string', minLength: 1, description: 'The VG (a name from vgs)' },
          size: { type: ['string', 'integer'], description: 'LV size in DIB units, e.g. "1800M" (rounded down to the 4 MiB extent)' },
          extents: { type: 'string', description: 'LV size in extents for lvcreate -l, e.g. "28%VG"' },
          type: { enum: ['thin', 'thin-pool'], description: 'thin-pool: a pool for thin LVs; thin: a thin LV in thin-pool' },
          'thin-pool': { type: 'string', description: 'For type thin: the thin-pool LV it lives in' },
          options: { ...options, description: 'Extra lvcreate arguments' },
        },
      },
    },
  },
};

function items(entry: ConfigEntry, key: string): Array<Record<string, unknown> | undefined> {
  const v = entry.config[key];
  return Array.isArray(v) ? v.map(record) : [];
}

function bases(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function lvmNodes(entry: ConfigEntry): ConfigNode[] {
  const nodes: ConfigNode[] = [];
  const add = (key: string, kind: NodeKind): void =>
    items(entry, key).forEach((item, i) => {
      const name = str(item?.['name']);
      if (item && name) nodes.push(makeNode(entry, { name, kind, base: bases(item['base']), config: item, configPath: `${entry.configPath}.${key}[${i}]` }));
    });
  add('pvs', 'pv');
  add('vgs', 'vg');
  add('lvs', 'lv');
  const pvBases = [...new Set(nodes.filter((n) => n.kind === 'pv').flatMap((n) => n.base))];
  if (entry.name) nodes.push(makeNode(entry, { name: entry.name, kind: 'lvm', base: pvBases, config: entry.config, configPath: entry.configPath }));
  return nodes;
}

function lvmEdges(node: ConfigNode, all: readonly ConfigNode[]): BlockDeviceEdge[] {
  if (node.kind === 'lvm') {
    const pvs = all.filter((n) => n.entry === node.entry && n.kind === 'pv');
    const seen = new Set<string>();
    const edges: BlockDeviceEdge[] = [];
    for (const pv of pvs) {
      for (const b of pv.base) {
        if (!seen.has(b)) edges.push({ from: b, to: node.name, path: `${pv.configPath}.base` });
        seen.add(b);
      }
    }
    for (const pv of pvs) edges.push({ from: node.name, to: pv.name, path: pv.configPath });
    return edges;
  }
  if (node.kind === 'vg' || node.kind === 'lv') return edgesFromBase(node);
  return [];
}

function checkLv(lv: Record<string, unknown>, path: string, vgs: string[], lvs: Array<Record<string, unknown> | undefined>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const base = String(lv['base']);
  if (!vgs.includes(base)) problems.push({ path: `${path}.base`, message: `"${base}" is not a VG of this lvm entry (vgs: ${vgs.join(', ')})` });
  const size = lv['size'];
  const extents = lv['extents'];
  if (size === undefined && extents === undefined) problems.push({ path, message: "needs 'size' or 'extents'" });
  if (size !== undefined && extents !== undefined) problems.push({ path, message: "give 'size' or 'extents', not both" });
  if (size !== undefined) {
    try {
      if (parseAbsSize(size as string | number) <= 0) problems.push({ path: `${path}.size`, message: `size ${JSON.stringify(size)} must be more than 0 bytes` });
    } catch (e) {
      if (!(e instanceof SizeSpecError)) throw e;
      problems.push({ path: `${path}.size`, message: e.message });
    }
  }
  if (typeof extents === 'string' && !EXTENTS_RE.test(extents)) {
    problems.push({ path: `${path}.extents`, message: `extents "${extents}" must be a count or a percentage such as "28%VG" (%VG, %FREE, %PVS, %ORIGIN)` });
  }
  const pool = lv['thin-pool'];
  if (lv['type'] === 'thin') {
    const poolLv = lvs.find((x) => x?.['name'] === pool);
    if (pool === undefined) problems.push({ path, message: "a thin LV needs 'thin-pool'" });
    else if (!poolLv || poolLv['type'] !== 'thin-pool' || poolLv['base'] !== base) {
      problems.push({ path: `${path}.thin-pool`, message: `"${String(pool)}" is not an LV of type thin-pool in VG "${base}"` });
    }
  } else if (pool !== undefined) {
    problems.push({ path: `${path}.thin-pool`, message: 'thin-pool is only for LVs of type thin' });
  }
  return problems;
}

function check(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
  const path = entry.configPath;
  const problems: ConfigProblem[] = [];
  if (entry.config['base'] !== undefined) ctx.warn(`${path}.base`, "base is ignored for lvm (as in DIB): each PV's base is its dependency");
  const pvs = items(entry, 'pvs');
  const vgs = items(entry, 'vgs');
  const lvs = items(entry, 'lvs');
  const pvNames = pvs.map((p) => String(p?.['name']));
  const vgNames = vgs.map((v) => String(v?.['name']));
  pvs.forEach((pv, i) => {
    const base = String(pv?.['base']);
    const target = ctx.byName.get(base);
    if (target && target.kind !== 'partition' && target.kind !== 'local_loop') {
      problems.push({ path: `${path}.pvs[${i}].base`, message: `"${base}" is a ${target.kind} node; a PV goes on a partition or a disk` });
    }
  });
  vgs.forEach((vg, i) => {
    bases(vg?.['base']).forEach((b, j) => {
      // a name that is no node at all is reported by the graph ("not defined")
      if (!pvNames.includes(b) && ctx.byName.has(b)) {
        const where = Array.isArray(vg?.['base']) ? `${path}.vgs[${i}].base[${j}]` : `${path}.vgs[${i}].base`;
        problems.push({ path: where, message: `"${b}" is not a PV of this lvm entry (pvs: ${pvNames.join(', ')})` });
      }
    });
  });
  lvs.forEach((lv, i) => {
    if (lv) problems.push(...checkLv(lv, `${path}.lvs[${i}]`, vgNames, lvs));
  });
  return problems;
}

export const lvmPlugin: BlockDevicePlugin = {
  kind: 'lvm',
  description: 'LVM physical volumes, volume groups and logical volumes',
  schema,
  nodes: lvmNodes,
  edges: lvmEdges,
  check,

  ready: checkDeviceMapper,

  async create(node, ctx) {
    if (node.kind === 'lvm') await createVolumes(node, ctx);
    else if (node.kind === 'lv' && !ctx.state.blockdev[node.name]) throw blockDeviceFailed(`lv node "${node.name}" was not made by its lvm node`, { node: node.name });
  },

  async umount(node, ctx) {
    if (node.kind === 'lvm') await deactivateVolumes(node, ctx);
  },

  async cleanup(node) {
    if (node.kind === 'lvm') await forgetVolumes();
  },

  offline: { what: 'LVM node', refused: 'logical volumes need device-mapper on a block device' },
};
