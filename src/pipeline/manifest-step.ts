/**
 * The build's record of itself: step `package list` reads the finished tree's installed packages
 * while it is still mounted; step `manifest` writes `<-o>.manifest.json` beside the outputs
 * (output/manifest.ts) once every output is in place.
 */
import { log, stepTimings } from '../log.js';
import { installedPackages } from '../output/dpkg-status.js';
import { writeManifest } from '../output/manifest.js';
import { tsdibVersion } from '../registry/annotations.js';
import type { ImageBuild, TreeBuild } from './context.js';
import type { OutputResult } from '../output/write-outputs.js';
import type { ManifestPackage } from '../output/manifest.js';

/** Step `package list`: the packages installed in the finished tree (for the manifest). */
export async function recordPackages(image: ImageBuild): Promise<ManifestPackage[]> {
  const packages = await installedPackages(image.workspace.mountPath);
  log.info(`${packages.length} packages installed`);
  return packages;
}

/** Step `manifest`: writes `<-o>.manifest.json`; returns its path. */
export async function writeBuildManifest(tree: TreeBuild, packages: readonly ManifestPackage[], outputs: readonly OutputResult[]): Promise<string> {
  const epoch = tree.hostEnv['SOURCE_DATE_EPOCH'];
  const manifest = await writeManifest({
    imageName: tree.opts.imageName,
    elements: tree.plan.elements.map((e) => e.name),
    packages,
    outputs,
    timings: stepTimings().filter((t) => t.depth === 0),
    tsdibVersion: tsdibVersion(),
    planKey: tree.planKey,
    ...(tree.phaseCache ? { phaseCache: { key: tree.phaseCache.key, restored: tree.phaseCache.snapshot !== undefined } } : {}),
    ...(epoch && /^\d+$/.test(epoch) ? { sourceDateEpoch: Number(epoch) } : {}),
  });
  log.info(`manifest: ${manifest}`);
  return manifest;
}
