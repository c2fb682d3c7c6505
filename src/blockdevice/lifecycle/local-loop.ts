/**
 * local_loop: a sparse file `<directory>/<name>.raw` (directory: the config's, else the build's
 * image dir) attached to a loop device with the configured logical block size (`DIB_BLOCK_SIZE`
 * from the environment wins). create registers "remove the file" and "detach" right after each;
 * umount detaches; cleanup keeps the file (it is the build's raw output).
 */
import { lstat, mkdir, open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { blockDeviceFailed } from '../../errors.js';
import { attachLoop } from '../../host/loop.js';
import { log } from '../../log.js';
import { parseAbsSize } from '../size.js';
import type { ConfigNode } from '../types.js';
import { optionalNumber, optionalString } from './config-value.js';
import type { LifecycleContext, NodeLifecycle } from './context.js';
import { detachLoopAndWait } from './detach-loop.js';

export interface LocalLoopSpec {
  image: string;
  size: number;
  blockSize: number;
}

function configuredSize(node: ConfigNode, spec: unknown): number {
  try {
    return parseAbsSize(spec as string | number);
  } catch (e) {
    throw blockDeviceFailed(`local_loop node "${node.name}": ${(e as Error).message}`, { node: node.name, path: `${node.configPath}.size` });
  }
}

export function localLoopSpec(node: ConfigNode, ctx: Pick<LifecycleContext, 'params'>): LocalLoopSpec {
  const directory = optionalString(node, 'directory') ?? ctx.params.imageDir;
  const sizeSpec = node.config['size'];
  const size = sizeSpec === undefined || sizeSpec === null ? ctx.params.imageSize : configuredSize(node, sizeSpec);
  const envBlockSize = process.env['DIB_BLOCK_SIZE'];
  const blockSize = envBlockSize ? Number(envBlockSize) : (optionalNumber(node, 'block_size') ?? 512);
  if (!Number.isSafeInteger(blockSize) || blockSize < 512 || (blockSize & (blockSize - 1)) !== 0) {
    throw blockDeviceFailed(`local_loop node "${node.name}": block size ${envBlockSize ?? String(node.config['block_size'])} is not a power of two ≥ 512`, {
      node: node.name,
    });
  }
  if (!Number.isSafeInteger(size) || size <= 0 || size % blockSize !== 0) {
    throw blockDeviceFailed(`local_loop node "${node.name}": size ${size} bytes is not a positive multiple of the ${blockSize}-byte block`, {
      node: node.name,
    });
  }
  return { image: resolve(join(directory, `${node.name}.raw`)), size, blockSize };
}

/** Refuses to turn anything but a regular file (or nothing) into a disk image. */
async function checkImagePath(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st && !st.isFile()) throw blockDeviceFailed(`${path} exists and is not a regular file; refusing to replace it with a disk image`);
}

/** Creates (or empties) a sparse file of `size` bytes. */
async function createSparseFile(path: string, size: number): Promise<void> {
  try {
    const fh = await open(path, 'w');
    try {
      await fh.truncate(size);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw blockDeviceFailed(`cannot create the disk image ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export const localLoopLifecycle: NodeLifecycle = {
  async check(node, ctx) {
    const spec = localLoopSpec(node, ctx);
    if (spec.blockSize !== 512 && spec.blockSize !== 4096) log.warn(`local_loop ${node.name}: block size ${spec.blockSize} is neither 512 nor 4096`);
  },

  async create(node, ctx) {
    const spec = localLoopSpec(node, ctx);
    if (optionalString(node, 'directory') === undefined) await mkdir(ctx.params.imageDir, { recursive: true });
    await checkImagePath(spec.image);
    // registered first: a file half made (disk full) is removed too
    const fileHandle = ctx.release.push(`remove ${spec.image}`, { kind: 'file', path: spec.image }, () => rm(spec.image, { force: true }));
    ctx.hold(node.name, `image ${spec.image}`, { kind: 'file', path: spec.image }, fileHandle);
    await createSparseFile(spec.image, spec.size);
    ctx.extras.images[node.name] = { image: spec.image, size: spec.size, blockSize: spec.blockSize };
    const loop = await attachLoop(ctx.release, spec.image, { sectorSize: spec.blockSize });
    ctx.hold(node.name, `loop ${loop.device}`, { kind: 'loop', device: loop.device, image: spec.image }, loop.handle);
    ctx.state.blockdev[node.name] = { device: loop.device, image: spec.image, offset: 0, size: spec.size };
    log.info(`local_loop ${node.name}: ${spec.image} (${spec.size} bytes) on ${loop.device}`);
  },

  async umount(node, ctx) {
    for (const h of ctx.heldBy(node.name, 'loop')) {
      if (h.resource.kind === 'loop') {
        const { device, image } = h.resource;
        await ctx.releaseHeld(h, () => detachLoopAndWait(device, image));
      }
    }
  },

  async cleanup(node, ctx) {
    // the raw image is the build's output: nobody removes it on release any more
    for (const h of ctx.heldBy(node.name, 'file')) ctx.keep(h);
  },
};
