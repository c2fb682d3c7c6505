/**
 * One build, as DIB runs it (docs/build-flow.md lists the same steps for users). `runBuild` is the
 * recipe: a list of verbs over one BuildContext. `buildImage` wraps it: release stack, signal
 * handling, and the release of every resource — on success, on error and on SIGINT/SIGTERM.
 */
import { formatError, isTsdibError, type TsdibError } from '../errors.js';
import type { BuildOptions } from './options.js';
import { ReleaseStack } from '../host/release-stack.js';
import { handleSignals } from '../host/signals.js';
import { log, openLogfile, withHeldLog, withStep } from '../log.js';
import type { OutputResult } from '../output/write-outputs.js';
import type { BuildContext } from './context.js';
import { copyRootTree, createImage, releaseBlockDevice, sizeImage, tidyTree, unmountImage, writeFstab } from './image-steps.js';
import { pushOutputs, writeToNbd } from './destination-steps.js';
import { recordPackages, writeBuildManifest } from './manifest-step.js';
import { writeDiskOutputs, writeTreeOutputs } from './output-steps.js';
import { checkBuildHostTools, makeWorkspace, planBuild, prepareHooks } from './prepare.js';
import { enterBuildChroot, installExtraPackages, leaveBuildChroot, runHooksOf, runRootPhase } from './tree-steps.js';
import { restorePhaseCache, savePhaseCache, treeNeedsBuilding } from './phase-cache.js';

/** The build's step names, in order (docs/build-flow.md and `tsdib plan` use the same names). */
export const BUILD_STEPS = [
  'plan',
  'check host tools',
  'workspace',
  'hooks',
  'phase cache',
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
  'copy tree',
  'fstab',
  'chroot (image)',
  'pre-finalise.d',
  'finalise.d',
  'leave chroot (image)',
  'cleanup.d',
  'tidy',
  'package list',
  'tree outputs',
  'umount',
  'disk outputs',
  'write to NBD',
  'release',
  'push',
  'manifest',
] as const;
export type BuildStep = (typeof BUILD_STEPS)[number];

const step = (name: BuildStep, fn: () => Promise<void>) => withStep(name, fn);

export async function runBuild(ctx: BuildContext): Promise<void> {
  // a bad input is reported by its error alone: the plan step's log is printed only when it passes
  await withHeldLog(() => step('plan', () => planBuild(ctx)), (e) => isTsdibError(e) && e.isBadInput);
  await step('check host tools', () => checkBuildHostTools(ctx));
  openLogfile();
  await step('workspace', () => makeWorkspace(ctx));
  await step('hooks', () => prepareHooks(ctx));
  // a snapshot of the finished tree under the same key (phase-cache.ts) replaces root.d … leave chroot
  await step('phase cache', () => restorePhaseCache(ctx));
  if (treeNeedsBuilding(ctx)) {
    await step('root.d', () => runRootPhase(ctx));
    await step('chroot', () => enterBuildChroot(ctx, { useHostResolver: true }));
    await step('extra-data.d', () => runHooksOf(ctx, 'extra-data.d'));
    await step('pre-install.d', () => runHooksOf(ctx, 'pre-install.d'));
    await step('install.d', () => runHooksOf(ctx, 'install.d'));
    await step('packages (-p)', () => installExtraPackages(ctx));
    await step('post-install.d', () => runHooksOf(ctx, 'post-install.d'));
    await step('post-root.d', () => runHooksOf(ctx, 'post-root.d'));
    await step('leave chroot', () => leaveBuildChroot(ctx));
    await step('snapshot', () => savePhaseCache(ctx));
  }
  await step('image size', () => sizeImage(ctx));
  await step('block-device.d', () => runHooksOf(ctx, 'block-device.d'));
  await step('block device', () => createImage(ctx));
  await step('copy tree', () => copyRootTree(ctx));
  await step('fstab', () => writeFstab(ctx));
  await step('chroot (image)', () => enterBuildChroot(ctx, { useHostResolver: false }));
  await step('pre-finalise.d', () => runHooksOf(ctx, 'pre-finalise.d'));
  await step('finalise.d', () => runHooksOf(ctx, 'finalise.d'));
  await step('leave chroot (image)', () => leaveBuildChroot(ctx));
  await step('cleanup.d', () => runHooksOf(ctx, 'cleanup.d'));
  await step('tidy', () => tidyTree(ctx));
  await step('package list', () => recordPackages(ctx));
  await step('tree outputs', () => writeTreeOutputs(ctx));
  await step('umount', () => unmountImage(ctx));
  await step('disk outputs', () => writeDiskOutputs(ctx));
  await step('write to NBD', () => writeToNbd(ctx));
  await step('release', () => releaseBlockDevice(ctx));
  await step('push', () => pushOutputs(ctx));
  await step('manifest', () => writeBuildManifest(ctx));
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
  const ctx: BuildContext = { opts, release, hostEnv: extra.hostEnv ?? process.env, outputs: [], ...(extra.builtinDir ? { builtinDir: extra.builtinDir } : {}) };
  const t0 = performance.now();
  let onInterrupt: (e: TsdibError) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onInterrupt = reject;
  });
  interrupted.catch(() => undefined);
  const removeHandlers = handleSignals((e) => onInterrupt(e));
  const build = runBuild(ctx);
  build.catch(() => undefined);
  try {
    await Promise.race([build, interrupted]);
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
  return { outputs: ctx.outputs, ...(ctx.pushed ? { pushed: ctx.pushed } : {}), ...(ctx.manifest ? { manifest: ctx.manifest } : {}), seconds };
}
