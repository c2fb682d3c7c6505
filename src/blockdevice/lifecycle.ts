/**
 * The block-device lifecycle: create → umount → cleanup over the nodes of a block-device graph.
 *
 * This is the loop backend's engine: each node is realised by its plugin (plugins/index.ts), the
 * one object that also holds the node's schema and checks (see plugin.ts). createBlockDevice()
 * takes a validated graph, asks every node's plugin whether this host can make it (`ready`:
 * nothing touches a disk before all pass), then creates the nodes in topological order. Every resource is pushed on the caller's release
 * stack the moment it is acquired: when creation throws, nothing is undone here — the caller's
 * `releaseAll()` undoes everything in reverse. The state file `<buildDir>/block-device/state.json`
 * follows every acquisition and every step.
 *
 * The returned session's umount() runs the nodes' umount steps in reverse order (unmount in
 * reverse mount order with sync/fstrim, vfat staging trees copied in with mtools, partition and
 * disk loop devices detached); cleanup() keeps the raw images (the build's output) and removes
 * the state and the directories it made. Offline assembly, the second backend, realises the same
 * graph through the same plugins (offline/plan-from-graph.ts).
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import { blockDeviceFailed } from '../errors.js';
import { mountsUnder } from '../host/mount.js';
import type { ReleaseStack } from '../host/release-stack.js';
import { log, withStep } from '../log.js';
import { blockDeviceValues, getval, type BlockDeviceValues, type GetvalSymbol } from './lifecycle/block-device-values.js';
import { LifecycleContext, type LifecycleOptions, type PartitionDeviceMode } from './lifecycle/context.js';
import { blockDeviceStateDir, saveBlockDeviceState, type LifecyclePhase } from './lifecycle/saved-state.js';
import { fstabText } from './plugins/fstab.js';
import { pluginOf, PLUGINS, type BlockDevicePlugins } from './plugins/index.js';
import type { BlockDeviceGraph, BlockDeviceParams, BlockDeviceState, ConfigNode } from './types.js';

export { releaseFromState } from './lifecycle/release-from-state.js';
export type { LifecycleOptions, PartitionDeviceMode } from './lifecycle/context.js';
export type { BlockDeviceValues, GetvalSymbol } from './lifecycle/block-device-values.js';

export interface BlockDeviceSession {
  /** The typed state: devices, filesystems, mounts in mount order, fstab lines. */
  readonly state: BlockDeviceState;
  readonly stateFile: string;
  /** DIB's IMAGE_BLOCK_DEVICE: the loop device of `image0` (or of the first disk image). */
  readonly imageBlockDevice: string;
  /** DIB's IMAGE_BLOCK_DEVICES: ` [name]=device ` for every block device. */
  readonly imageBlockDevices: string;
  /** getval-style values (root label and type, boot label, mount points, image path). */
  values(): BlockDeviceValues;
  /** `getval SYMBOL` as DIB prints it. */
  getval(symbol: GetvalSymbol): string;
  /** The text for `<root>/etc/fstab`. */
  fstabText(): string;
  /** Host path where a mount point is mounted (or staged), e.g. `/` → the mount base. */
  pathOf(mountPoint: string): string | undefined;
  /** Unmounts in reverse mount order (vfat trees copied in), detaches partitions and disks. Idempotent. */
  umount(): Promise<void>;
  /** umount() if still needed, then removes the state and temp dirs; the raw images stay. Idempotent. */
  cleanup(): Promise<void>;
}

function partitionDeviceMode(options: LifecycleOptions): PartitionDeviceMode {
  const m = options.partitionDevices ?? process.env['TSDIB_PARTITION_DEVICES'] ?? 'auto';
  if (m !== 'auto' && m !== 'kernel' && m !== 'offset') {
    throw blockDeviceFailed(`TSDIB_PARTITION_DEVICES="${m}" must be auto, kernel or offset`);
  }
  return m;
}

/** Removes `dir` and the empty directories below it; leaves (and reports) anything that holds files or mounts. */
async function removeEmptyDirs(dir: string): Promise<void> {
  if ((await mountsUnder(dir)).length > 0) {
    log.warn(`not removing ${dir}: something is still mounted below it`);
    return;
  }
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  for (const e of entries) if (e.isDirectory()) await removeEmptyDirs(`${dir}/${e.name}`);
  await rmdir(dir).catch((e: NodeJS.ErrnoException) => log.warn(`not removing ${dir}: ${e.code === 'ENOTEMPTY' ? 'not empty' : e.message}`));
}

class Session implements BlockDeviceSession {
  private phase: LifecyclePhase = 'creating';

