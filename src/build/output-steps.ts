/**
 * Outputs, named DIB-style `<-o>.<type>`: the tree formats (tar, tgz, squashfs, docker) are
 * written from the mounted image before it is unmounted; the disk formats (raw, qcow2, vhd, vmdk)
 * from the raw image after. With the no-final-image element, the disk formats are not written.
 */
import { withProgress } from '../log.js';
import { OUTPUT_WRITERS } from '../output/writers.js';
import { outputBytesWritten } from '../report/output-progress.js';
import { writeOutputs } from '../output/write-outputs.js';
import { log } from '../log.js';
import { need, type BuildContext } from './context.js';

function typesNeeding(ctx: BuildContext, needs: 'raw' | 'tree'): string[] {
  return ctx.opts.types.filter((t) => OUTPUT_WRITERS[t]?.needs === needs);
}

/** What writeOutputs is asked for `types`; --qemu-img-options go only to a request with a disk format (they mean nothing to tar). */
export function outputRequest(ctx: BuildContext, types: string[]) {
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
  };
}

export async function writeTreeOutputs(ctx: BuildContext): Promise<void> {
  const types = typesNeeding(ctx, 'tree');
  if (types.length === 0) return;
  const rootTree = need(ctx.workspace, 'workspace').mountPath;
  const written = await withProgress(() => outputBytesWritten(ctx.opts.imageName), () => writeOutputs({ ...outputRequest(ctx, types), rootTree }, { release: ctx.release }));
  ctx.outputs.push(...written);
}

/** DIB's no-final-image element: the build makes no disk image file (tree outputs are still written). */
export function wantsNoFinalImage(ctx: BuildContext): boolean {
  return need(ctx.plan, 'plan').elements.some((e) => e.name === 'no-final-image');
}

export async function writeDiskOutputs(ctx: BuildContext): Promise<void> {
  const types = typesNeeding(ctx, 'raw');
  if (types.length === 0) return;
  if (wantsNoFinalImage(ctx)) {
    log.info(`no-final-image: ${types.join(', ')} not written`);
    return;
  }
  const rawImage = need(ctx.blockDevice, 'block device').values().imagePath;
  const written = await withProgress(() => outputBytesWritten(ctx.opts.imageName), () => writeOutputs({ ...outputRequest(ctx, types), rawImage }, { release: ctx.release }));
  ctx.outputs.push(...written);
}
