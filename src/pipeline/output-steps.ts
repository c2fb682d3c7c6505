/**
 * Outputs, named DIB-style `<-o>.<type>`: the tree formats (tar, tgz, squashfs, docker) are
 * written from the mounted image before it is unmounted; the disk formats (raw, qcow2, vhd, vmdk)
 * from the raw image after. With the no-final-image element, the disk formats are not written.
 */
import { buildSeed } from '../reproducible/seed.js';
import { withProgress } from '../log.js';
import { OUTPUT_WRITERS } from '../output/writers.js';
import { outputBytesWritten } from '../report/output-progress.js';
import { writeOutputs } from '../output/write-outputs.js';
import { log } from '../log.js';
import type { BuildInput, ImageBuild, PlannedBuild } from './context.js';
import type { OutputResult } from '../output/write-outputs.js';

function typesNeeding(ctx: BuildInput, needs: 'raw' | 'tree'): string[] {
  return ctx.opts.types.filter((t) => OUTPUT_WRITERS[t]?.needs === needs);
}

/** What writeOutputs is asked for `types`; --qemu-img-options go only to a request with a disk format (they mean nothing to tar). */
export function outputRequest(ctx: BuildInput, types: string[]) {
  const seed = buildSeed(ctx.opts.seed, ctx.hostEnv);
  const qemuImgOptions = types.some((t) => OUTPUT_WRITERS[t]?.needs === 'raw') ? (ctx.opts.qemuImgOptions ?? ctx.hostEnv['QEMU_IMG_OPTIONS']) : undefined;
  return {
    imageName: ctx.opts.imageName,
    types,
    compress: !ctx.opts.uncompressed,
    checksum: ctx.opts.checksum ? true : (ctx.hostEnv['DIB_CHECKSUM'] ?? false),
    env: ctx.hostEnv,
    arch: ctx.opts.arch,
    ...(qemuImgOptions ? { qemuImgOptions } : {}),
    ...(ctx.opts.dockerTarget ? { dockerTarget: ctx.opts.dockerTarget } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
}

/** Step `tree outputs`: tar, tgz, squashfs, docker from the mounted image. */
export async function writeTreeOutputs(image: ImageBuild): Promise<OutputResult[]> {
  const types = typesNeeding(image, 'tree');
  if (types.length === 0) return [];
  const rootTree = image.workspace.mountPath;
  return withProgress(() => outputBytesWritten(image.opts.imageName), () => writeOutputs({ ...outputRequest(image, types), rootTree }, { release: image.release }));
}

/** DIB's no-final-image element: the build makes no disk image file (tree outputs are still written). */
export function wantsNoFinalImage(planned: PlannedBuild): boolean {
  return planned.plan.elements.some((e) => e.name === 'no-final-image');
}

/** Step `disk outputs`: raw, qcow2, vhd, vmdk from the raw image (after `umount`). */
export async function writeDiskOutputs(image: ImageBuild): Promise<OutputResult[]> {
  const types = typesNeeding(image, 'raw');
  if (types.length === 0) return [];
  if (wantsNoFinalImage(image)) {
    log.info(`no-final-image: ${types.join(', ')} not written`);
    return [];
  }
  const rawImage = image.blockDevice.values().imagePath;
  return withProgress(() => outputBytesWritten(image.opts.imageName), () => writeOutputs({ ...outputRequest(image, types), rawImage }, { release: image.release }));
}
