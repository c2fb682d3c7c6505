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
import { checkUniqueness } from './config-checks.js';
import type { CheckContext } from './plugin.js';
import { getPlugin, PLUGIN_NAMES } from './plugins/index.js';
import { localLoopSize } from './plugins/local-loop.js';
import { mountOrder } from './plugins/mount.js';
import { configProblemsError, formatProblem, sortProblems } from './problems.js';
import { mergeRootfsParams } from './rootfs-params.js';
import { checkEntrySchema } from './schema-check.js';
import { configToEntries } from './tree-to-graph.js';
import type { BlockDeviceGraph, BlockDeviceParams, ConfigNode, ConfigProblem } from './types.js';

/**
 * PyYAML's YAML 1.1 floats need a dot: `8E00` (an sgdisk code) stays a string there, so it must
 * here too; the `yaml` package's 1.1 schema would read it as the float 8.
 */
function pyyamlTags(tags: Tags): Tags {
  return tags.filter((t) => !(typeof t === 'object' && t.tag === 'tag:yaml.org,2002:float' && t.format === 'EXP'));
}

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
  return { data: doc.toJS({ maxAliasCount: 100 }), problems: [] };
}

function checkContext(nodes: ConfigNode[], graphEntries: BlockDeviceGraph['entries'], params: Partial<BlockDeviceParams>, warnings: ConfigProblem[]): CheckContext {
  const byName = new Map<string, ConfigNode>();
  for (const n of nodes) if (!byName.has(n.name)) byName.set(n.name, n);
  return {
    nodes,
    byName,
    entries: graphEntries,
    params,
    diskSize(name) {
      const n = byName.get(name);
      if (n?.kind !== 'local_loop') return undefined;
      return localLoopSize(n.config) ?? params.imageSize;
    },
    warn(path, message) {
      warnings.push({ path, message });
    },
  };
}

/**
 * Validates the config `text` (from `source`: a file name or `DIB_BLOCK_DEVICE_CONFIG`) and
 * returns its graph. `params` shape the checks: `imageSize` lets partition sizes be checked
 * against the disk, `rootFsType`/`rootLabel`/`rootFsOpts` fill the `mkfs_root` entry.
 * Throws one CONFIG_INVALID error listing every problem; logs the warnings of a valid config.
 */
export async function loadBlockDeviceConfig(text: string, source: string, params: Partial<BlockDeviceParams>): Promise<BlockDeviceGraph> {
  const parsed = parseConfigText(text);
  if (parsed.problems.length > 0) throw configProblemsError(source, parsed.problems);

  const { entries, problems } = configToEntries(parsed.data, PLUGIN_NAMES);
  mergeRootfsParams(entries, params);

  const warnings: ConfigProblem[] = [];
  const schemaValid = new Set<number>();
  for (const entry of entries) {
    const r = checkEntrySchema(entry, getPlugin(entry.plugin)!);
    problems.push(...r.problems);
    warnings.push(...r.warnings);
    if (r.problems.length === 0) schemaValid.add(entry.index);
  }

  const nodes = entries.flatMap((e) => getPlugin(e.plugin)!.nodes(e)).filter((n) => n.name !== '');
  const ctx = checkContext(nodes, entries, params, warnings);
  for (const entry of entries) {
    if (schemaValid.has(entry.index)) problems.push(...getPlugin(entry.plugin)!.check(entry, ctx));
  }
  const duplicates = checkUniqueness(nodes);
  problems.push(...duplicates);

  const graph = buildGraph(nodes, (n) => getPlugin(n.plugin)!.edges(n, nodes));
  // with two nodes of one name, edges meet the wrong node: a cycle then only echoes the duplicate
  problems.push(...graph.problems.filter((p) => duplicates.length === 0 || !p.message.startsWith('dependency cycle')));
  if (problems.length > 0) throw configProblemsError(source, problems);

  const sortedWarnings = sortProblems(warnings);
  for (const w of sortedWarnings) log.warn(`${source} ${formatProblem(w)}`);
  return { source, entries, nodes, edges: graph.edges, order: graph.order, mountOrder: mountOrder(nodes), warnings: sortedWarnings };
}
