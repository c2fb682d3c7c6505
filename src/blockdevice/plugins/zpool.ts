/**
 * `zpool`: a ZFS pool on a partition (or a whole disk) with its datasets, for a ZFS root.
 * The pool is made under a unique build name with the mount base as its altroot, so the root
 * tree is copied straight into the datasets; at umount it is exported and renamed to its final
 * name (default `rpool`) by import + export, never imported on the host under that name while a
 * host pool has it. Datasets are mounted by this node in mount-point order — they get no `mount`
 * or `fstab` nodes, so /etc/fstab carries no line for them (the initramfs mounts the root dataset).
 *
 * Edges: from `base`; to every `mount` node whose mount point lies inside a dataset's mount point
 * (so `/boot` is mounted on the ZFS `/`), and from every `mount` node that holds a dataset's mount
 * point (so a dataset `/var/log` can sit on an ext4 `/`).
 */
import type { SchemaObject } from 'ajv';
import type { BlockDeviceEdge, BlockDevicePlugin, CheckContext } from '../plugin.js';
import { makeNode, record, str } from '../plugin.js';
import type { ConfigEntry, ConfigNode, ConfigProblem } from '../types.js';

/** Pool name rules (zpool(8)): a letter first, then letters, digits, `_ - . :`; not a vdev keyword. */
const POOL_NAME_RE = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
const RESERVED_POOL_RE = /^(mirror|raidz|draid|spare|log|c[0-9])/;
const DATASET_COMPONENT_RE = /^[A-Za-z0-9_.:-]+$/;
const PROPERTY_NAME_RE = /^[a-z][a-z0-9_.:-]*$/;

const propertyValue = { type: ['string', 'integer', 'boolean'] };
const properties = (what: string) => ({
  type: 'object',
  propertyNames: { pattern: PROPERTY_NAME_RE.source },
  additionalProperties: propertyValue,
  description: `${what}; YAML booleans are written on/off`,
});

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'base', 'datasets'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name; tree default zpool_<base>' },
    base: { type: 'string', minLength: 1, description: 'The partition (or disk) the pool is made on; its device is the only vdev' },
    build_name: {
      type: 'string',
      pattern: POOL_NAME_RE.source,
      description: 'Pool name while the image is built (default tsdib-<random>): unique, so it never meets a host pool',
    },
    final_name: { type: 'string', pattern: POOL_NAME_RE.source, description: 'Pool name in the image (default rpool); the pool is renamed at umount' },
    pool_properties: properties('Pool properties (zpool create -o), e.g. {ashift: 12} (the default ashift)'),
    filesystem_properties: properties('Properties of the pool\'s root dataset, inherited by all (zpool create -O), e.g. {atime: off, compression: lzjb}'),
    datasets: {
      type: 'array',
      minItems: 1,
      description: 'Datasets in creation order (a parent before its children), names relative to the pool',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'Dataset name below the pool, e.g. ROOT/ubuntu' },
          mountpoint: { type: 'string', minLength: 1, description: 'Mount point in the image (/, /home…), none or legacy; default: inherited from the parent' },
          canmount: { enum: ['on', 'off', 'noauto', true, false], description: 'on (default), off or noauto; the root dataset is usually noauto' },
          properties: properties('Further dataset properties (zfs create -o)'),
        },
      },
    },
    bootfs: { type: 'string', minLength: 1, description: 'Dataset the pool boots (zpool set bootfs); default: the dataset mounted at /' },
  },
};

/** One dataset as configured, properties as zfs takes them (strings). */
export interface DatasetSpec {
  name: string;
  /** Properties for `zfs create -o`, mountpoint and canmount included when given. */
  properties: Record<string, string>;
}

