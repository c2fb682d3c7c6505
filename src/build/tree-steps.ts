/**
 * The steps that build the root tree and finalise the image: each phase's hooks with the phase's
 * variables, the chroot around the chroot phases, and `-p` packages.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { blockDeviceFailed, noOperatingSystem } from '../errors.js';
import { PHASE_CONTRACT, type Phase } from '../elements/phases.js';
import { need, type BuildContext } from './context.js';
import { enterChroot, IN_TARGET_HOOKS } from './chroot.js';
import { breakPhaseName, checkBreak } from './dib-compat-break.js';
import { hooksManageAptCache } from './dib-compat-mounts.js';
import { useHostResolvConf } from './resolv-conf.js';
import { runHookScript, runPhase, type HookRunContext } from './run-hooks.js';
import { log, withStep } from '../log.js';
import { harvestAptArchives, seedAptArchives } from './apt-cache.js';

function hookContext(ctx: BuildContext): HookRunContext {
  const ws = need(ctx.workspace, 'workspace');
  return { root: ws.mountPath, hooksPath: ws.hooksPath, environment: need(ctx.plan, 'plan').hooks.environment, env: need(ctx.env, 'environment') };
}

/** Variables of one phase beyond the build's: TARGET_ROOT for root.d and cleanup.d, the block device from pre-finalise.d on. */
export function phaseVariables(ctx: BuildContext, phase: Phase): Record<string, string> {
  const vars: Record<string, string> = {};
  const ws = need(ctx.workspace, 'workspace');
  if (PHASE_CONTRACT[phase].env.includes('TARGET_ROOT')) vars['TARGET_ROOT'] = ws.mountPath;
  if (ctx.imageSize) vars['DIB_IMAGE_SIZE'] = String(ctx.imageSize.bytes / 1024);
  if (ctx.blockDevice) {
    const v = ctx.blockDevice.values();
    vars['IMAGE_BLOCK_DEVICE'] = v.imageBlockDevice;
    vars['IMAGE_BLOCK_DEVICES'] = v.imageBlockDevices;
    vars['DIB_ROOT_LABEL'] = v.rootLabel;
    vars['DIB_ROOT_FSTYPE'] = v.rootFsType;
    vars['DIB_BOOT_LABEL'] = v.bootLabel;
    vars['DIB_MOUNTPOINTS'] = v.mountPoints.join('|');
  }
  return vars;
}

/** One phase's hooks between DIB's `break=before-<phase>` and `after-<phase>` points (see dib-compat-break.ts). */
export async function runHooksOf(ctx: BuildContext, phase: Phase): Promise<void> {
  const name = breakPhaseName(phase);
  const place = (point: string) => ({ point, inChroot: PHASE_CONTRACT[phase].inChroot, root: need(ctx.workspace, 'workspace').mountPath, env: { ...need(ctx.env, 'environment'), ...phaseVariables(ctx, phase) } });
  await checkBreak(place(`before-${name}`), ctx.hostEnv);
  try {
    await runPhaseHooks(ctx, phase);
  } catch (e) {
    await checkBreak({ ...place('after-error'), inChroot: PHASE_CONTRACT[phase].inChroot && !ctx.hostEnv['break_outside_target'] }, ctx.hostEnv);
    throw e;
  }
  await checkBreak(place(`after-${name}`), ctx.hostEnv);
}

async function runPhaseHooks(ctx: BuildContext, phase: Phase): Promise<void> {
  const hooks = need(ctx.plan, 'plan').hooks.phases[phase];
  if (phase !== 'block-device.d') return runPhase(hookContext(ctx), phase, hooks, phaseVariables(ctx, phase));
  // DIB's legacy interface: a block-device.d hook printing IMAGE_BLOCK_DEVICE=… replaces the whole
  // block-device layer. tsdib does not support it; say so instead of silently building something else.
  const legacy: string[] = [];
  await runPhase(hookContext(ctx), phase, hooks, phaseVariables(ctx, phase), (line, hook) => {
    if (/^IMAGE_BLOCK_DEVICE=/.test(line)) legacy.push(`${hook.element}/${phase}/${hook.script}`);
  });
  if (legacy.length > 0) {
    throw blockDeviceFailed(`${legacy.join(', ')} printed IMAGE_BLOCK_DEVICE=…: legacy block-device.d hooks that make the disk themselves are not supported`, {
      phase,
      hint: 'describe the disk with a block-device config instead (DIB_BLOCK_DEVICE_CONFIG or --block-device-config)',
    });
  }
}

/** root.d, then DIB's check that it produced a tree. */
export async function runRootPhase(ctx: BuildContext): Promise<void> {
  await runHooksOf(ctx, 'root.d');
  const root = need(ctx.workspace, 'workspace').mountPath;
  const names = (await readdir(root)).filter((n) => n !== 'lost+found' && n !== 'tmp');
  if (names.length === 0) {
    throw noOperatingSystem('root.d made no root tree: no element created files in TARGET_ROOT', {
      phase: 'root.d',
      hint: 'include an operating-system element such as debian-minimal or ubuntu',
    });
  }
}

/** Binds /proc, /sys, /dev, the hooks and the apt cache into the tree; blocks daemons. */
export async function enterBuildChroot(ctx: BuildContext, opts: { useHostResolver: boolean }): Promise<void> {
  const ws = need(ctx.workspace, 'workspace');
  if (opts.useHostResolver) await useHostResolvConf(ws.mountPath);
  // one archive cache per distribution and release: the same file name can hold different builds
  const sourced = ctx.sourcedEnv ?? {};
  const key = `${sourced['DISTRO_NAME'] || 'unknown'}-${sourced['DIB_RELEASE'] || 'unknown'}-${need(ctx.env, 'environment')['ARCH']}`;
  let aptCache: string | undefined;
  if (ctx.hostEnv['DIB_APT_LOCAL_CACHE'] !== '0' && !ctx.opts.noCache && !(await hooksManageAptCache(ctx, ws.mountPath))) {
    ctx.aptCacheDir = join(need(ctx.imageCache, 'image cache'), 'apt-archives', key);
    aptCache = join(ws.dir, 'apt-archives');
    await seedAptArchives(ctx.aptCacheDir, aptCache);
  }
  ctx.chroot = await enterChroot(ctx.release, ws.mountPath, { hooksPath: ws.hooksPath, ...(aptCache ? { aptCache } : {}) });
}

export async function leaveBuildChroot(ctx: BuildContext): Promise<void> {
  await ctx.chroot?.leave();
  ctx.chroot = undefined;
  if (ctx.aptCacheDir) {
    const ws = need(ctx.workspace, 'workspace');
    const n = await harvestAptArchives(join(ws.dir, 'apt-archives'), ctx.aptCacheDir);
    if (n > 0) log.info(`${n} downloaded package(s) kept in ${ctx.aptCacheDir}`);
    await rm(join(ws.dir, 'apt-archives'), { recursive: true, force: true });
    ctx.aptCacheDir = undefined;
  }
}

/** `-p` packages, installed with install-packages in the chroot after install.d (DIB). */
export async function installExtraPackages(ctx: BuildContext): Promise<void> {
  const packages = ctx.opts.packages;
  if (packages.length === 0) return;
  await withStep(`install -p packages: ${packages.join(' ')}`, async () => {
    // `install-packages` is on the chroot's PATH (/usr/local/bin, put there by install-bin)
    await runHookScript(hookContext(ctx), { element: '(-p)', phase: 'install.d', script: 'install-packages', inChroot: true, target: `${IN_TARGET_HOOKS}/bin/install-packages`, args: packages }, {});
  });
}
