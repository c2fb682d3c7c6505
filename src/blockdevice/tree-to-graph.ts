/**
 * From parsed config data to graph-notation entries, following DIB's `config_tree_to_graph`:
 * - a list of single-key `{plugin: {…}}` mappings (graph notation passes through unchanged);
 * - tree notation: a plugin key nested in an entry becomes its own entry with `base` = the
 *   parent's `name`; a missing `name` becomes `<plugin>_<base>` (`mkfs_root`, `mount_mkfs_root`);
 *   the `partitions` key: each item keeps its own keys, gets `base` = the partitioning's base,
 *   and plugin keys inside it nest with base = the partition's `name`. Entries come out in
 *   DIB's order: a node's children before the node itself;
 * - the early list-of-levels form `[[["local_loop", {"name": "rootdisk"}]]]` (DIB rejects it today;
 *   we read each `[plugin, {…}]` pair as one entry, level by level).
 * Structural problems (not a mapping, several keys, unknown plugin) are collected, not thrown.
 */
import { closestName } from '../elements/did-you-mean.js';
import { record } from './plugin.js';
import type { ConfigEntry, ConfigProblem } from './types.js';

export interface ConversionResult {
  entries: ConfigEntry[];
  problems: ConfigProblem[];
}

/** Python's `%s` of a config value, so auto names match DIB's even for odd bases. */
function pyStr(v: unknown): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyStr(x))).join(', ')}]`;
  return String(v);
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

class Converter {
  readonly entries: ConfigEntry[] = [];
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly plugins: readonly string[]) {}

  private isPlugin(key: string): boolean {
    return this.plugins.includes(key);
  }

  private problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** One top-level `{plugin: {…}}` mapping at `path` (`[2]`, or `[0][1]` in the levels form). */
  topLevel(key: string, value: unknown, path: string): void {
    if (!this.isPlugin(key)) {
      const guess = closestName(key, this.plugins);
      this.problem(`${path}.${key}`, `unknown plugin "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; plugins are ${this.plugins.join(', ')}`);
      return;
    }
    this.recurse(key, value, undefined, `${path}.${key}`);
  }

  /** DIB's `recurse_config`: appends the entries of `{key: values}` (children first). */
  private recurse(key: string, values: unknown, parentBase: unknown, path: string): string | undefined {
    const v = record(values);
    if (!v) {
      this.problem(path, `must be a mapping of ${key} keys, got ${short(values)}`);
      return undefined;
    }
    const config: Record<string, unknown> = {};
    if ('base' in v) config['base'] = v['base'];
    else if (parentBase !== undefined) config['base'] = parentBase;
    if ('name' in v) config['name'] = v['name'];
    else if (config['base'] !== undefined) config['name'] = `${key}_${pyStr(config['base'])}`;
    const name = typeof config['name'] === 'string' ? config['name'] : '';

    for (const [k, val] of Object.entries(v)) {
      if (k === 'base' || k === 'name') continue;
      if (k === 'partitions' && Array.isArray(val)) {
        config['partitions'] = val.map((item, i) => this.partition(item, config['base'], `${path}.partitions[${i}]`));
      } else if (this.isPlugin(k)) {
        this.recurse(k, val, config['name'], `${path}.${k}`);
      } else {
        config[k] = val;
      }
    }
    this.entries.push({ plugin: key, name, config, configPath: path, index: this.entries.length });
    return name;
  }

  /** One item of `partitions`: own keys stay, plugin keys nest on the partition's name. */
  private partition(item: unknown, tableBase: unknown, path: string): unknown {
    const p = record(item);
    if (!p) return item;
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(p)) {
      if (this.isPlugin(k)) this.recurse(k, val, p['name'], `${path}.${k}`);
      else out[k] = val;
    }
    if (tableBase !== undefined) out['base'] = tableBase;
    return out;
  }
}

/** Converts parsed config data into graph-notation entries, collecting structural problems. */
export function configToEntries(data: unknown, plugins: readonly string[]): ConversionResult {
  const c = new Converter(plugins);
  const example = 'e.g. "- local_loop: {name: image0}"';
  if (data === undefined || data === null || (Array.isArray(data) && data.length === 0)) {
    c.problems.push({ path: '', message: `the config is empty; expected a list of {plugin: {...}} entries, ${example}` });
  } else if (!Array.isArray(data)) {
    c.problems.push({ path: '', message: `the config must be a list of {plugin: {...}} entries (${example}), got ${short(data)}` });
  } else if (Array.isArray(data[0])) {
    levelsForm(c, data);
  } else {
    data.forEach((entry, i) => {
      const e = record(entry);
      if (!e) {
        c.problems.push({ path: `[${i}]`, message: `entry is not a {plugin: {...}} mapping: ${short(entry)}` });
        return;
      }
      const keys = Object.keys(e);
      if (keys.length !== 1) {
        c.problems.push({
          path: `[${i}]`,
          message: `entry must have exactly one plugin key, has ${keys.length} (${keys.join(', ') || 'none'}); start each plugin on its own "- " list item`,
        });
        return;
      }
      const key = keys[0]!;
      c.topLevel(key, e[key], `[${i}]`);
    });
  }
  return { entries: c.entries, problems: c.problems };
}

/** `[[["local_loop", {…}], ["partitioning", {…}]], [["mkfs", {…}]]]`: levels of [plugin, config] pairs. */
function levelsForm(c: Converter, data: unknown[]): void {
  data.forEach((level, i) => {
    if (!Array.isArray(level)) {
      c.problems.push({ path: `[${i}]`, message: `in the list-of-levels form each item is a list of [plugin, {...}] pairs, got ${short(level)}` });
      return;
    }
    level.forEach((pair, j) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
        c.problems.push({ path: `[${i}][${j}]`, message: `expected a [plugin, {...}] pair, got ${short(pair)}` });
        return;
      }
      c.topLevel(pair[0], pair[1], `[${i}][${j}]`);
    });
  });
}
