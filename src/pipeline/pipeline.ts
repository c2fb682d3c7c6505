/**
 * One build, as DIB runs it (docs/build-flow.md lists the same steps for users). `runBuild` is the
 * recipe: a list of verbs, each taking what the steps before it made (the stages of context.ts). `buildImage` wraps it: release stack, signal
 * handling, and the release of every resource — on success, on error and on SIGINT/SIGTERM.
 */
import { normaliseTree } from './reproducible-tree.js';
import { formatError, isTsdibError, type TsdibError } from '../errors.js';
import type { BuildOptions } from './options.js';
import { ReleaseStack } from '../host/release-stack.js';
import { handleSignals } from '../host/signals.js';
import { log, openLogfile, withHeldLog, withStep } from '../log.js';
import type { OutputResult } from '../output/write-outputs.js';
import type { BuildInput, TreeBuild } from './context.js';
import { copyRootTree, createImage, fillImageFromSnapshot, releaseBlockDevice, sizeImage, tidyTree, unmountImage, writeFstab } from './image-steps.js';
import { pushOutputs, writeToNbd, type PushedArtifact } from './destination-steps.js';
import { recordPackages, writeBuildManifest } from './manifest-step.js';
import { writeDiskOutputs, writeTreeOutputs } from './output-steps.js';
import { assembleImage, createOfflineImageStep, takeBiosBoot } from './offline-steps.js';
import { checkBuildHostTools, makeWorkspace, planBuild, prepareHooks } from './prepare.js';
import { enterBuildChroot, installExtraPackages, leaveBuildChroot, runHooksOf, runRootPhase } from './tree-steps.js';
import { lookUpPhaseCache, restoreSnapshot, savePhaseCache } from './cache/phase-cache.js';

/** The build's step names, in order (docs/build-flow.md and `tsdib plan` use the same names). */
export const BUILD_STEPS = [
  'plan',
  'check host tools',
  'workspace',
  'hooks',
  'phase cache',
  'restore snapshot',
  'root.d',
  'chroot',
  'extra-data.d',
  'pre-install.d',
  'install.d',
  'packages (-p)',
  'post-install.d',
  'post-root.d',
  'leave chroot',
  'snapshot',
  'image size',
  'block-device.d',
  'block device',
  'restore snapshot (image)',
  'copy tree',
  'fstab',
  'chroot (image)',
  'pre-finalise.d',
  'finalise.d',
  'leave chroot (image)',
  'cleanup.d',
  'BIOS boot request',
  'tidy',
  'reproducible tree',
  'package list',
  'tree outputs',
  'umount',
  'assemble',
  'disk outputs',
  'write to NBD',
  'release',
  'push',
  'manifest',
] as const;
export type BuildStep = (typeof BUILD_STEPS)[number];

const step = <T>(name: BuildStep, fn: () => Promise<T>): Promise<T> => withStep(name, fn);

/** What a finished build made. */
export interface BuildOutcome {
  outputs: OutputResult[];
  /** `--push`: where the artifact went and its manifest digest. */
  pushed: PushedArtifact | undefined;
  /** `<-o>.manifest.json`. */
  manifest: string;
}

/**
 * One build, step by step. Each step takes the stage it needs and returns the next (context.ts):
 * planned → workspace → hooked → tree → sized → image.
 */
