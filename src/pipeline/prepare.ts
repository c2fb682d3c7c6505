/**
 * The steps before anything is built: plan (elements, hooks, block-device config source,
 * outputs), the host-tool check, the workspace, and the merged hooks tree with the computed
 * package-installs lists.
 */
import { buildSeed } from '../reproducible/seed.js';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { loadBlockDeviceConfig } from '../blockdevice/load-config.js';
import { makePlan } from '../elements/plan.js';
import { persistReleaseStack } from '../host/state-file.js';
import { computePlanKey } from './plan-key.js';
import { log } from '../log.js';
import type { BlockDeviceGraph, BlockDeviceParams } from '../blockdevice/types.js';
import { BadInputs } from '../errors.js';
import { checkBuildInputs } from './check-inputs.js';
import { checkDebootstrapRelease, checkUnsupportedDibElements, isBuiltin } from './dib-tree-checks.js';
import { checkDistroSettings } from './distro-check.js';
import { checkElementFiles } from './element-files-check.js';
import { checkOfflineAssembly, offlineAssemblyBlockers } from './offline-check.js';
import { chooseAssembly } from '../reproducible/assembly-choice.js';
import { checkBuildUser } from './host-user.js';
import { isRootlessBuild } from '../host/userns/rootless-build.js';
import type { BuildInput, HookedBuild, PlannedBuild, SizedBuild, WorkspaceBuild } from './context.js';
import { imageCacheDir } from './cache/cache-store.js';
import { dibArch, hookEnvironment, workspaceMinTmpfsGB, workspaceNoTmpfs } from './hook-environment.js';
import { mkfsTypes } from './build-tools.js';
import { checkHostTools } from './host-check.js';
import { hookHostTools } from './hook-host-tools.js';
import { sourcedEnvironment } from './host-environment.js';
import { mergeHooksDir } from './hooks-dir.js';
import { checkCloudInitDatasources } from './cloud-init-datasources.js';
import { computePackageLists, writePackageLists } from './package-installs.js';
import { loadPkgMaps, writePkgMaps } from './pkg-map.js';
import { createWorkspace } from './workspace.js';

/**
 * The one validation pass: every input is checked before anything touches the disk (no workspace,
 * no tmpfs, no hook) — the host user, the elements and their files, the block-device config, the
 * numbers, outputs and places the build writes, the distro release and mirror. Each check's
 * problems are collected; if there is any, one error reports them all, sorted (exit 2).
 * The block-device graph is loaded here, once, for the whole build.
 */
export async function planBuild(input: BuildInput): Promise<PlannedBuild> {
  const bad = new BadInputs();
  await bad.check(() => checkBuildUser());
  const plan = await bad.check(() => makePlan({ ...input.opts, env: input.hostEnv, ...(input.builtinDir ? { builtinDir: input.builtinDir } : {}) }));
  let graph: BlockDeviceGraph | undefined;
  let offlineAssembly = input.opts.offlineAssembly;
  if (plan) {
    for (const w of plan.warnings) log.warn(w);
    log.info(`elements: ${plan.elements.map((e) => e.name).join(' ')}`);
    // DIB's own elements that cannot work here, and a release debootstrap cannot build
    await bad.check(() => checkUnsupportedDibElements(plan.elements, input.builtinDir));
    await bad.check(() => checkDebootstrapRelease(plan.elements, input.hostEnv, input.builtinDir));
    await bad.check(() => checkElementFiles(plan.elements));
    bad.sync(() => checkCloudInitDatasources(plan.elements, input.hostEnv, 'environment'));
    const params = { ...rootFsParams(input), ...explicitImageSize(input), forBuild: true };
    graph = await bad.check(() => loadBlockDeviceConfig(plan.blockDeviceConfig.text, plan.blockDeviceConfig.description, params));
    const loaded = graph;
    if (input.opts.offlineAssembly && loaded) bad.sync(() => checkOfflineAssembly(plan, loaded, params.rootFsType, { rootless: isRootlessBuild(input.hostEnv) }));
    // SOURCE_DATE_EPOCH implies offline assembly where the image allows it (reproducible/assembly-choice.ts)
    if (loaded && !input.opts.offlineAssembly) {
      const choice = chooseAssembly(input.opts, input.hostEnv, () => offlineAssemblyBlockers(plan, loaded, params.rootFsType));
      if (choice.log) log[choice.log.level](choice.log.message);
      offlineAssembly = choice.offlineAssembly;
    }
  }
  // the rest of the input (DIB_* numbers, outputs, where the build writes)
  await checkBuildInputs(input, bad);
  // the network check of the distro comes last and only for an otherwise good input: it takes seconds
  if (plan && bad.count === 0) await bad.check(() => checkDistroSettings(input, plan));
  // the plan and the graph are undefined only when their check collected a problem
  const checked = bad.valuesOrThrow({ plan, graph });
  // the plan key is of the flags as given (as `tsdib plan` computes it); SOURCE_DATE_EPOCH decides the rest
  const planKey = await computePlanKey(input.opts, checked.plan, input.hostEnv);
  log.info(`plan key: ${planKey}`);
  return { ...input, opts: { ...input.opts, offlineAssembly }, ...checked, planKey };
}

