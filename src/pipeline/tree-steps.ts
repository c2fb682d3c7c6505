/**
 * The steps that build the root tree and finalise the image: each phase's hooks with the phase's
 * variables, the chroot around the chroot phases, and `-p` packages.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { blockDeviceFailed, noOperatingSystem } from '../errors.js';
import { PHASE_CONTRACT, type Phase } from '../elements/phases.js';
import type { HookedBuild, HookStage } from './context.js';
import { enterChroot, IN_TARGET_HOOKS, type ChrootSession } from './chroot.js';
import { isRootlessBuild } from '../host/userns/rootless-build.js';
import { breakPhaseName, checkBreak } from './dib-compat-break.js';
import { hooksManageAptCache } from './dib-compat-mounts.js';
import { useHostResolvConf } from './resolv-conf.js';
import { runHookScript, runPhase, type HookRunContext } from './run-hooks.js';
import { log, withStep } from '../log.js';
import { offlinePhaseVariables } from './offline-steps.js';
import { harvestAptArchives, seedAptArchives } from './cache/apt-cache.js';

function hookContext(stage: HookedBuild): HookRunContext {
  const ws = stage.workspace;
  return { root: ws.mountPath, hooksPath: ws.hooksPath, environment: stage.plan.hooks.environment, env: stage.env };
}

/** Variables of one phase beyond the build's: TARGET_ROOT for root.d and cleanup.d, the block device from pre-finalise.d on. */
export function phaseVariables(stage: HookStage, phase: Phase): Record<string, string> {
  const vars: Record<string, string> = {};
  if (PHASE_CONTRACT[phase].env.includes('TARGET_ROOT')) vars['TARGET_ROOT'] = stage.workspace.mountPath;
  if (stage.imageSize) vars['DIB_IMAGE_SIZE'] = String(stage.imageSize.bytes / 1024);
  if (stage.blockDevice) {
    const v = stage.blockDevice.values();
    vars['IMAGE_BLOCK_DEVICE'] = v.imageBlockDevice;
    vars['IMAGE_BLOCK_DEVICES'] = v.imageBlockDevices;
    vars['DIB_ROOT_LABEL'] = v.rootLabel;
    vars['DIB_ROOT_FSTYPE'] = v.rootFsType;
    vars['DIB_BOOT_LABEL'] = v.bootLabel;
    vars['DIB_MOUNTPOINTS'] = v.mountPoints.join('|');
    if (stage.opts.offlineAssembly) Object.assign(vars, offlinePhaseVariables({ ...stage, blockDevice: stage.blockDevice }, PHASE_CONTRACT[phase].inChroot));
  }
  return vars;
}

/** One phase's hooks between DIB's `break=before-<phase>` and `after-<phase>` points (see dib-compat-break.ts). */
export async function runHooksOf(stage: HookStage, phase: Phase): Promise<void> {
  const name = breakPhaseName(phase);
  const place = (point: string) => ({ point, inChroot: PHASE_CONTRACT[phase].inChroot, root: stage.workspace.mountPath, env: { ...stage.env, ...phaseVariables(stage, phase) } });
  await checkBreak(place(`before-${name}`), stage.hostEnv);
  try {
    await runPhaseHooks(stage, phase);
  } catch (e) {
    await checkBreak({ ...place('after-error'), inChroot: PHASE_CONTRACT[phase].inChroot && !stage.hostEnv['break_outside_target'] }, stage.hostEnv);
    throw e;
  }
  await checkBreak(place(`after-${name}`), stage.hostEnv);
}

