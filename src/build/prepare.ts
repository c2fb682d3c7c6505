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
import { log } from '../log.js';
import { checkBuildInputs } from './check-inputs.js';
import { need, type BuildContext } from './context.js';
import { imageCacheDir } from './cache-store.js';
import { dibArch, hookEnvironment, workspaceMinTmpfsGB, workspaceNoTmpfs } from './hook-environment.js';
import { checkHostTools } from './host-check.js';
import { sourcedEnvironment } from './host-environment.js';
import { mergeHooksDir } from './hooks-dir.js';
import { computePackageLists, writePackageLists } from './package-installs.js';
import { createWorkspace } from './workspace.js';

export async function planBuild(ctx: BuildContext): Promise<void> {
  const plan = await makePlan({ ...ctx.opts, env: ctx.hostEnv, ...(ctx.builtinDir ? { builtinDir: ctx.builtinDir } : {}) });
  ctx.plan = plan;
  for (const w of plan.warnings) log.warn(w);
  log.info(`elements: ${plan.elements.map((e) => e.name).join(' ')}`);
  ctx.blockDeviceConfig = { text: plan.blockDeviceConfig.text, source: plan.blockDeviceConfig.description };
  // validate the block-device config now: a bad config must fail before anything is built
  ctx.graph = await loadBlockDeviceConfig(ctx.blockDeviceConfig.text, ctx.blockDeviceConfig.source, rootFsParams(ctx));
  // and the rest of the input (DIB_* numbers, outputs, where the build writes): all before the workspace
  await checkBuildInputs(ctx);
}

/** The root filesystem settings DIB passes as block-device params (FS_TYPE, ROOT_LABEL). */
export function rootFsParams(ctx: BuildContext): { rootFsType: string; rootLabel: string | undefined } {
  return { rootFsType: ctx.hostEnv['FS_TYPE'] || 'ext4', rootLabel: ctx.opts.rootLabel ?? (ctx.hostEnv['ROOT_LABEL'] || undefined) };
}

/** Filesystem types the block-device config makes. */
export function filesystemTypes(ctx: BuildContext): string[] {
  const graph = need(ctx.graph, 'block-device graph');
  const types = graph.nodes.filter((n) => n.plugin === 'mkfs').map((n) => String(n.config['type'] ?? rootFsParams(ctx).rootFsType));
  return [...new Set(types)];
}

export async function checkBuildHostTools(ctx: BuildContext): Promise<void> {
  const plan = need(ctx.plan, 'plan');
  await checkHostTools({ elements: plan.elements.map((e) => e.name), types: ctx.opts.types, fsTypes: filesystemTypes(ctx) });
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
  const lists = await computePackageLists(plan.elements, dibArch(ctx.opts.arch), sourced);
  await writePackageLists(lists, ws.hooksPath);
  for (const [kind, byPhase] of Object.entries(lists)) {
    for (const [phase, pkgs] of Object.entries(byPhase as Record<string, string[]>)) {
      if (pkgs.length > 0) log.info(`package-installs ${phase} ${kind}: ${pkgs.join(' ')}`);
    }
  }
}
