/**
 * Checks across the whole config, after each entry passed its own: node names, filesystem labels
 * and mount points must each be unique. (Edges that name no node and cycles are found by graph.ts.)
 */
import { effectiveLabel } from './plugins/mkfs.js';
import type { ConfigNode, ConfigProblem } from './types.js';

function duplicates(nodes: readonly ConfigNode[], key: (n: ConfigNode) => string | undefined, report: (n: ConfigNode, first: ConfigNode, value: string) => ConfigProblem): ConfigProblem[] {
  const first = new Map<string, ConfigNode>();
  const problems: ConfigProblem[] = [];
  for (const n of nodes) {
    const k = key(n);
    if (k === undefined) continue;
    const f = first.get(k);
    if (f) problems.push(report(n, f, k));
    else first.set(k, n);
  }
  return problems;
}

export function checkUniqueness(nodes: readonly ConfigNode[]): ConfigProblem[] {
  return [
    ...duplicates(
      nodes,
      (n) => n.name,
      (n, f, name) => ({ path: `${n.configPath}.name`, message: `duplicate node name "${name}" (also ${f.configPath})` }),
    ),
    ...duplicates(
      nodes,
      (n) => (n.kind === 'mkfs' ? effectiveLabel(n.config, n.name) : undefined),
      (n, f, label) => ({
        path: n.config['label'] === undefined ? `${n.configPath}.name` : `${n.configPath}.label`,
        message: `filesystem label "${label}" used more than once (also ${f.configPath})`,
      }),
    ),
    ...duplicates(
      nodes,
      (n) => (n.kind === 'mount' && typeof n.config['mount_point'] === 'string' ? n.config['mount_point'] : undefined),
      (n, f, mp) => ({ path: `${n.configPath}.mount_point`, message: `mount point "${mp}" specified more than once (also ${f.configPath})` }),
    ),
  ];
}