async function runPhaseHooks(stage: HookStage, phase: Phase): Promise<void> {
  const hooks = stage.plan.hooks.phases[phase];
  if (phase !== 'block-device.d') return runPhase(hookContext(stage), phase, hooks, phaseVariables(stage, phase));
  // DIB's legacy interface: a block-device.d hook printing IMAGE_BLOCK_DEVICE=… replaces the whole
  // block-device layer. tsdib does not support it; say so instead of silently building something else.
  const legacy: string[] = [];
  await runPhase(hookContext(stage), phase, hooks, phaseVariables(stage, phase), (line, hook) => {
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
export async function runRootPhase(build: HookedBuild): Promise<void> {
  await runHooksOf(build, 'root.d');
  const root = build.workspace.mountPath;
  const names = (await readdir(root)).filter((n) => n !== 'lost+found' && n !== 'tmp');
  if (names.length === 0) {
    throw noOperatingSystem('root.d made no root tree: no element created files in TARGET_ROOT', {
      phase: 'root.d',
      hint: 'include an operating-system element such as debian-minimal or ubuntu',
    });
  }
}

/** An entered chroot: its session, and the apt archive cache its downloads go back to on leaving (apt-cache.ts). */
export interface BuildChroot {
  readonly session: ChrootSession;
  readonly aptCacheDir: string | undefined;
  /** The workspace directory bound on the tree's /var/cache/apt/archives, removed on leaving. */
  readonly aptWorkDir: string | undefined;
}

/** Binds /proc, /sys, /dev, the hooks and the apt cache into the tree; blocks daemons. */
export async function enterBuildChroot(build: HookedBuild, opts: { useHostResolver: boolean }): Promise<BuildChroot> {
  const ws = build.workspace;
  if (opts.useHostResolver) await useHostResolvConf(ws.mountPath);
  // one archive cache per distribution and release: the same file name can hold different builds
  const sourced = build.sourcedEnv;
  const key = `${sourced['DISTRO_NAME'] || 'unknown'}-${sourced['DIB_RELEASE'] || 'unknown'}-${build.env['ARCH']}`;
  let aptCacheDir: string | undefined;
  let aptCache: string | undefined;
  // the release stack lives as long as the build: what hooks did to the apt cache holds for both chroots
  if (build.hostEnv['DIB_APT_LOCAL_CACHE'] !== '0' && !(await hooksManageAptCache(build.release, ws.mountPath))) {
    aptCache = join(ws.dir, 'apt-archives');
    if (build.opts.noCache) {
      // --no-cache reads and fills no cache, but apt's downloads still go to a scratch directory, not
      // into the tree: an image built with --no-cache has the tree of one built with the cache
      await mkdir(join(aptCache, 'partial'), { recursive: true });
    } else {
      aptCacheDir = join(build.imageCache, 'apt-archives', key);
      await seedAptArchives(aptCacheDir, aptCache);
    }
  }
  const session = await openChroot(build, aptCache);
  return { session, aptCacheDir, aptWorkDir: aptCache };
}

function openChroot(build: HookedBuild, aptCache: string | undefined): Promise<ChrootSession> {
  const ws = build.workspace;
  return enterChroot(build.release, ws.mountPath, { hooksPath: ws.hooksPath, ...(aptCache ? { aptCache } : {}), userNamespace: isRootlessBuild(build.hostEnv) });
}

/**
 * Runs `fn` with the chroot's mounts and policy-rc.d released (the tree as it is between phases,
 * for a checkpoint), then makes them again; apt's workspace archive dir stays. Returns the chroot
 * to go on with.
 */
export async function withChrootPaused(build: HookedBuild, chroot: BuildChroot, fn: () => Promise<void>): Promise<BuildChroot> {
  await chroot.session.leave();
  await fn();
  return { ...chroot, session: await openChroot(build, chroot.aptWorkDir) };
}

export async function leaveBuildChroot(build: HookedBuild, chroot: BuildChroot): Promise<void> {
  await chroot.session.leave();
  if (!chroot.aptWorkDir) return;
  if (chroot.aptCacheDir) {
    const n = await harvestAptArchives(chroot.aptWorkDir, chroot.aptCacheDir);
    if (n > 0) log.info(`${n} downloaded package(s) kept in ${chroot.aptCacheDir}`);
  }
  await rm(chroot.aptWorkDir, { recursive: true, force: true });
}

/** `-p` packages, installed with install-packages in the chroot after install.d (DIB). */
export async function installExtraPackages(build: HookedBuild): Promise<void> {
  const packages = build.opts.packages;
  if (packages.length === 0) return;
  await withStep(`install -p packages: ${packages.join(' ')}`, async () => {
    // `install-packages` is on the chroot's PATH (/usr/local/bin, put there by install-bin)
    await runHookScript(hookContext(build), { element: '(-p)', phase: 'install.d', script: 'install-packages', inChroot: true, target: `${IN_TARGET_HOOKS}/bin/install-packages`, args: packages }, {});
  });
}