/** The block-device params of the disk both backends make: the workspace's dirs, the image size and the root filesystem settings. */
export function diskParams(sized: SizedBuild): BlockDeviceParams {
  const { workspace: ws, imageSize: size } = sized;
  const fs = rootFsParams(sized);
  return { imageDir: ws.imageDir, imageSize: size.bytes, mountBase: ws.mountPath, buildDir: ws.dir, rootFsType: fs.rootFsType, rootLabel: fs.rootLabel, rootFsOpts: size.rootFsOpts, ...reproducibleParams(sized) };
}

/** The seed and SOURCE_DATE_EPOCH (already checked in the plan step), when the build has them. */
export function reproducibleParams(ctx: BuildInput): Pick<BlockDeviceParams, 'seed' | 'sourceDateEpoch'> {
  const seed = buildSeed(ctx.opts.seed, ctx.hostEnv);
  const epoch = ctx.hostEnv['SOURCE_DATE_EPOCH'];
  return { ...(seed !== undefined ? { seed } : {}), ...(epoch ? { sourceDateEpoch: Number(epoch) } : {}) };
}

/** The root filesystem settings DIB passes as block-device params (FS_TYPE, ROOT_LABEL), with where each came from. */
export function rootFsParams(ctx: BuildInput): Pick<BlockDeviceParams, 'rootFsType' | 'rootLabel' | 'rootParamOrigins'> {
  const fsType = ctx.hostEnv['FS_TYPE'] || undefined;
  const envLabel = ctx.hostEnv['ROOT_LABEL'] || undefined;
  const label = ctx.opts.rootLabel ?? envLabel;
  return {
    rootFsType: fsType ?? 'ext4',
    rootLabel: label,
    rootParamOrigins: {
      ...(fsType ? { type: { name: 'FS_TYPE', value: fsType, kind: 'env' as const } } : {}),
      ...(ctx.opts.rootLabel !== undefined
        ? { label: { name: '--root-label', value: ctx.opts.rootLabel, kind: 'flag' as const } }
        : envLabel
          ? { label: { name: 'ROOT_LABEL', value: envLabel, kind: 'env' as const } }
          : {}),
    },
  };
}

/** The image size in bytes when --image-size or DIB_IMAGE_SIZE gives it (partitions are checked against it). */
function explicitImageSize(ctx: BuildInput): { imageSize?: number } {
  const env = ctx.hostEnv['DIB_IMAGE_SIZE'];
  const gb = ctx.opts.imageSizeGB ?? (env && /^\s*(\d+\.?\d*|\.\d+)\s*$/.test(env) && Number(env) > 0 ? Number(env) : undefined);
  return gb === undefined ? {} : { imageSize: Math.ceil((gb * 1024 * 1024) / 64) * 64 * 1024 };
}

/** Filesystem types the block-device config makes. */
export function filesystemTypes(planned: PlannedBuild): string[] {
  return mkfsTypes(planned.graph, rootFsParams(planned).rootFsType);
}

export async function checkBuildHostTools(planned: PlannedBuild): Promise<void> {
  const { plan } = planned;
  const builtin = await isBuiltin(planned.builtinDir);
  await checkHostTools({
    elements: plan.elements.map((e) => e.name),
    dibElements: plan.elements.filter((e) => !builtin(e)).map((e) => e.name),
    types: planned.opts.types,
    fsTypes: filesystemTypes(planned),
    extra: await hookHostTools(plan.hooks),
  });
}

export async function makeWorkspace(planned: PlannedBuild): Promise<WorkspaceBuild> {
  const { opts, hostEnv, release } = planned;
  const noTmpfs = workspaceNoTmpfs(opts, hostEnv);
  const workspace = await createWorkspace(release, { noTmpfs, minTmpfsGB: workspaceMinTmpfsGB(opts, hostEnv), parent: hostEnv['TMP_DIR'] || undefined });
  persistReleaseStack(release, workspace.dir, workspace.dir);
  const imageCache = imageCacheDir(opts.imageCache, hostEnv);
  await mkdir(imageCache, { recursive: true });
  const env = hookEnvironment({ opts, plan: planned.plan, hostEnv, workspace, imageCache, argv: process.argv.slice(2) });
  return { ...planned, workspace, imageCache, env };
}

/** Merges the elements into TMP_HOOKS_PATH and writes the package-installs lists. */
export async function prepareHooks(build: WorkspaceBuild): Promise<HookedBuild> {
  const { plan, workspace: ws } = build;
  await mergeHooksDir(plan.elements, ws.hooksPath);
  const envFiles = plan.hooks.environment.map((f) => join(ws.hooksPath, 'environment.d', f.file));
  const sourced = await sourcedEnvironment(envFiles, build.env);
  checkCloudInitDatasources(plan.elements, sourced, 'environment.d');
  const pkgMaps = await loadPkgMaps(plan.elements, sourced);
  const lists = await computePackageLists(plan.elements, dibArch(build.opts.arch), sourced, pkgMaps);
  await writePackageLists(lists, ws.hooksPath);
  await writePkgMaps(pkgMaps, ws.hooksPath);
  for (const [kind, byPhase] of Object.entries(lists)) {
    for (const [phase, pkgs] of Object.entries(byPhase as Record<string, string[]>)) {
      if (pkgs.length > 0) log.info(`package-installs ${phase} ${kind}: ${pkgs.join(' ')}`);
    }
  }
  return { ...build, sourcedEnv: sourced };
}
