/**
 * The distro settings a base-tree build reads, checked up front: the release (DIB_RELEASE) must
 * exist on the mirror (DIB_DISTRIBUTION_MIRROR), and the mirror must answer — one HEAD request
 * for `<mirror>/dists/<release>/Release`, within seconds, instead of a failed mmdebstrap with
 * dozens of lines of apt output that never name the variable. The values are those the hooks
 * will see: the host's, else the defaults of the elements' environment.d files. Skipped with
 * --offline, for a mirror that is not http(s), and when a proxy is configured (apt would use it;
 * this request would not).
 */
import { envInvalid } from '../errors.js';
import { runResult } from '../host/exec.js';
import { log } from '../log.js';
import type { Plan } from '../elements/plan.js';
import type { BuildInput } from './context.js';
import { dibArch } from './hook-environment.js';

/** The element that builds the base tree from DIB_RELEASE and DIB_DISTRIBUTION_MIRROR. */
const BASE_TREE_ELEMENT = 'debian-rootfs';
const ANSWER_WITHIN_MS = 10_000;

/** DIB_RELEASE and DIB_DISTRIBUTION_MIRROR after the elements' environment.d files are sourced. */
async function distroSettings(ctx: BuildInput, plan: Plan): Promise<{ release: string; mirror: string } | undefined> {
  const script = 'for f in "$@"; do source "$f" >/dev/null; done; printf "%s\\0%s\\0" "${DIB_RELEASE-}" "${DIB_DISTRIBUTION_MIRROR-}"';
  const env: Record<string, string | undefined> = { ...ctx.hostEnv, ARCH: dibArch(plan.arch), DIB_OFFLINE: ctx.opts.offline ? '1' : (ctx.hostEnv['DIB_OFFLINE'] ?? '') };
  const r = await runResult('bash', ['-c', script, 'tsdib-distro', ...plan.hooks.environment.map((f) => f.path)], { env, extendEnv: false, okExitCodes: [0, 1, 2], timeoutMs: 30_000, step: 'distro settings' });
  if (r.exitCode !== 0) return undefined;
  const [release = '', mirror = ''] = r.stdout.split('\0');
  return release && mirror ? { release, mirror: mirror.replace(/\/+$/, '') } : undefined;
}

function proxyConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'].some((v) => env[v]);
}

export async function checkDistroSettings(ctx: BuildInput, plan: Plan): Promise<void> {
  if (ctx.opts.offline || !plan.elements.some((e) => e.name === BASE_TREE_ELEMENT) || proxyConfigured(ctx.hostEnv)) return;
  const settings = await distroSettings(ctx, plan);
  if (!settings || !/^https?:\/\//.test(settings.mirror)) return;
  const { release, mirror } = settings;
  const url = `${mirror}/dists/${encodeURIComponent(release)}/Release`;
  const releaseFrom = ctx.hostEnv['DIB_RELEASE'] ? 'DIB_RELEASE' : 'DIB_RELEASE (the distro element\'s default)';
  const mirrorFrom = ctx.hostEnv['DIB_DISTRIBUTION_MIRROR'] ? 'DIB_DISTRIBUTION_MIRROR' : 'DIB_DISTRIBUTION_MIRROR (the distro element\'s default)';
  let status: number;
  try {
    status = (await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(ANSWER_WITHIN_MS) })).status;
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${ANSWER_WITHIN_MS / 1000} s` : (cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)));
    throw envInvalid({
      variable: mirrorFrom,
      value: mirror,
      problem: `does not answer: ${url}: ${why}`,
      hint: 'check the network, or set DIB_DISTRIBUTION_MIRROR to a mirror that answers; --offline builds from the cache alone',
    });
  }
  log.debug(`distro check: ${url} answered ${status}`);
  if (status === 404) {
    throw envInvalid({
      variable: releaseFrom,
      value: release,
      problem: `the mirror ${mirror} has no such release (${url} answered 404)`,
      hint: 'set DIB_RELEASE to a release the mirror has, e.g. bookworm for Debian or noble for Ubuntu',
    });
  }
  if (status >= 400) throw envInvalid({ variable: mirrorFrom, value: mirror, problem: `${url} answered HTTP ${status}`, hint: 'set DIB_DISTRIBUTION_MIRROR to a working mirror' });
}
