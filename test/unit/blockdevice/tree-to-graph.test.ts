import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PLUGIN_NAMES } from '../../../src/blockdevice/plugins/index.js';
import { configToEntries } from '../../../src/blockdevice/tree-to-graph.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const DIB = join(REPO_ROOT, 'test', 'fixtures', 'block-device', 'dib');

function load(name: string): unknown {
  return parse(readFileSync(join(DIB, name), 'utf8'));
}

/** Entries as DIB's graph-notation list items, canonical JSON, sorted (DIB's assertCountEqual). */
function multiset(data: unknown): string[] {
  const { entries, problems } = configToEntries(data, PLUGIN_NAMES);
  expect(problems).toEqual([]);
  return entries.map((e) => canonical({ [e.plugin]: e.config })).sort();
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : val,
  );
}

describe('tree notation → graph notation (DIB fixture pairs)', () => {
  it.each([
    ['simple_tree.yaml', 'simple_graph.yaml'],
    ['deep_tree.yaml', 'deep_graph.yaml'],
    ['multiple_partitions_tree.yaml', 'multiple_partitions_graph.yaml'],
    ['lvm_tree.yaml', 'lvm_graph.yaml'],
  ])('%s converts to the entries of %s', (tree, graph) => {
    expect(multiset(load(tree))).toEqual(multiset(load(graph)));
  });

  it.each(['simple_graph.yaml', 'deep_graph.yaml', 'multiple_partitions_graph.yaml', 'lvm_graph.yaml', 'duplicate_fs_labels.yaml'])(
    'a graph config (%s) passes through unchanged',
    (graph) => {
      const data = load(graph) as Array<Record<string, unknown>>;
      expect(multiset(data)).toEqual(data.map((e) => canonical(e)).sort());
    },
  );

  it("names nested nodes <plugin>_<parent>, and a partition's children after the partition", () => {
    const { entries } = configToEntries(load('deep_tree.yaml'), PLUGIN_NAMES);
    expect(entries.map((e) => [e.plugin, e.name, e.config['base']])).toEqual([
      ['local_loop', 'image0', undefined],
      ['fstab', 'fstab_mount_mkfs_root', 'mount_mkfs_root'],
      ['mount', 'mount_mkfs_root', 'mkfs_root'],
      ['mkfs', 'mkfs_root', 'root'],
      ['partitioning', 'mbr', 'image0'],
    ]);
  });

  it('gives every partition the base of its table, whatever the partition says', () => {
    const { entries } = configToEntries(load('duplicate_name.yaml'), PLUGIN_NAMES);
    const table = entries.find((e) => e.plugin === 'partitioning')!;
    expect(table.config['partitions']).toEqual([{ flags: ['boot', 'primary'], name: 'root', base: 'this_is_a_duplicate', size: '100%' }]);
  });

  it('names an unnamed lvm after its base (lvm_mbr) and an unnamed partitioning after its disk', () => {
    const { entries } = configToEntries(load('lvm_tree.yaml'), PLUGIN_NAMES);
    expect(entries.map((e) => e.name)).toContain('lvm_mbr');
    const gpt = configToEntries(load('gpt_efi.yaml'), PLUGIN_NAMES).entries;
    expect(gpt.map((e) => e.name)).toEqual(expect.arrayContaining(['partitioning_image0', 'mkfs_ESP', 'mount_mkfs_ESP', 'mkfs_Root Part', 'fstab_mount_mkfs_Root Part']));
  });

  it('records where each entry was written, down through partitions', () => {
    const { entries } = configToEntries(load('multiple_partitions_tree.yaml'), PLUGIN_NAMES);
    expect(entries.find((e) => e.name === 'mount_mkfs_var')?.configPath).toBe('[1].partitioning.partitions[1].mkfs.mount');
    expect(entries.find((e) => e.name === 'mbr')?.configPath).toBe('[1].partitioning');
  });

  it("writes a non-string base into an auto name the way Python's %s does", () => {
    const { entries } = configToEntries([{ lvm: { base: ['root'], pvs: [] } }], PLUGIN_NAMES);
    expect(entries[0]!.name).toBe("lvm_['root']");
  });
});

describe('the early list-of-levels form', () => {
  it('reads [[["local_loop", {...}]]] as graph entries, level by level', () => {
    const data = [
      [['local_loop', { name: 'rootdisk' }]],
      [['partitioning', { base: 'rootdisk', label: 'mbr', partitions: [{ name: 'root', size: '100%' }] }]],
      [['mkfs', { name: 'mkfs_root', base: 'root', type: 'ext4' }], ['mount', { name: 'm', base: 'mkfs_root', mount_point: '/' }]],
    ];
    const { entries, problems } = configToEntries(data, PLUGIN_NAMES);
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.plugin, e.name, e.configPath])).toEqual([
      ['local_loop', 'rootdisk', '[0][0].local_loop'],
      ['partitioning', 'partitioning_rootdisk', '[1][0].partitioning'],
      ['mkfs', 'mkfs_root', '[2][0].mkfs'],
      ['mount', 'm', '[2][1].mount'],
    ]);
  });

  it('nests plugin keys inside a level pair like tree notation', () => {
    const { entries } = configToEntries([[['local_loop', { name: 'd', mkfs: { type: 'ext4' } }]]], PLUGIN_NAMES);
    expect(entries.map((e) => e.name)).toEqual(['mkfs_d', 'd']);
  });

  it('reports a malformed pair with its position', () => {
    const { problems } = configToEntries([[['local_loop']], 'x'], PLUGIN_NAMES);
    expect(problems.map((p) => p.path)).toEqual(['[0][0]', '[1]']);
  });
});

describe('structural problems', () => {
  it.each([
    [null, '', 'the config is empty'],
    [[], '', 'the config is empty'],
    [{ local_loop: { name: 'x' } }, '', 'must be a list'],
    [['local_loop'], '[0]', 'not a {plugin: {...}} mapping'],
    [[{ mkfs: {}, mount: {} }], '[0]', 'exactly one plugin key, has 2 (mkfs, mount)'],
    [[{ mkfss: {} }], '[0].mkfss', 'unknown plugin "mkfss" (did you mean "mkfs"?)'],
    [[{ mkfs: 'ext4' }], '[0].mkfs', 'must be a mapping of mkfs keys'],
    [[{ local_loop: { name: 'd', mkfs: ['x'] } }], '[0].local_loop.mkfs', 'must be a mapping'],
  ])('%j: %s %s', (data, path, fragment) => {
    const { problems } = configToEntries(data, PLUGIN_NAMES);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toContain(fragment);
  });
});
