import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../src/blockdevice/graph.js';
import { loadBlockDeviceConfig } from '../../../src/blockdevice/load-config.js';
import type { BlockDeviceEdge } from '../../../src/blockdevice/plugin.js';
import type { ConfigNode } from '../../../src/blockdevice/types.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const node = (name: string, base: string[] = []): ConfigNode => ({ plugin: 'mkfs', kind: 'mkfs', name, base, config: {}, configPath: `[${name}]`, entry: 0 });
const byBase = (n: ConfigNode): BlockDeviceEdge[] => n.base.map((b) => ({ from: b, to: n.name, path: `${n.configPath}.base` }));

describe('buildGraph', () => {
  it('orders topologically, taking the earliest ready node in config order', () => {
    const nodes = [node('c', ['a']), node('b', ['a']), node('a'), node('d', ['b', 'c'])];
    expect(buildGraph(nodes, byBase).order).toEqual(['a', 'c', 'b', 'd']);
  });

  it('gives the same order whatever order the edges come in', () => {
    const nodes = [node('a'), node('b', ['a']), node('c', ['a']), node('d', ['c', 'b'])];
    const reversed = (n: ConfigNode): BlockDeviceEdge[] => byBase(n).reverse();
    expect(buildGraph(nodes, reversed).order).toEqual(buildGraph(nodes, byBase).order);
    expect(buildGraph(nodes, byBase).order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps each edge once', () => {
    const twice = (n: ConfigNode): BlockDeviceEdge[] => [...byBase(n), ...byBase(n)];
    expect(buildGraph([node('a'), node('b', ['a'])], twice).edges).toEqual([['a', 'b']]);
  });

  it('reports an edge to a missing node at the path that names it, and orders nothing', () => {
    const r = buildGraph([node('a'), node('b', ['missing_disk'])], byBase);
    expect(r.problems).toEqual([{ path: '[b].base', message: '"missing_disk" is not defined; nodes are a, b' }]);
    expect(r.order).toEqual([]);
  });

  it('reports a cycle with its members', () => {
    const r = buildGraph([node('a', ['c']), node('b', ['a']), node('c', ['b']), node('d')], byBase);
    expect(r.problems).toEqual([{ path: '[a].base', message: 'dependency cycle: a -> b -> c -> a' }]);
  });
});

describe('graph order of real configs', () => {
  const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'block-device', 'dib', 'lvm_tree_multiple_partitions.yaml'), 'utf8');

  it('is the same on every run', async () => {
    const a = await loadBlockDeviceConfig(text, 'x', {});
    const b = await loadBlockDeviceConfig(text, 'x', {});
    expect(b.order).toEqual(a.order);
    expect(b.edges).toEqual(a.edges);
  });

  it('puts every node after everything it depends on', async () => {
    const g = await loadBlockDeviceConfig(text, 'x', {});
    const pos = new Map(g.order.map((n, i) => [n, i]));
    expect(g.order).toHaveLength(g.nodes.length);
    for (const [from, to] of g.edges) expect(pos.get(from)!).toBeLessThan(pos.get(to)!);
  });

  it("chains the mounts in DIB's mount order", async () => {
    const g = await loadBlockDeviceConfig(text, 'x', {});
    expect(g.mountOrder.map((m) => m.mountPoint)).toEqual(['/', '/boot/efi', '/tmp', '/var', '/var/log', '/var/log/audit', '/home']);
    expect(g.edges).toEqual(expect.arrayContaining([['mount_fs_root', 'mount_mkfs_ESP'], ['mount_mkfs_ESP', 'mount_fs_tmp'], ['mount_fs_log', 'mount_fs_audit']]));
  });
});
