/**
 * The build's record of itself: step `package list` reads the finished tree's installed packages
 * while it is still mounted; step `manifest` writes `<-o>.manifest.json` beside the outputs
 * (output/manifest.ts) once every output is in place.
 */
import { log, stepTimings } from '../log.js';
import { installedPackages } from '../output/dpkg-status.js';
import { writeManifest } from '../output/manifest.js';
import { tsdibVersion } from '../registry/annotations.js';
import { need, type BuildContext } from './context.js';

export async function recordPackages(ctx: BuildContext): Promise<void> {
  ctx.packages = await installedPackages(need(ctx.workspace, 'workspace').mountPath);
  log.info(`${ctx.packages.length} packages installed`);
}

export async function writeBuildManifest(ctx: BuildContext): Promise<void> {
  const epoch = ctx.hostEnv['SOURCE_DATE_EPOCH'];
  ctx.manifest = await writeManifest({
    imageName: ctx.opts.imageName,
    elements: need(ctx.plan, 'plan').elements.map((e) => e.name),
    packages: ctx.packages ?? [],
    outputs: ctx.outputs,
    timings: stepTimings().filter((t) => t.depth === 0),
    tsdibVersion: tsdibVersion(),
    ...(ctx.planKey ? { planKey: ctx.planKey } : {}),
    ...(ctx.phaseCache ? { phaseCache: { key: ctx.phaseCache.key, restored: ctx.phaseCache.restored } } : {}),
    ...(epoch && /^\d+$/.test(epoch) ? { sourceDateEpoch: Number(epoch) } : {}),
  });
  log.info(`manifest: ${ctx.manifest}`);
}
