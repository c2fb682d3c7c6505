// DIB's own block-device code is the oracle: for each of DIB's config fixtures (and our
// differential ones) DIB 3.13 builds its graph at test time; `tsdib block-device graph --json`
// must give the same node names and the same edge set, or — where DIB rejects the config —
// exit 2 with at most four lines on stderr.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { skipUnless } from '../helpers/resources.js';

const DIB_CONFIGS = '/usr/lib/python3/dist-packages/diskimage_builder/block_device/tests/config';
const PYTHON = '/usr/bin/python3';
const HELPER = join(REPO_ROOT, 'test', 'helpers', 'dib-graph.py');
const DIFFERENTIAL = join(REPO_ROOT, 'test', 'fixtures', 'block-device', 'differential');
/** Fixtures for DIB's test plugins (test_a, test_b), not block-device configs. */
const NOT_CONFIGS = ['cmd_create.yaml', 'rollback.yaml'];

const dibInstalled = existsSync(DIB_CONFIGS) && existsSync(PYTHON);

interface DibResult {
  file: string;
  accepted: boolean;
  nodes?: string[];
  edges?: Array<[string, string]>;
  error?: string;
}

const files = dibInstalled
  ? [
      ...readdirSync(DIB_CONFIGS)
        .filter((f) => f.endsWith('.yaml') && !NOT_CONFIGS.includes(f))
        .sort()
        .map((f) => join(DIB_CONFIGS, f)),
      ...readdirSync(DIFFERENTIAL)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => join(DIFFERENTIAL, f)),
    ]
  : [];

describe('block-device graphs match DIB 3.13', () => {
  const skip = skipUnless(dibInstalled, 'dib-fixtures', `DIB is not installed (${DIB_CONFIGS}); apt-get install python3-diskimage-builder`);
  const dib = new Map<string, DibResult>();

  beforeAll(() => {
    if (skip) return;
    const out = execFileSync(PYTHON, [HELPER, ...files], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: '' } });
    for (const r of JSON.parse(out) as DibResult[]) dib.set(r.file, r);
  });

  it.skipIf(skip)('DIB accepts most fixtures and rejects some (the oracle itself works)', () => {
    const results = [...dib.values()];
    expect(results).toHaveLength(files.length);
    expect(results.filter((r) => r.accepted).length).toBeGreaterThanOrEqual(10);
    expect(results.filter((r) => !r.accepted).length).toBeGreaterThanOrEqual(8);
  });

  it.skipIf(skip).each(files.map((f) => [f.split('/').slice(-2).join('/'), f]))('%s', (_name, file) => {
    const want = dib.get(file);
    expect(want, `DIB gave no result for ${file}`).toBeDefined();
    const r = runCli(['block-device', 'graph', '--json', '--config', file]);
    if (want!.accepted) {
      expect(r.status, r.stderr).toBe(0);
      const got = JSON.parse(r.stdout) as { nodes: Array<{ name: string }>; edges: Array<[string, string]>; order: string[] };
      expect(got.nodes.map((n) => n.name).sort()).toEqual([...want!.nodes!].sort());
      const key = (e: [string, string]): string => `${e[0]} -> ${e[1]}`;
      expect(got.edges.map(key).sort()).toEqual(want!.edges!.map(key).sort());
      expect([...got.order].sort()).toEqual([...want!.nodes!].sort());
    } else {
      expect(r.status, `DIB rejects it (${want!.error}); tsdib printed:\n${r.stdout}${r.stderr}`).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^error CONFIG_INVALID: /);
      expect(lines.length).toBeLessThanOrEqual(4);
    }
  });
});

describe('tsdib block-device graph', () => {
  const deep = join(REPO_ROOT, 'test', 'fixtures', 'block-device', 'dib', 'deep_tree.yaml');

  it('prints a readable listing without --json', () => {
    const r = runCli(['block-device', 'graph', '--config', deep]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('5 nodes, 4 edges');
    expect(r.stdout).toMatch(/2\. root +partition \(partitioning\) +after image0/);
  });

  it('reads the config from DIB_BLOCK_DEVICE_CONFIG when --config is absent', () => {
    const r = runCli(['block-device', 'graph', '--json'], { env: { DIB_BLOCK_DEVICE_CONFIG: '- local_loop: {name: disk0}\n' } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ nodes: [{ name: 'disk0', plugin: 'local_loop', kind: 'local_loop', base: [] }], edges: [], order: ['disk0'] });
  });

  it('names DIB_BLOCK_DEVICE_CONFIG as the source of a bad config', () => {
    const r = runCli(['block-device', 'graph'], { env: { DIB_BLOCK_DEVICE_CONFIG: '- mkfs: {name: a, base: nowhere, type: ext4}\n' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error CONFIG_INVALID: DIB_BLOCK_DEVICE_CONFIG [0].mkfs.base: "nowhere" is not defined');
  });

  it('checks partition sizes against --image-size', () => {
    const config = join(REPO_ROOT, 'test', 'fixtures', 'block-device', 'dib', 'lvm_tree.yaml');
    expect(runCli(['block-device', 'graph', '--config', config, '--image-size', '4GiB']).status).toBe(0);
    const small = runCli(['block-device', 'graph', '--config', config, '--image-size', '2GiB']);
    expect(small.status).toBe(2);
    expect(small.stderr).toContain('[1].partitioning.partitions[0]');
  });

  it('rejects a malformed --image-size as a bad flag', () => {
    const r = runCli(['block-device', 'graph', '--config', deep, '--image-size', '4gb']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error FLAG_INVALID: --image-size');
  });
});
