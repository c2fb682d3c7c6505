/**
 * From config text to the validated block-device graph the build creates:
 * parse (YAML 1.1 like DIB's PyYAML; JSON is YAML) → entries (tree/graph/levels notation)
 * → root filesystem params → schema per entry → nodes → semantic checks → graph and order.
 * Every problem is collected; if there is any, one CONFIG_INVALID error reports them all,
 * before anything touches a disk.
 */
import { parseDocument, type Tags } from 'yaml';
import { log } from '../log.js';
import { buildGraph } from './graph.js';
import { badInputs, envInvalid, flagInvalid, type TsdibError } from '../errors.js';
import { checkDeviceSharing, checkRootMount, checkUniqueness } from './config-checks.js';
import type { CheckContext } from './plugin.js';
import { getPlugin, PLUGINS, type BlockDevicePlugins } from './plugins/index.js';
import { localLoopSize } from './plugins/local-loop.js';
import { mountOrder } from './plugins/mount/index.js';
import { configProblemsError, formatProblem, sortProblems } from './problems.js';
import { mergeRootfsParams, type FilledField } from './rootfs-params.js';
import { checkEntrySchema } from './schema-check.js';
import { configToEntries } from './tree-to-graph.js';
import type { BlockDeviceGraph, BlockDeviceParams, ConfigEntry, ConfigNode, ConfigProblem } from './types.js';

/**
 * PyYAML's YAML 1.1 floats need a dot: `8E00` (an sgdisk code) stays a string there, so it must
 * here too; the `yaml` package's 1.1 schema would read it as the float 8.
 */
function pyyamlTags(tags: Tags): Tags {
  return tags.filter((t) => !(typeof t === 'object' && t.tag === 'tag:yaml.org,2002:float' && t.format === 'EXP'));
}

/** The most entries a config may have: far more than any disk needs, few enough to check in moments. */
const MAX_ENTRIES = 1000;

/** How often aliases may repeat an anchor's content: a real config needs a handful; a bomb needs millions. */
const MAX_ALIAS_COUNT = 100;

