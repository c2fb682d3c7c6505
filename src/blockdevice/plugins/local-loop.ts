/**
 * `local_loop`: a sparse raw image file `<directory>/<name>.raw` (directory: the config's, else the
 * build's image dir) — the disk everything else sits on. No base, no edges.
 *
 * Loop backend: the file attached to a loop device with the configured logical block size
 * (`DIB_BLOCK_SIZE` from the environment wins). create registers "remove the file" and "detach"
 * right after each; umount detaches; cleanup keeps the file (it is the build's raw output).
 * Offline: the image file itself, made by offline/assemble-disk.ts; one disk only.
 */
import { lstat, mkdir, open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SchemaObject } from 'ajv';
import { blockDeviceFailed } from '../../errors.js';
import { attachLoop } from '../../host/loop.js';
import { log } from '../../log.js';
import { optionalNumber, optionalString } from '../lifecycle/config-value.js';
import type { LifecycleContext } from '../lifecycle/context.js';
import { detachLoopAndWait } from '../lifecycle/detach-loop.js';
import type { BlockDevicePlugin } from '../plugin.js';
import { makeNode } from '../plugin.js';
import { parseAbsSize, SizeSpecError } from '../size.js';
import type { ConfigNode, ConfigProblem } from '../types.js';

const SECTOR_SIZES = [512, 4096];

const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'Node name; the image file is <directory>/<name>.raw' },
    size: { type: ['string', 'integer'], description: 'Image size, e.g. "4GiB" (DIB units); default: the build\'s image size' },
    directory: { type: 'string', minLength: 1, description: 'Directory of the image file; default: the build\'s image directory' },
    block_size: { type: ['integer', 'string'], description: 'Logical sector size of the loop device: 512 (default) or 4096; DIB_BLOCK_SIZE overrides it' },
  },
};

export interface LocalLoopSpec {
  image: string;
  size: number;
  blockSize: number;
}

/** Image path, size and block size of a validated local_loop node; throws for a `DIB_BLOCK_SIZE` the loop driver cannot take. */
export function localLoopSpec(node: ConfigNode, ctx: Pick<LifecycleContext, 'params'>): LocalLoopSpec {
  const directory = optionalString(node, 'directory') ?? ctx.params.imageDir;
  const size = localLoopSize(node.config) ?? ctx.params.imageSize;
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

/** The smallest disk image: no filesystem or partition table tsdib makes fits in less. */
const MIN_DISK_BYTES = 1024 * 1024;

export const localLoopPlugin: BlockDevicePlugin = {
  kind: 'local_loop',
  description: 'a sparse raw image file attached to a loop device',
  schema,
  nodes(entry) {
    return [makeNode(entry, { name: entry.name, kind: 'local_loop', base: [], config: entry.config, configPath: entry.configPath })];
  },
  deviceBytes(node, ctx) {
    return ctx.diskSize(node.name);
  },
  edges() {
    return [];
  },
  check(entry, ctx) {
    const problems: ConfigProblem[] = [];
    // the name is the image file's name: it must not lead out of the image directory
    const name = String(entry.config['name']);
    if (name.includes('/') || name === '.' || name === '..' || /[\x00-\x1f\x7f]/.test(name)) {
      problems.push({ path: `${entry.configPath}.name`, message: `name ${JSON.stringify(name)} names the image file <name>.raw: no "/", no control character, not . or ..` });
    }
    // a build keeps its disk images in its workspace, which does not exist yet: any directory is outside it
    if (ctx.params.forBuild && entry.config['directory'] !== undefined) {
      problems.push({ path: `${entry.configPath}.directory`, message: `directory ${JSON.stringify(entry.config['directory'])} would put the image outside the build's workspace; a build keeps its disk images there (remove directory)` });
    }
    const size = entry.config['size'];
    if (size !== undefined) {
      try {
        const bytes = parseAbsSize(size as string | number);
        if (bytes <= 0) problems.push({ path: `${entry.configPath}.size`, message: `size ${JSON.stringify(size)} must be more than 0 bytes` });
        // mkfs would fail only during the build; partitions start at 1 MiB anyway
        else if (bytes < MIN_DISK_BYTES) problems.push({ path: `${entry.configPath}.size`, message: `size ${JSON.stringify(size)} is ${bytes} bytes; a disk image needs at least 1 MiB (${MIN_DISK_BYTES} bytes)` });
      } catch (e) {
        if (!(e instanceof SizeSpecError)) throw e;
        problems.push({ path: `${entry.configPath}.size`, message: e.message });
      }
    }
    const bs = entry.config['block_size'];
    if (bs !== undefined && !SECTOR_SIZES.includes(Number(bs))) {
      problems.push({ path: `${entry.configPath}.block_size`, message: `block_size ${JSON.stringify(bs)} is not supported; use 512 or 4096` });
    }
    return problems;
  },

  async ready(node, ctx) {
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

  offline: {
    plan(node, p) {
      if (p.disk) throw blockDeviceFailed(`${node.configPath}: offline assembly makes one disk image; "${p.disk.name}" is one already, "${node.name}" would be a second`, { node: node.name });
      const spec = localLoopSpec(node, p.ctx);
      p.disk = { name: node.name, image: spec.image, size: spec.size, sectorSize: spec.blockSize, filesystems: [], ...(p.tableOptions ? { tableOptions: p.tableOptions } : {}) };
      p.regions.set(node.name, { offset: 0, size: spec.size });
      p.ctx.state.blockdev[node.name] = { device: spec.image, image: spec.image, offset: 0, size: spec.size };
    },
  },
};

/** The size a local_loop node asks for, in bytes; undefined when it names none or it is malformed. */
export function localLoopSize(config: Record<string, unknown>): number | undefined {
  const size = config['size'];
  if (typeof size !== 'string' && typeof size !== 'number') return undefined;
  try {
    return parseAbsSize(size);
  } catch {
    return undefined;
  }
}
