/**
 * The node graph: every plugin's edges, checked (an edge must name existing nodes, no cycles),
 * and a deterministic creation order — Kahn's algorithm, taking among the nodes that are ready
 * the one that comes first in the config.
 */
import { closestName } from '../elements/did-you-mean.js';
import type { BlockDeviceEdge } from './plugin.js';
import type { ConfigNode, ConfigProblem } from './types.js';

export interface GraphResult {
  /** `[from, to]`, each once, in the order the nodes give them. */
  edges: Array<[string, string]>;
  /** Node names in creation order (empty when there are problems). */
  order: string[];
  problems: ConfigProblem[];
}

function undefinedNode(name: string, path: string, known: string[]): ConfigProblem {
  const guess = closestName(name, known);
  const list = known.length <= 8 ? `; nodes are ${known.join(', ')}` : '';
  return { path, message: `"${name}" is not defined${guess ? ` (did you mean "${guess}"?)` : ''}${list}` };
}

/** A cycle among `left` (names that never became ready), as a list of names ending where it started. */
function findCycle(left: readonly string[], succ: ReadonlyMap<string, string[]>): string[] {
  const inLeft = new Set(left);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of succ.get(n) ?? []) {
      if (!inLeft.has(m)) continue;
      if (state.get(m) === 'open') return [...stack.slice(stack.indexOf(m)), m];
      if (state.get(m) === undefined) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of left) {
    if (state.get(n) === undefined) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return left.slice();
}

export function buildGraph(nodes: readonly ConfigNode[], edgesOf: (node: ConfigNode) => BlockDeviceEdge[]): GraphResult {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (!index.has(n.name)) index.set(n.name, i);
  });
  const known = [...index.keys()];
  const problems: ConfigProblem[] = [];
  const edges: Array<[string, string]> = [];
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const node of nodes) {
    for (const e of edgesOf(node)) {
      const missing = [e.from, e.to].find((n) => !index.has(n));
      if (missing !== undefined) {
        const p = undefinedNode(missing, e.path, known);
        if (!reported.has(`${p.path}\0${p.message}`)) problems.push(p);
        reported.add(`${p.path}\0${p.message}`);
        continue;
      }
      const id = `${e.from}\0${e.to}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push([e.from, e.to]);
    }
  }

  const succ = new Map<string, string[]>();
  const indegree = new Map<string, number>(known.map((n) => [n, 0]));
  for (const [from, to] of edges) {
    succ.set(from, [...(succ.get(from) ?? []), to]);
    indegree.set(to, (indegree.get(to) ?? 0) + 1);
  }
  const ready = known.filter((n) => indegree.get(n) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => index.get(a)! - index.get(b)!);
    const n = ready.shift()!;
    order.push(n);
    for (const m of succ.get(n) ?? []) {
      const d = indegree.get(m)! - 1;
      indegree.set(m, d);
      if (d === 0) ready.push(m);
    }
  }
  if (order.length < known.length) {
    const left = known.filter((n) => !order.includes(n));
    const cycle = findCycle(left, succ);
    const first = nodes[index.get(cycle[0]!)!]!;
    problems.push({ path: `${first.configPath}.base`, message: `dependency cycle: ${cycle.join(' -> ')}` });
  }
  return { edges, order: problems.length > 0 ? [] : order, problems };
}