export async function runBuild(input: BuildInput): Promise<BuildOutcome> {
  // a bad input is reported by its error alone: the plan step's log is printed only when it passes
  const planned = await withHeldLog(() => step('plan', () => planBuild(input)), (e) => isTsdibError(e) && e.isBadInput);
  await step('check host tools', () => checkBuildHostTools(planned));
  openLogfile();
  const workspace = await step('workspace', () => makeWorkspace(planned));
  const hooked = await step('hooks', () => prepareHooks(workspace));
  // a snapshot of the finished tree under the same key (phase-cache.ts) replaces root.d … snapshot
  const lookup = await step('phase cache', () => lookUpPhaseCache(hooked));
  const hit = lookup?.snapshot;
  // a damaged snapshot is dropped: restoreSnapshot then returns the state without it
  const phaseCache = lookup && hit?.into === 'tree' ? await step('restore snapshot', () => restoreSnapshot(hooked, lookup, hit.entry)) : lookup;
  if (!phaseCache?.snapshot) {
    await step('root.d', () => runRootPhase(hooked));
    const chroot = await step('chroot', () => enterBuildChroot(hooked, { useHostResolver: true }));
    await step('extra-data.d', () => runHooksOf(hooked, 'extra-data.d'));
    await step('pre-install.d', () => runHooksOf(hooked, 'pre-install.d'));
    await step('install.d', () => runHooksOf(hooked, 'install.d'));
    await step('packages (-p)', () => installExtraPackages(hooked));
    await step('post-install.d', () => runHooksOf(hooked, 'post-install.d'));
    await step('post-root.d', () => runHooksOf(hooked, 'post-root.d'));
    await step('leave chroot', () => leaveBuildChroot(hooked, chroot));
    await step('snapshot', () => savePhaseCache(hooked, phaseCache));
  }
  const tree: TreeBuild = { ...hooked, phaseCache };
  const sized = await step('image size', () => sizeImage(tree));
  await step('block-device.d', () => runHooksOf(sized, 'block-device.d'));
  // --offline-assembly: the image file and its table now, the filesystems at `assemble` (offline-steps.ts)
  const offline = sized.opts.offlineAssembly;
  const image = await step('block device', () => (offline ? createOfflineImageStep(sized) : createImage(sized)));
  const snapshot = image.phaseCache?.snapshot;
  if (snapshot?.into === 'image') await step('restore snapshot (image)', () => fillImageFromSnapshot(image, snapshot.entry));
  else if (!offline) await step('copy tree', () => copyRootTree(image));
  await step('fstab', () => writeFstab(image));
  const chroot = await step('chroot (image)', () => enterBuildChroot(image, { useHostResolver: false }));
  await step('pre-finalise.d', () => runHooksOf(image, 'pre-finalise.d'));
  await step('finalise.d', () => runHooksOf(image, 'finalise.d'));
  await step('leave chroot (image)', () => leaveBuildChroot(image, chroot));
  await step('cleanup.d', () => runHooksOf(image, 'cleanup.d'));
  const biosBoot = offline ? await step('BIOS boot request', () => takeBiosBoot(image)) : undefined;
  await step('tidy', () => tidyTree(image));
  const epoch = image.hostEnv['SOURCE_DATE_EPOCH'];
  if (epoch) await step('reproducible tree', () => normaliseTree(image.workspace.mountPath, Number(epoch)));
  const packages = await step('package list', () => recordPackages(image));
  const outputs = await step('tree outputs', () => writeTreeOutputs(image));
  if (offline) await step('assemble', () => assembleImage(image, biosBoot));
  else await step('umount', () => unmountImage(image));
  outputs.push(...(await step('disk outputs', () => writeDiskOutputs(image))));
  await step('write to NBD', () => writeToNbd(image));
  await step('release', () => releaseBlockDevice(image));
  const pushed = await step('push', () => pushOutputs(image, outputs));
  const manifest = await step('manifest', () => writeBuildManifest(image, packages, outputs));
  return { outputs, pushed, manifest };
}

export interface BuildResult {
  outputs: OutputResult[];
  /** `--push`: where the artifact went and its manifest digest. */
  pushed?: { ref: string; digest: string };
  /** `<-o>.manifest.json`. */
  manifest?: string;
  seconds: number;
}

/**
 * Runs a whole build and releases everything it acquired, whatever happens. Rejects with the
 * build's error (or INTERRUPTED on a signal) after the release.
 */
export async function buildImage(opts: BuildOptions, extra: { hostEnv?: Record<string, string | undefined>; builtinDir?: string } = {}): Promise<BuildResult> {
  const release = new ReleaseStack();
  const input: BuildInput = { opts, release, hostEnv: extra.hostEnv ?? process.env, ...(extra.builtinDir ? { builtinDir: extra.builtinDir } : {}) };
  const t0 = performance.now();
  let onInterrupt: (e: TsdibError) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onInterrupt = reject;
  });
  interrupted.catch(() => undefined);
  const removeHandlers = handleSignals((e) => onInterrupt(e));
  const build = runBuild(input);
  build.catch(() => undefined);
  let outcome: BuildOutcome;
  try {
    outcome = await Promise.race([build, interrupted]);
  } catch (e) {
    let err = e;
    // on a signal, the running step ends fast (its children are killed): its own error names the hook that ran
    if (isTsdibError(e) && e.code === 'INTERRUPTED') {
      const own = await Promise.race([build.then(() => undefined, (x: unknown) => x), new Promise((r) => setTimeout(r, 30_000))]);
      if (isTsdibError(own) && own.code === 'INTERRUPTED' && own.context.script) err = own;
    }
    if (isTsdibError(err)) for (const line of formatError(err)) log.debug(line);
    throw err;
  } finally {
    // after a signal the running step fails fast (no new command may start); wait for it, then release
    await Promise.race([build.catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
    const failures = await release.releaseAll();
    for (const f of failures) log.error(`not released: ${f.label}: ${f.message}`);
    removeHandlers();
  }
  // the caller prints the one summary (steps, outputs with sha256, next step): src/report/summary.ts
  const seconds = (performance.now() - t0) / 1000;
  return { outputs: outcome.outputs, ...(outcome.pushed ? { pushed: outcome.pushed } : {}), manifest: outcome.manifest, seconds };
}
