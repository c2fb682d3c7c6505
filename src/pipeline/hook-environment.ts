/**
 * The variables every hook sees, from the build's options, its plan, the caller's environment, the
 * workspace and the image cache. The build's `workspace` step uses it (prepare.ts), and so does
 * `tsdib plan` to compute the phase-cache key the build would compute (cache-plan.ts).
 */
import type { BuildOptions } from './options.js';
import type { Plan } from '../elements/plan.js';
import { dibCompatVariables } from './dib-compat-env.js';
import { dibDebianSecurityDefaults } from './dib-debian-security.js';
import { buildEnvironment } from './environment.js';
import type { Workspace } from './workspace.js';

const DEBIAN_ARCH: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', ppc64le: 'ppc64el' };

/** DIB's ARCH: Debian's name for the architecture. */
export function dibArch(arch: string): string {
  return DEBIAN_ARCH[arch] ?? arch;
}

export interface HookEnvironmentInput {
  opts: BuildOptions;
  plan: Plan;
  hostEnv: Readonly<Record<string, string | undefined>>;
  workspace: Pick<Workspace, 'dir' | 'mountPath' | 'hooksPath' | 'imageDir'>;
  imageCache: string;
  /** The command line, for DIB_ARGS / DIB_ENV (not part of the phase-cache key). */
  argv: readonly string[];
}

export function hookEnvironment(input: HookEnvironmentInput): Record<string, string> {
  const { opts, plan, hostEnv } = input;
  const env = buildEnvironment({
    clearEnv: opts.clearEnv,
    arch: dibArch(opts.arch),
    imageName: opts.imageName,
    types: opts.types,
    elements: plan.elements,
    searchPath: plan.searchPath,
    workspace: input.workspace,
    imageCache: input.imageCache,
    debugTrace: opts.debugTrace,
    offline: opts.offline || Boolean(hostEnv['DIB_OFFLINE']),
    installType: opts.installType,
    noTmpfs: workspaceNoTmpfs(opts, hostEnv),
    minTmpfsGB: workspaceMinTmpfsGB(opts, hostEnv),
    hostEnv,
  });
  Object.assign(env, dibCompatVariables({ hostEnv, argv: [...input.argv], searchPath: plan.searchPath, elements: plan.elements }));
  // from what hooks see (with -c the caller's variables are not there)
  Object.assign(env, dibDebianSecurityDefaults(plan.elements, plan.searchPath[plan.searchPath.length - 1] ?? '', env));
  if (opts.noCache) env['DIB_ROOTFS_NO_CACHE'] = '1';
  if (hostEnv['FS_TYPE']) env['FS_TYPE'] = hostEnv['FS_TYPE'];
  return env;
}

/** --no-tmpfs or DIB_NO_TMPFS=1. */
export function workspaceNoTmpfs(opts: Pick<BuildOptions, 'noTmpfs'>, hostEnv: Readonly<Record<string, string | undefined>>): boolean {
  return opts.noTmpfs || hostEnv['DIB_NO_TMPFS'] === '1';
}

/** --min-tmpfs, else DIB_MIN_TMPFS, else 2 (GiB). */
export function workspaceMinTmpfsGB(opts: Pick<BuildOptions, 'minTmpfsGB'>, hostEnv: Readonly<Record<string, string | undefined>>): number {
  return opts.minTmpfsGB ?? Number(hostEnv['DIB_MIN_TMPFS'] ?? 2);
}