  constructor(
    private readonly ctx: LifecycleContext,
    private readonly plugins: BlockDevicePlugins,
    readonly stateFile: string,
  ) {}

  get state(): BlockDeviceState {
    return this.ctx.state;
  }

  get imageBlockDevice(): string {
    return this.values().imageBlockDevice;
  }

  get imageBlockDevices(): string {
    return this.values().imageBlockDevices;
  }

  values(): BlockDeviceValues {
    return blockDeviceValues(this.ctx.state, this.ctx.nodes);
  }

  getval(symbol: GetvalSymbol): string {
    return getval(this.values(), symbol);
  }

  fstabText(): string {
    return fstabText(this.ctx.state);
  }

  pathOf(mountPoint: string): string | undefined {
    const m = this.ctx.state.mounts.find((x) => x.mountPoint === mountPoint);
    return m && m.path !== '' ? m.path : undefined;
  }

  save(phase: LifecyclePhase): void {
    this.phase = phase;
    saveBlockDeviceState(this.ctx, phase);
  }

  async create(): Promise<void> {
    const { ctx } = this;
    const steps = ctx.nodes.map((n) => ({ node: n, plugin: pluginOf(n, this.plugins) }));
    await withStep('block device: check', async () => {
      for (const s of steps) await s.plugin.ready?.(s.node, ctx);
    });
    this.save('creating');
    ctx.onChange = () => saveBlockDeviceState(ctx, this.phase);
    try {
      for (const s of steps) {
        await withStep(`${s.node.kind} ${s.node.name}`, () => s.plugin.create(s.node, ctx));
        this.save('creating');
      }
    } catch (e) {
      this.save('failed');
      throw e;
    }
    this.save('created');
  }

  async umount(): Promise<void> {
    if (this.phase !== 'created' && this.phase !== 'umounting') return;
    this.phase = 'umounting';
    const { ctx } = this;
    await withStep('block device: umount', async () => {
      for (const node of [...ctx.nodes].reverse()) {
        const p = pluginOf(node, this.plugins);
        if (p.umount) await withStep(`umount ${node.kind} ${node.name}`, () => p.umount!(node, ctx));
        this.save('umounting');
      }
    });
    this.save('umounted');
  }

  async cleanup(): Promise<void> {
    if (this.phase === 'cleaned') return;
    await this.umount();
    const { ctx } = this;
    await withStep('block device: cleanup', async () => {
      for (const node of [...ctx.nodes].reverse()) await pluginOf(node, this.plugins).cleanup?.(node, ctx);
      for (const dir of [...ctx.extras.createdDirs].reverse()) await removeEmptyDirs(dir);
    });
    ctx.onChange = () => undefined;
    await rm(blockDeviceStateDir(ctx.params.buildDir), { recursive: true, force: true });
    this.phase = 'cleaned';
  }
}

/** A validated graph (from loadBlockDeviceConfig), or what of it the lifecycle needs. */
export type BlockDeviceInput = Pick<BlockDeviceGraph, 'nodes' | 'entries'> & Partial<Pick<BlockDeviceGraph, 'order'>>;

/** The nodes in creation order: the graph's `order` when it has one, else as given (already topological). */
function creationOrder(input: BlockDeviceInput): ConfigNode[] {
  if (!input.order) return [...input.nodes];
  const byName = new Map(input.nodes.map((n) => [n.name, n]));
  return input.order.map((name) => {
    const n = byName.get(name);
    if (!n) throw blockDeviceFailed(`block-device graph order names "${name}", which is no node`);
    return n;
  });
}

/**
 * Creates the block device of `input`: the graph from loadBlockDeviceConfig (nodes created in its
 * `order`), or its nodes already in topological order with their `entries` (a partition table's
 * label lives in its entry). `options.plugins` is the table of kinds (PLUGINS unless a test brings
 * its own). Throws BLOCK_DEVICE_FAILED (or the failing host command's error) with every acquired
 * resource still on `release`, for the caller's `releaseAll()`.
 */
export async function createBlockDevice(
  input: BlockDeviceInput,
  params: BlockDeviceParams,
  release: ReleaseStack,
  options: LifecycleOptions & { plugins?: BlockDevicePlugins } = {},
): Promise<BlockDeviceSession> {
  const ctx = new LifecycleContext(creationOrder(input), input.entries, params, release, { partitionDevices: partitionDeviceMode(options) });
  const session = new Session(ctx, options.plugins ?? PLUGINS, `${blockDeviceStateDir(params.buildDir)}/state.json`);
  await session.create();
  return session;
}
