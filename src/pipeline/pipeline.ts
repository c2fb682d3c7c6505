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
import type { BuildInput, HookedBuild, TreeBuild } from './context.js';
import { copyRootTree, createImage, fillImageFromSnapshot, releaseBlockDevice, sizeImage, tidyTree, unmountImage, writeFstab } from './image-steps.js';
import { pushOutputs, writeToNbd, type PushedArtifact } from './destination-steps.js';
import { recordPackages, writeBuildManifest } from './manifest-step.js';
import { writeDiskOutputs, writeTreeOutputs } from './output-steps.js';
import { assembleImage, createOfflineImageStep, takeBiosBoot } from './offline-steps.js';
import { checkBuildHostTools, makeWorkspace, planBuild, prepareHooks } from './prepare.js';
import { enterBuildChroot, installExtraPackages, leaveBuildChroot, runHooksOf, runRootPhase, withChrootPaused, type BuildChroot } from './tree-steps.js';
import { lookUpPhaseCache, restoreSnapshot, savePhaseCache } from './cache/phase-cache.js';
import { restoreCheckpoints, saveCheckpoint, stepRuns } from './cache/checkpoints.js';
import { TREE_STEPS, type TreeStep } from './cache/checkpoint-key.js';
import type { PhaseCacheState } from './cache/phase-cache-state.js';
import { BuildRecord, prepareResume } from './cache/build-record.js';
import { phaseCacheDir } from './cache/cache-store.js';

/** The build's step names, in order (docs/build-flow.md and `tsdib plan` use the same names). */
export const BUILD_STEPS = [
  'plan',
  'check host tools',
  'workspace',
  'hooks',
  'phase cache',
  'restore snapshot',
  'restore checkpoint',
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
 * planned → workspace → hooked → tree → sized → image. With the phase cache on, the build keeps a
 * record of the step it is at, for `--resume` (build-record.ts).
 */
export async function runBuild(input: BuildInput): Promise<BuildOutcome> {
  const progress: { record?: BuildRecord } = {};
  try {
    const outcome = await runSteps(input, progress);
    await progress.record?.finished();
    return outcome;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    await progress.record?.ended(isTsdibError(e) && e.code === 'INTERRUPTED' ? 'interrupted' : 'failed', message);
    throw e;
  }
}

async function runSteps(input: BuildInput, progress: { record?: BuildRecord }): Promise<BuildOutcome> {
  const step = <T>(name: BuildStep, fn: () => Promise<T>): Promise<T> => {
    void progress.record?.at(name);
    return withStep(name, fn);
  };
  // a bad input is reported by its error alone: the plan step's log is printed only when it passes
  const planned = await withHeldLog(() => step('plan', () => planBuild(input)), (e) => isTsdibError(e) && e.isBadInput);
  await step('check host tools', () => checkBuildHostTools(planned));
  openLogfile();
  const workspace = await step('workspace', () => makeWorkspace(planned));
  const hooked = await step('hooks', () => prepareHooks(workspace));
  // a snapshot of the finished tree under the same key (phase-cache.ts) replaces root.d … snapshot
  const lookup = await step('phase cache', async () => {
    const found = await lookUpPhaseCache(hooked);
    if (found) progress.record = await startBuildRecord(hooked, found);
    return found;
  });
  const hit = lookup?.snapshot;
  // a damaged snapshot is dropped: restoreSnapshot then returns the state without it
  const phaseCache = lookup && hit?.into === 'tree' ? await step('restore snapshot', () => restoreSnapshot(hooked, lookup, hit.entry)) : lookup;
  if (!phaseCache?.snapshot) {
    // a checkpoint of an earlier build (checkpoints.ts) replaces the tree steps up to its own
    const checkpoints = phaseCache?.checkpoints;
    const restored = checkpoints?.decision.restore;
    const resumed = checkpoints && restored ? await step('restore checkpoint', () => restoreCheckpoints(hooked, checkpoints.run, restored)) : false;
    const resumeStep = resumed ? checkpoints?.decision.restoredStep : undefined;
    const from = resumeStep ? TREE_STEPS.indexOf(resumeStep) + 1 : 0;
    const runs = (s: TreeStep) => TREE_STEPS.indexOf(s) >= from;
    if (runs('root.d')) {
      await step('root.d', () => runRootPhase(hooked));
      await keepCheckpoint(hooked, phaseCache, 'root.d');
    }
    if (from < TREE_STEPS.length) {
      // the host's resolv.conf went in when the chroot was first entered: a later checkpoint has it
      let chroot = await step('chroot', () => enterBuildChroot(hooked, { useHostResolver: from <= 1 }));
      const inChroot = async (s: TreeStep, fn: () => Promise<void>) => {
        if (!runs(s)) return;
        await step(s, fn);
        chroot = await keepCheckpointInChroot(hooked, phaseCache, s, chroot);
      };
      await inChroot('extra-data.d', () => runHooksOf(hooked, 'extra-data.d'));
      await inChroot('pre-install.d', () => runHooksOf(hooked, 'pre-install.d'));
      await inChroot('install.d', () => runHooksOf(hooked, 'install.d'));
      await inChroot('packages (-p)', () => installExtraPackages(hooked));
      await inChroot('post-install.d', () => runHooksOf(hooked, 'post-install.d'));
      await inChroot('post-root.d', () => runHooksOf(hooked, 'post-root.d'));
      await step('leave chroot', () => leaveBuildChroot(hooked, chroot));
    }
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

/** `--resume` says what it resumes (and releases what a killed build left); then this build's own record starts. */
async function startBuildRecord(build: HookedBuild, state: PhaseCacheState): Promise<BuildRecord> {
  const dir = phaseCacheDir(build.imageCache);
  if (build.opts.resume) await prepareResume(dir, state.group, state.label);
  const record = new BuildRecord(dir, { group: state.group, label: state.label, workspace: build.workspace.dir, step: 'phase cache' });
  await record.start();
  return record;
}

/** After a tree step that ran something, with the phase cache on: its checkpoint. */
async function keepCheckpoint(build: HookedBuild, phaseCache: PhaseCacheState | undefined, s: TreeStep): Promise<void> {
  const checkpoints = phaseCache?.checkpoints;
  if (checkpoints && stepRuns(build, s)) await withStep(`checkpoint ${s}`, () => saveCheckpoint(build, checkpoints.run, s));
}

/** The same in the chroot: the checkpoint is taken with the chroot's mounts released. */
async function keepCheckpointInChroot(build: HookedBuild, phaseCache: PhaseCacheState | undefined, s: TreeStep, chroot: BuildChroot): Promise<BuildChroot> {
  const checkpoints = phaseCache?.checkpoints;
  if (!checkpoints || checkpoints.run.stopped || !stepRuns(build, s)) return chroot;
  return withChrootPaused(build, chroot, () => keepCheckpoint(build, phaseCache, s));
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