/** Parsed config data, or the syntax problems of the text. */
export function parseConfigText(text: string): { data: unknown; problems: ConfigProblem[] } {
  const doc = parseDocument(text, { version: '1.1', prettyErrors: true, customTags: pyyamlTags });
  if (doc.errors.length > 0) {
    return {
      data: undefined,
      problems: doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
        message: `not valid YAML or JSON: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems: [] };
  } catch (e) {
    // the yaml package refuses documents whose aliases expand too far (a "billion laughs" bomb)
    if (e instanceof ReferenceError) {
      const bomb = e.message.startsWith('Excessive alias count');
      const message = bomb ? `its YAML aliases expand too far (over ${MAX_ALIAS_COUNT} copies of an anchor's content); write the entries out instead` : `a YAML alias cannot be resolved: ${e.message}`;
      return { data: undefined, problems: [{ path: '', message }] };
    }
    throw e;
  }
}

function checkContext(nodes: ConfigNode[], graphEntries: BlockDeviceGraph['entries'], params: Partial<BlockDeviceParams>, warnings: ConfigProblem[], plugins: BlockDevicePlugins): CheckContext {
  const byName = new Map<string, ConfigNode>();
  for (const n of nodes) if (!byName.has(n.name)) byName.set(n.name, n);
  const ctx: CheckContext = {
    nodes,
    byName,
    entries: graphEntries,
    params,
    diskSize(name) {
      const n = byName.get(name);
      if (n?.kind !== 'local_loop') return undefined;
      return localLoopSize(n.config) ?? params.imageSize;
    },
    deviceBytes(name) {
      const n = byName.get(name);
      return n ? getPlugin(n.plugin, plugins)?.deviceBytes?.(n, ctx) : undefined;
    },
    warn(path, message) {
      warnings.push({ path, message });
    },
  };
  return ctx;
}

/**
 * The error for `problems`: those in a field filled from FS_TYPE, ROOT_LABEL or --root-label
 * name that variable or flag (the user set it, not the config), the rest the config's source.
 */
function problemsError(source: string, problems: readonly ConfigProblem[], filled: readonly FilledField[]): TsdibError {
  const errors: TsdibError[] = [];
  const own: ConfigProblem[] = [];
  for (const p of problems) {
    const f = filled.find((x) => x.path === p.path);
    if (!f) own.push(p);
    else {
      const hint = `it sets ${p.path.slice(p.path.lastIndexOf('.') + 1)} of the root filesystem (mkfs_root)`;
      const { name, value } = f.origin;
      errors.push(f.origin.kind === 'env' ? envInvalid({ variable: name, value, problem: p.message, hint }) : flagInvalid({ flag: name, value, problem: p.message, hint }));
    }
  }
  if (own.length > 0) errors.push(configProblemsError(source, own));
  return badInputs(errors);
}

/**
 * Validates the config `text` (from `source`: a file name or `DIB_BLOCK_DEVICE_CONFIG`) and
 * returns its graph. `params` shape the checks: `imageSize` lets partition sizes be checked
 * against the disk, `rootFsType`/`rootLabel`/`rootFsOpts` fill the `mkfs_root` entry. `plugins` is
 * the table of kinds (PLUGINS unless a test brings its own).
 * Throws one CONFIG_INVALID error listing every problem; logs the warnings of a valid config.
 */
export async function loadBlockDeviceConfig(text: string, source: string, params: Partial<BlockDeviceParams>, plugins: BlockDevicePlugins = PLUGINS): Promise<BlockDeviceGraph> {
  const parsed = parseConfigText(text);
  if (parsed.problems.length > 0) throw configProblemsError(source, parsed.problems);

  const { entries, problems } = configToEntries(parsed.data, Object.keys(plugins));
  // checks compare entries with each other; a real disk has a few dozen (GPT holds 128 partitions)
  if (entries.length > MAX_ENTRIES) {
    throw configProblemsError(source, [{ path: '', message: `${entries.length} entries (partitions, filesystems, mounts…); a config may have at most ${MAX_ENTRIES}` }]);
  }
  const graph = validateEntries(source, entries, problems, params, plugins);
  for (const w of graph.warnings) log.warn(`${source} ${formatProblem(w)}`);
  return graph;
}

/**
 * The graph `graph` (from loadBlockDeviceConfig, not read again) for a disk of `params.imageSize`
 * bytes: the `mkfs_root` entry gets `params.rootFsOpts` where the config has no `opts`, and every
 * check runs again on a copy of the entries, now with the disk's size (partitions must fit it).
 * The build calls this once the tree's size is known (step `image size`). Logs only warnings the
 * config did not already have.
 */
export function sizeBlockDeviceGraph(graph: BlockDeviceGraph, params: Partial<BlockDeviceParams>, plugins: BlockDevicePlugins = PLUGINS): BlockDeviceGraph {
  const entries = graph.entries.map((e) => ({ ...e, config: structuredClone(e.config) }));
  const sized = validateEntries(graph.source, entries, [], params, plugins);
  const known = new Set(graph.warnings.map((w) => formatProblem(w)));
  for (const w of sized.warnings) if (!known.has(formatProblem(w))) log.warn(`${graph.source} ${formatProblem(w)}`);
  return sized;
}

/** From entries (and the problems of reading them) to the graph, or one error listing every problem. */
function validateEntries(source: string, entries: ConfigEntry[], problems: ConfigProblem[], params: Partial<BlockDeviceParams>, plugins: BlockDevicePlugins): BlockDeviceGraph {
  const filled = mergeRootfsParams(entries, params);

  const warnings: ConfigProblem[] = [];
  const schemaValid = new Set<number>();
  for (const entry of entries) {
    const r = checkEntrySchema(entry, getPlugin(entry.plugin, plugins)!);
    problems.push(...r.problems);
    warnings.push(...r.warnings);
    if (r.problems.length === 0) schemaValid.add(entry.index);
  }

  const nodes = entries.flatMap((e) => getPlugin(e.plugin, plugins)!.nodes(e)).filter((n) => n.name !== '');
  const ctx = checkContext(nodes, entries, params, warnings, plugins);
  for (const entry of entries) {
    if (schemaValid.has(entry.index)) problems.push(...getPlugin(entry.plugin, plugins)!.check(entry, ctx));
  }
  const duplicates = checkUniqueness(nodes);
  problems.push(...duplicates);
  if (duplicates.length === 0) problems.push(...checkDeviceSharing(nodes));
  if (params.forBuild && problems.length === 0) problems.push(...checkRootMount(nodes));

  const graph = buildGraph(nodes, (n) => getPlugin(n.plugin, plugins)!.edges(n, nodes));
  // with two nodes of one name, edges meet the wrong node: a cycle then only echoes the duplicate
  problems.push(...graph.problems.filter((p) => duplicates.length === 0 || !p.message.startsWith('dependency cycle')));
  if (problems.length > 0) throw problemsError(source, problems, filled);

  return { source, entries, nodes, edges: graph.edges, order: graph.order, mountOrder: mountOrder(nodes), warnings: sortProblems(warnings) };
}
