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
 *
 * Loop backend: pool.ts. Offline assembly refuses it (the zfs daemon makes a pool on a device).
 */
import type { SchemaObject } from 'ajv';
import type { BlockDeviceEdge, BlockDevicePlugin, CheckContext } from '../../plugin.js';
import { edgesFromBase, oneNode, record, str } from '../../plugin.js';
import type { ConfigEntry, ConfigNode, ConfigProblem } from '../../types.js';
import { datasetMountPoints, datasetSpecs } from './datasets.js';
import { cleanupPool, createPool, umountPool } from './pool.js';

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

/** `inner` lies strictly below `outer` (`/` holds everything else). */
function below(inner: string, outer: string): boolean {
  if (inner === outer) return false;
  return outer === '/' || inner.startsWith(`${outer.replace(/\/$/, '')}/`);
}

function mountNodes(all: readonly ConfigNode[]): Array<{ node: ConfigNode; mountPoint: string }> {
  return all.flatMap((n) => (n.kind === 'mount' && typeof n.config['mount_point'] === 'string' && n.config['mount_point'].startsWith('/') ? [{ node: n, mountPoint: n.config['mount_point'] }] : []));
}

function zpoolEdges(node: ConfigNode, all: readonly ConfigNode[]): BlockDeviceEdge[] {
  const edges: BlockDeviceEdge[] = edgesFromBase(node);
  const points = datasetMountPoints(datasetSpecs(node.config)).map((m) => m.mountPoint);
  for (const m of mountNodes(all)) {
    if (points.some((p) => below(m.mountPoint, p))) edges.push({ from: node.name, to: m.node.name, path: `${m.node.configPath}.mount_point` });
    else if (points.some((p) => below(p, m.mountPoint))) edges.push({ from: m.node.name, to: node.name, path: `${node.configPath}.datasets` });
  }
  return edges;
}

/** Pool properties `zpool create -o` takes (zpoolprops(7)). */
const POOL_PROPERTIES = ['altroot', 'ashift', 'autoexpand', 'autoreplace', 'autotrim', 'bootfs', 'cachefile', 'comment', 'compatibility', 'delegation', 'failmode', 'listsnapshots', 'multihost', 'readonly', 'version'];
/** ashift: 0 (let ZFS detect) or a sector size of 2^9 … 2^16 bytes. */
const ASHIFT_VALUES = [0, 9, 10, 11, 12, 13, 14, 15, 16];

function poolPropertyProblems(props: Record<string, unknown> | undefined, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(props ?? {})) {
    if (!POOL_PROPERTIES.includes(name)) {
      problems.push({ path: `${path}.${name}`, message: `"${name}" is not a pool property zpool create takes (${POOL_PROPERTIES.join(', ')}); dataset properties go in filesystem_properties` });
    } else if (name === 'ashift' && !ASHIFT_VALUES.includes(Number(value))) {
      problems.push({ path: `${path}.ashift`, message: `ashift ${JSON.stringify(value)} is not a sector size ZFS takes: 0 (detect) or 9 to 16 (512-byte to 64 KiB sectors), e.g. 12` });
    }
  }
  return problems;
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
  problems.push(...poolPropertyProblems(record(entry.config['pool_properties']), `${path}.pool_properties`));
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
  nodes: oneNode('zpool'),
  edges: zpoolEdges,
  check,
  create: createPool,
  umount: umountPool,
  cleanup: cleanupPool,
  offline: { what: 'zpool', refused: 'a ZFS pool is made by the zfs daemon on a block device' },
};
