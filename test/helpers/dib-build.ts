// Runs the reference builder, OpenStack diskimage-builder (`disk-image-create`), to make a tarball
// the parity tests compare tsdib's output with. Needs root (DIB calls sudo even as root, so the
// `sudo` package must be installed), network access to the Debian archive, and DIB on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The environment of the parity build: Debian bookworm. DIB 3.13's debian-minimal composes the
 * security source line as `deb $MIRROR ${DIB_RELEASE}${SUBPATH} main`; its defaults
 * (`http://security.debian.org/` + `/updates`) are wrong since bullseye, so both are set.
 */
export const BOOKWORM_ENV: Readonly<Record<string, string>> = {
  DIB_RELEASE: 'bookworm',
  DIB_DEBIAN_SECURITY_MIRROR: 'http://security.debian.org/debian-security',
  DIB_DEBIAN_SECURITY_SUBPATH: '-security',
};

export interface DibBuildOptions {
  /** elements to build (default ['debian-minimal']; DIB adds `base` itself) */
  elements?: string[];
  /** more disk-image-create arguments, e.g. ['-x'] */
  extraArgs?: string[];
  /** full build log (default `${outPrefix}.log`) */
  logFile?: string;
  /** kill the build after this many ms (default 30 min) */
  timeoutMs?: number;
  /**
   * Keep DIB_*, ELEMENTS_PATH and IMAGE_* variables of the calling process (default false: they are
   * dropped, so a developer's shell cannot change the reference image).
   */
  inheritDibEnv?: boolean;
}

export interface DibBuildResult {
  /** `${outPrefix}.tar` */
  tar: string;
  /** wall time of the disk-image-create run */
  seconds: number;
  log: string;
}

function commandExists(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Why a DIB reference build cannot run here, or undefined when it can. */
export function dibUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!commandExists('disk-image-create')) return 'disk-image-create not installed (Debian: python3-diskimage-builder)';
  if (!commandExists('sudo')) return 'sudo not installed (DIB calls sudo even as root)';
  if (!commandExists('debootstrap')) return 'debootstrap not installed';
  return undefined;
}

/** Variables of the caller that would change DIB's image; dropped unless inheritDibEnv. */
const BUILD_SHAPING = /^(DIB_|ELEMENTS_PATH$|IMAGE_|TMP_MOUNT_PATH$|TARGET_ROOT$|TMP_HOOKS_PATH$|ARCH$|break$)/;

/** The environment of the DIB run: caller's env (minus build-shaping vars), BOOKWORM_ENV, `env`. */
export function dibBuildEnv(
  callerEnv: Record<string, string | undefined>,
  env: Record<string, string | undefined>,
  inheritDibEnv: boolean,
): Record<string, string | undefined> {
  const base: Record<string, string | undefined> = { ...callerEnv };
  if (!inheritDibEnv) for (const k of Object.keys(base)) if (BUILD_SHAPING.test(k)) delete base[k];
  const out: Record<string, string | undefined> = { ...base, ...BOOKWORM_ENV, ...env };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** disk-image-create's argv for a tar build. */
export function dibBuildArgs(outPrefix: string, opts: Pick<DibBuildOptions, 'elements' | 'extraArgs'> = {}): string[] {
  return ['-t', 'tar', '-o', outPrefix, ...(opts.extraArgs ?? []), ...(opts.elements ?? ['debian-minimal'])];
}

/**
 * `disk-image-create -t tar -o OUT_PREFIX debian-minimal` with BOOKWORM_ENV plus `env`.
 * Resolves with the tarball path and the wall time; rejects with the log's last lines on failure.
 * An `env` value of undefined removes that variable.
 */
export async function runDibTarBuild(
  outPrefix: string,
  env: Record<string, string | undefined> = {},
  opts: DibBuildOptions = {},
): Promise<DibBuildResult> {
  const why = dibUnavailableReason();
  if (why) throw new Error(`cannot run disk-image-create: ${why}`);
  const log = opts.logFile ?? `${outPrefix}.log`;
  await mkdir(dirname(outPrefix), { recursive: true });
  await mkdir(dirname(log), { recursive: true });

  const fullEnv = dibBuildEnv(process.env, env, opts.inheritDibEnv ?? false);
  const args = dibBuildArgs(outPrefix, opts);

  const out = createWriteStream(log);
  const started = process.hrtime.bigint();
  const code = await new Promise<number | string>((resolve, reject) => {
    const child = spawn('disk-image-create', args, { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 30 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (c, sig) => {
      clearTimeout(timer);
      resolve(c ?? `signal ${sig}`);
    });
  });
  await new Promise<void>((r) => out.end(r));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const tar = `${outPrefix}.tar`;
  if (code !== 0 || !existsSync(tar)) {
    const tail = readFileSync(log, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`disk-image-create ${args.join(' ')} failed (exit ${code}) after ${seconds.toFixed(0)} s; log ${log}:\n${tail}`);
  }
  return { tar, seconds, log };
}
