/**
 * Where a finished build goes besides its files: `--write-to` streams the raw disk into an NBD
 * export (before the block device is released, while the raw image exists), `--push` sends the
 * output files to an OCI registry as one artifact (after). Both destinations are checked in the
 * plan step, before the workspace exists.
 */
import { withAbortOnSignal } from '../host/abort-on-signal.js';
import { log } from '../log.js';
import { checkNbdTarget, writeRawToNbd } from '../nbd/write-to-nbd.js';
import { artifactAnnotations } from '../registry/annotations.js';
import { pushArtifact } from '../registry/push.js';
import { parseReference } from '../registry/reference.js';
import type { OutputResult } from '../output/write-outputs.js';
import type { BuildInput, ImageBuild, PlannedBuild } from './context.js';
import { computeImageSize } from './image-size.js';

function sourceDateEpoch(ctx: BuildInput): number | undefined {
  const v = ctx.hostEnv['SOURCE_DATE_EPOCH'];
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** The disk size when it is fixed before the build (--image-size / DIB_IMAGE_SIZE), else undefined. */
function knownDiskBytes(ctx: BuildInput): number | undefined {
  const gb = ctx.opts.imageSizeGB ?? (ctx.hostEnv['DIB_IMAGE_SIZE'] ? Number(ctx.hostEnv['DIB_IMAGE_SIZE']) : undefined);
  if (gb === undefined || !Number.isFinite(gb)) return undefined;
  return computeImageSize({ treeKiB: 0, imageSizeGB: gb, imageExtraSizeMB: undefined, journalSizeMB: 64, rootFsType: 'ext4', fixedPartitionBytes: 0, maxOnlineResize: undefined, mkfsOptions: undefined }).bytes;
}

/** Plan step: the NBD export answers, is writable and (when the size is known) large enough. */
export async function checkDestinations(ctx: BuildInput): Promise<void> {
  if (ctx.opts.writeTo) await checkNbdTarget(ctx.opts.writeTo, knownDiskBytes(ctx));
}

export async function writeToNbd(image: ImageBuild): Promise<void> {
  if (!image.opts.writeTo) return;
  const raw = image.blockDevice.values().imagePath;
  const uri = image.opts.writeTo;
  await withAbortOnSignal((abort) => writeRawToNbd(raw, uri, image.release, abort));
}

/** `--push`: where the artifact went and its manifest digest. */
export interface PushedArtifact {
  ref: string;
  digest: string;
}

/** `--push`: the output files to the registry as one artifact; undefined without --push. */
export async function pushOutputs(planned: PlannedBuild, outputs: readonly OutputResult[]): Promise<PushedArtifact | undefined> {
  const { opts } = planned;
  if (!opts.push) return undefined;
  const ref = parseReference(opts.push, '--push');
  const files = outputs.filter((o) => !o.path.startsWith('docker:')).map((o) => ({ path: o.path, type: o.type, sha256: o.sha256 }));
  const epoch = sourceDateEpoch(planned);
  const annotations = artifactAnnotations({
    elements: opts.elements,
    elementSet: planned.plan.elements.map((e) => e.name),
    planKey: planned.planKey,
    ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
  });
  const result = await withAbortOnSignal((abort) => pushArtifact(ref, files, annotations, { env: planned.hostEnv, abort }));
  log.info(`--push ${ref.text}: manifest ${result.digest}`);
  return { ref: ref.text, digest: result.digest };
}