/** A property value as zfs takes it: booleans (YAML `off`) become on/off. */
export function propertyText(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

/** A properties mapping as `name=value` strings, in config order. */
export function propertyList(v: unknown): Record<string, string> {
  const r = record(v) ?? {};
  return Object.fromEntries(Object.entries(r).map(([k, val]) => [k, propertyText(val)]));
}

export function datasetSpecs(config: Record<string, unknown>): DatasetSpec[] {
  const list = Array.isArray(config['datasets']) ? config['datasets'] : [];
  return list.flatMap((item) => {
    const d = record(item);
    const name = str(d?.['name']);
    if (!d || !name) return [];
    const props = propertyList(d['properties']);
    if (d['mountpoint'] !== undefined) props['mountpoint'] = propertyText(d['mountpoint']);
    if (d['canmount'] !== undefined) props['canmount'] = propertyText(d['canmount']);
    return [{ name, properties: props }];
  });
}

/**
 * Where each dataset is mounted in the image, with ZFS's inheritance: an own mountpoint, else the
 * parent's plus the last name component; the pool's root dataset is `none` (made with `-m none`).
 * Datasets with canmount=off, or mountpoint none/legacy, are left out.
 */
export function datasetMountPoints(datasets: readonly DatasetSpec[]): Array<{ dataset: string; mountPoint: string }> {
  const mp = new Map<string, string>();
  const out: Array<{ dataset: string; mountPoint: string }> = [];
  for (const d of datasets) {
    const parent = d.name.includes('/') ? d.name.slice(0, d.name.lastIndexOf('/')) : undefined;
    const inherited = parent === undefined ? 'none' : (mp.get(parent) ?? 'none');
    const leaf = d.name.slice(d.name.lastIndexOf('/') + 1);
    const own = d.properties['mountpoint'];
    const point = own ?? (inherited.startsWith('/') ? `${inherited.replace(/\/$/, '')}/${leaf}` : inherited);
    mp.set(d.name, point);
    if (point.startsWith('/') && d.properties['canmount'] !== 'off') out.push({ dataset: d.name, mountPoint: point });
  }
  return out;
}

/** The dataset booted: `bootfs`, else the dataset mounted at `/`. */
export function bootDataset(config: Record<string, unknown>): string | undefined {
  return str(config['bootfs']) ?? datasetMountPoints(datasetSpecs(config)).find((m) => m.mountPoint === '/')?.dataset;
}

/** `inner` lies strictly below `outer` (`/` holds everything else). */
function below(inner: string, outer: string): boolean {
  if (inner === outer) return false;
  return outer === '/' || inner.startsWith(`${outer.replace(/\/$/, '')}/`);
}

function mountNodes(all: readonly ConfigNode[]): Array<{ node: ConfigNode; mountPoint: string }> {
  return all.flatMap((n) => (n.kind === 'mount' && typeof n.config['mount_point'] === 'string' && n.config['mount_point'].startsWith('/') ? [{ node: n, mountPoint: n.config['mount_point'] }] : []));
}

function zpoolEdges(node: ConfigNode, all: readonly ConfigNode[]): BlockDeviceEdge[] {
  const edges: BlockDeviceEdge[] = node.base.map((b) => ({ from: b, to: node.name, path: `${node.configPath}.base` }));
  const points = datasetMountPoints(datasetSpecs(node.config)).map((m) => m.mountPoint);
  for (const m of mountNodes(all)) {
    if (points.some((p) => below(m.mountPoint, p))) edges.push({ from: node.name, to: m.node.name, path: `${m.node.configPath}.mount_point` });
    else if (points.some((p) => below(p, m.mountPoint))) edges.push({ from: m.node.name, to: node.name, path: `${node.configPath}.datasets` });
  }
  return edges;
}

function check(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[] {
  const path = entry.configPath;
  const problems: ConfigProblem[] = [];
  const base = String(entry.config['base']);
  const target = ctx.byName.get(base);
  if (target && target.kind !== 'partition' && target.kind !== 'local_loop') {
    problems.push({ path: `${path}.base`, message: `"${base}" is a ${target.kind} node; a pool goes on a partition or a disk` });
  }
  for (const key of ['build_name', 'final_name']) {
    const v = str(entry.config[key]);
    if (v && RESERVED_POOL_RE.test(v)) problems.push({ path: `${path}.${key}`, message: `pool name "${v}" starts with a word zpool reserves (mirror, raidz, draid, spare, log, c0…)` });
  }
  const buildName = str(entry.config['build_name']);
  if (buildName && buildName === (str(entry.config['final_name']) ?? 'rpool')) {
    problems.push({ path: `${path}.build_name`, message: `build_name "${buildName}" equals the final name: the build name must differ so the pool never meets a host pool of that name` });
  }
  const seen = new Set<string>();
  const items = Array.isArray(entry.config['datasets']) ? entry.config['datasets'] : [];
  items.forEach((item, i) => {
    const name = str(record(item)?.['name']);
    if (!name) return;
    const at = `${path}.datasets[${i}]`;
    const parts = name.split('/');
    if (parts.some((p) => !DATASET_COMPONENT_RE.test(p))) {
      problems.push({ path: `${at}.name`, message: `dataset name "${name}" must be components of letters, digits and _ - . : joined by /, without the pool name` });
    }
    const parent = parts.slice(0, -1).join('/');
    if (parent !== '' && !seen.has(parent)) problems.push({ path: `${at}.name`, message: `dataset "${name}" comes before its parent "${parent}"; list "${parent}" first` });
    if (seen.has(name)) problems.push({ path: `${at}.name`, message: `dataset "${name}" is listed twice` });
    seen.add(name);
    const mp = record(item)?.['mountpoint'];
    if (typeof mp === 'string' && mp !== 'none' && mp !== 'legacy' && (!mp.startsWith('/') || mp.split('/').includes('..'))) {
      problems.push({ path: `${at}.mountpoint`, message: `mountpoint "${mp}" must be an absolute path without "..", none or legacy` });
    }
  });
  const bootfs = str(entry.config['bootfs']);
  if (bootfs !== undefined && !seen.has(bootfs)) problems.push({ path: `${path}.bootfs`, message: `bootfs "${bootfs}" is not one of the datasets (${[...seen].join(', ')})` });
  const points = datasetMountPoints(datasetSpecs(entry.config));
  const mounts = mountNodes(ctx.nodes);
  const counted = new Map<string, string>();
  for (const p of points) {
    const clash = counted.get(p.mountPoint) ?? mounts.find((m) => m.mountPoint === p.mountPoint)?.node.configPath;
    if (clash) problems.push({ path: `${path}.datasets`, message: `dataset "${p.dataset}" is mounted at ${p.mountPoint}, which is also mounted by ${clash}` });
    counted.set(p.mountPoint, `dataset "${p.dataset}"`);
  }
  for (const m of mounts) {
    if (points.some((p) => below(m.mountPoint, p.mountPoint)) && points.some((p) => below(p.mountPoint, m.mountPoint))) {
      problems.push({ path: `${m.node.configPath}.mount_point`, message: `${m.mountPoint} lies inside a dataset of "${entry.name}" and holds another: mount datasets and filesystems in one chain` });
    }
  }
  return problems;
}

export const zpoolPlugin: BlockDevicePlugin = {
  kind: 'zpool',
  description: 'a ZFS pool on a partition, with datasets mounted for a ZFS root; renamed to its final name at umount',
  schema,
  nodes(entry) {
    const base = str(entry.config['base']);
    return [makeNode(entry, { name: entry.name, kind: 'zpool', base: base ? [base] : [], config: entry.config, configPath: entry.configPath })];
  },
  edges: zpoolEdges,
  check,
};
