/**
 * A zpool entry's datasets as zfs takes them: names, properties (YAML booleans as on/off), where
 * each is mounted with ZFS's inheritance, and the dataset booted. Read by the config checks and
 * by the pool's creation alike.
 */
import { record, str } from '../../plugin.js';

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
