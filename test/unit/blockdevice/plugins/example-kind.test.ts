/**
 * Adding a block-device kind is one object and one table row. This test defines a kind of its own,
 * `scratch_file` (a sparse file beside the disk images), and runs it through the config loader,
 * the loop engine and offline planning with the built-in table plus that one row: no other file
 * knows about it. It needs no root (the kind touches no loop device).
 */
import { access, mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dir as tmpDir, type DirectoryResult } from 'tmp-promise';
import { afterEach, describe, expect, it } from 'vitest';
import { createBlockDevice } from '../../../../src/blockdevice/lifecycle.js';
import { loadBlockDeviceConfig } from '../../../../src/blockdevice/load-config.js';
import { planOfflineDisk } from '../../../../src/blockdevice/offline/plan-from-graph.js';
import { edgesFromBase, makeNode, type BlockDevicePlugin } from '../../../../src/blockdevice/plugin.js';
import { PLUGINS } from '../../../../src/blockdevice/plugins/index.js';
import { parseAbsSize, SizeSpecError } from '../../../../src/blockdevice/size.js';
import type { BlockDeviceParams } from '../../../../src/blockdevice/types.js';
import { ReleaseStack } from '../../../../src/host/release-stack.js';

/** The one file a new kind is: schema, checks, loop-backend steps, offline answer. */
const scratchFilePlugin: BlockDevicePlugin = {
  kind: 'scratch_file',
  description: 'a sparse file beside the disk images',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'size'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Node name; the file is <image dir>/<name>.scratch' },
      size: { type: ['string', 'integer'], description: 'Size, e.g. "1MiB"' },
    },
  },
  nodes: (entry) => [makeNode(entry, { name: entry.name, kind: 'scratch_file', base: [], config: entry.config, configPath: entry.configPath })],
  edges: edgesFromBase,
  check(entry) {
    try {
      parseAbsSize(entry.config['size'] as string | number);
      return [];
    } catch (e) {
      if (!(e instanceof SizeSpecError)) throw e;
      return [{ path: `${entry.configPath}.size`, message: e.message }];
    }
  },
  async create(node, ctx) {
    const path = join(ctx.params.imageDir, `${node.name}.scratch`);
    await mkdir(ctx.params.imageDir, { recursive: true });
    const handle = ctx.release.push(`remove ${path}`, { kind: 'file', path }, () => rm(path, { force: true }));
    ctx.hold(node.name, `scratch file ${path}`, { kind: 'file', path }, handle);
    const size = parseAbsSize(node.config['size'] as string | number);
    const fh = await open(path, 'w');
    await fh.truncate(size);
    await fh.close();
    ctx.state.blockdev[node.name] = { device: path, image: path, offset: 0, size };
  },
  async cleanup(node, ctx) {
    for (const h of ctx.heldBy(node.name, 'file')) await ctx.releaseHeld(h, () => rm(join(ctx.params.imageDir, `${node.name}.scratch`), { force: true }));
  },
  offline: { what: 'scratch file', refused: 'this example kind has no offline realisation' },
};

/** …and the one table row. */
const TABLE = { ...PLUGINS, scratch_file: scratchFilePlugin };

const CONFIG = '- scratch_file: {name: notes, size: 1MiB}\n';

let tmp: DirectoryResult | undefined;
afterEach(async () => {
  await tmp?.cleanup();
  tmp = undefined;
});

async function params(): Promise<BlockDeviceParams> {
  tmp = await tmpDir({ unsafeCleanup: true });
  const root = tmp.path;
  return { imageDir: join(root, 'images'), imageSize: 1 << 20, mountBase: join(root, 'mnt'), buildDir: join(root, 'build'), rootFsType: 'ext4', rootLabel: undefined, rootFsOpts: undefined };
}

describe('a block-device kind added as one object and one table row', () => {
  it('is unknown to the built-in table and known once its row is added', async () => {
    await expect(loadBlockDeviceConfig(CONFIG, 'disk.yaml', {})).rejects.toThrow(/unknown plugin "scratch_file"/);
    const graph = await loadBlockDeviceConfig(CONFIG, 'disk.yaml', {}, TABLE);
    expect(graph.nodes).toMatchObject([{ plugin: 'scratch_file', kind: 'scratch_file', name: 'notes' }]);
  });

  it('has its schema and its checks applied by the config loader, with the config path', async () => {
    await expect(loadBlockDeviceConfig('- scratch_file: {name: notes}\n', 'disk.yaml', {}, TABLE)).rejects.toThrow(/disk\.yaml \[0\]\.scratch_file\.size: missing/);
    await expect(loadBlockDeviceConfig('- scratch_file: {name: notes, size: lots}\n', 'disk.yaml', {}, TABLE)).rejects.toThrow(/\[0\]\.scratch_file\.size/);
  });

  it('is created by the loop engine, its release registered, and cleaned up', async () => {
    const p = await params();
    const release = new ReleaseStack();
    const graph = await loadBlockDeviceConfig(CONFIG, 'disk.yaml', p, TABLE);
    const session = await createBlockDevice(graph, p, release, { plugins: TABLE });
    const file = join(p.imageDir, 'notes.scratch');
    expect(session.state.blockdev['notes']).toEqual({ device: file, image: file, offset: 0, size: 1 << 20 });
    expect(release.snapshot().map((e) => e.label)).toContain(`remove ${file}`);
    await session.cleanup();
    await expect(access(file)).rejects.toThrow(/ENOENT/);
    expect(release.size).toBe(0);
    expect(await readdir(p.buildDir)).toEqual([]);
  });

  it('leaves its release on the stack when a later node fails, so releaseAll removes the file', async () => {
    const p = await params();
    const release = new ReleaseStack();
    const failing: BlockDevicePlugin = { ...scratchFilePlugin, kind: 'failing', create: () => Promise.reject(new Error('disk on fire')) };
    const graph = await loadBlockDeviceConfig(`${CONFIG}- failing: {name: later, size: 1MiB}\n`, 'disk.yaml', p, { ...TABLE, failing });
    await expect(createBlockDevice(graph, p, release, { plugins: { ...TABLE, failing } })).rejects.toThrow('disk on fire');
    await access(join(p.imageDir, 'notes.scratch'));
    await release.releaseAll();
    await expect(access(join(p.imageDir, 'notes.scratch'))).rejects.toThrow(/ENOENT/);
  });

  it('is refused by offline assembly with its own reason', async () => {
    const p = await params();
    const graph = await loadBlockDeviceConfig(CONFIG, 'disk.yaml', p, TABLE);
    await expect(planOfflineDisk(graph, p, undefined, TABLE)).rejects.toThrow('[0].scratch_file: scratch file "notes" cannot be assembled offline: this example kind has no offline realisation');
  });
});
