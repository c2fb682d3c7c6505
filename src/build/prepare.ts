/**
 * The steps before anything is built: plan (elements, hooks, block-device config source,
 * outputs), the host-tool check, the workspace, and the merged hooks tree with the computed
 * package-installs lists.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { loadBlockDeviceConfig } from '../blockdevice/load-config.js';
import { makePlan } from '../elements/plan.js';
import { persistReleaseStack } from '../host/state-file.js';
import { computePlanKey } from './plan-key.js';
import { log } from '../log.js';
import type { BlockDeviceParams } from '../blockdevice/types.js';
import { BadInputs } from '../errors.js';
import { checkBuildInputs } from './check-inputs.js';
import { checkDebootstrapRelease, checkUnsupportedDibElements, isBuiltin } from './dib-tree-checks.js';
import { checkDistroSettings } from './distro-check.js';
import { checkElementFiles } from './element-files-check.js';
import { checkRunsAsRoot } from './host-user.js';
import { need, type BuildContext } from './context.js';
import { imageCacheDir } from './cache-store.js';
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
 */
export async function planBuild(ctx: BuildContext): Promise<void> {
  const bad = new BadInputs();
  bad.sync(() => checkRunsAsRoot());
  const plan = await bad.check(() => makePlan({ ...ctx.opts, env: ctx.hostEnv, ...(ctx.builtinDir ? { builtinDir: ctx.builtinDir } : {}) }));
  if (plan) {
    ctx.plan = plan;
    for (const w of plan.warnings) log.warn(w);
    log.info(`elements: ${plan.elements.map((e) => e.name).join(' ')}`);
    // DIB's own elements that cannot work here, and a release debootstrap cannot build
    await bad.check(() => checkUnsupportedDibElements(plan.elements, ctx.builtinDir));
    await bad.check(() => checkDebootstrapRelease(plan.elements, ctx.hostEnv, ctx.builtinDir));
    await bad.check(() => checkElementFiles(plan.elements));
    bad.sync(() => checkCloudInitDatasources(plan.elements, ctx.hostEnv, 'environment'));
    ctx.blockDeviceConfig = { text: plan.blockDeviceConfig.text, source: plan.blockDeviceConfig.description };
    const params = { ...rootFsParams(ctx), ...explicitImageSize(ctx), forBuild: true };
    ctx.graph = await bad.check(() => loadBlockDeviceConfig(need(ctx.blockDeviceConfig, 'config').text, need(ctx.blockDeviceConfig, 'config').source, params));
  }
  // the rest of the input (DIB_* numbers, outputs, where the build writes)
  await checkBuildInputs(ctx, bad);
  // the network check of the distro comes last and only for an otherwise good input: it takes seconds
  if (plan && bad.count === 0) await bad.check(() => checkDistroSettings(ctx, plan));
  bad.throwIfAny();
  ctx.planKey = await computePlanKey(ctx.opts, need(ctx.plan, 'plan'), ctx.hostEnv);
  log.info(`plan key: ${ctx.planKey}`);
}

/** The root filesystem settings DIB passes as block-device params (FS_TYPE, ROOT_LABEL), with where each came from. */
export function rootFsParams(ctx: BuildContext): Pick<BlockDeviceParams, 'rootFsType' | 'rootLabel' | 'rootParamOrigins'> {
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
function explicitImageSize(ctx: BuildContext): { imageSize?: number } {
  const env = ctx.hostEnv['DIB_IMAGE_SIZE'];
  const gb = ctx.opts.imageSizeGB ?? (env && /^\s*(\d+\.?\d*|\.\d+)\s*$/.test(env) && Number(env) > 0 ? Number(env) : undefined);
  return gb === undefined ? {} : { imageSize: Math.ceil((gb * 1024 * 1024) / 64) * 64 * 1024 };
}

/** Filesystem types the block-device config makes. */
export function filesystemTypes(ctx: BuildContext): string[] {
  return mkfsTypes(need(ctx.graph, 'block-device graph'), rootFsParams(ctx).rootFsType);
}

export async function checkBuildHostTools(ctx: BuildContext): Promise<void> {
  const plan = need(ctx.plan, 'plan');
  const builtin = await isBuiltin(ctx.builtinDir);
  await checkHostTools({
    elements: plan.elements.map((e) => e.name),
    dibElements: plan.elements.filter((e) => !builtin(e)).map((e) => e.name),
    types: ctx.opts.types,
    fsTypes: filesystemTypes(ctx),
    extra: await hookHostTools(plan.hooks),
  });
}

export async function makeWorkspace(ctx: BuildContext): Promise<void> {
  const noTmpfs = workspaceNoTmpfs(ctx.opts, ctx.hostEnv);
  const ws = await createWorkspace(ctx.release, { noTmpfs, minTmpfsGB: workspaceMinTmpfsGB(ctx.opts, ctx.hostEnv), parent: ctx.hostEnv['TMP_DIR'] || undefined });
  persistReleaseStack(ctx.release, ws.dir, ws.dir);
  ctx.workspace = ws;
  const cache = imageCacheDir(ctx.opts.imageCache, ctx.hostEnv);
  await mkdir(cache, { recursive: true });
  ctx.imageCache = cache;
  const plan = need(ctx.plan, 'plan');
  ctx.env = hookEnvironment({ opts: ctx.opts, plan, hostEnv: ctx.hostEnv, workspace: ws, imageCache: cache, argv: process.argv.slice(2) });
}

/** Merges the elements into TMP_HOOKS_PATH and writes the package-installs lists. */
export async function prepareHooks(ctx: BuildContext): Promise<void> {
  const plan = need(ctx.plan, 'plan');
  const ws = need(ctx.workspace, 'workspace');
  await mergeHooksDir(plan.elements, ws.hooksPath);
  const envFiles = plan.hooks.environment.map((f) => join(ws.hooksPath, 'environment.d', f.file));
  const sourced = await sourcedEnvironment(envFiles, need(ctx.env, 'environment'));
  ctx.sourcedEnv = sourced;
  checkCloudInitDatasources(plan.elements, sourced, 'environment.d');
  const pkgMaps = await loadPkgMaps(plan.elements, sourced);
  const lists = await computePackageLists(plan.elements, dibArch(ctx.opts.arch), sourced, pkgMaps);
  await writePackageLists(lists, ws.hooksPath);
  await writePkgMaps(pkgMaps, ws.hooksPath);
  for (const [kind, byPhase] of Object.entries(lists)) {
    for (const [phase, pkgs] of Object.entries(byPhase as Record<string, string[]>)) {
      if (pkgs.length > 0) log.info(`package-installs ${phase} ${kind}: ${pkgs.join(' ')}`);
    }
  }
}
