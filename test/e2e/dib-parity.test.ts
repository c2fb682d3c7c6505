// DIB's own elements, unmodified, give DIB's image: with diskimage-builder's element tree as
// ELEMENTS_PATH, `tsdib debian-minimal -t tar` and `disk-image-create -t tar debian-minimal` are
// run here, at the same time, with the same settings (bookworm, test/helpers/dib-build.ts), and
// their tarballs must hold the same file tree (path, type, mode, numeric owner, size, link target,
// device, xattrs; tree-compare.ts's VOLATILE rules only) and the same dpkg package/version list.
// DIB's debian-minimal (debootstrap) makes the base: tsdib's own base cache is not involved.
// Needs root, python3-diskimage-builder, sudo, debootstrap and the Debian archive; 5–15 min.
// Set TSDIB_PARITY_KEEP=1 to keep the tarballs and logs (their folder is printed).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { dibBuildEnv, dibUnavailableReason, runDibTarBuild, type DibBuildResult } from '../helpers/dib-build.js';
import { skipUnless } from '../helpers/resources.js';
import { diffLists, diffTarFiles, dpkgList, readTarMember } from '../helpers/tree-compare.js';
import { leftBehind, tail, type BuildRun } from './helpers/build.js';

const DIB_ELEMENTS = '/usr/lib/python3/dist-packages/diskimage_builder/elements';

const TIMEOUT_MS = 45 * 60_000;

function unavailable(): string | undefined {
  if (!existsSync(DIB_ELEMENTS)) return `${DIB_ELEMENTS} missing (Debian: apt-get install python3-diskimage-builder)`;
  return dibUnavailableReason();
}

const why = unavailable();
const skip = skipUnless(why === undefined, 'e2e DIB parity (debian-minimal from DIB\'s own elements)', why ?? '');

/** `tsdib ARGS…` with exactly the environment the DIB run gets (caller's DIB_* dropped) plus ELEMENTS_PATH. */
async function runTsdib(args: string[], logFile: string): Promise<BuildRun> {
  // the phase cache off: the tree must come from DIB's debootstrap now, as DIB's does (not from a snapshot)
  const env = dibBuildEnv(process.env, { ELEMENTS_PATH: DIB_ELEMENTS, TSDIB_PHASE_CACHE: '0' }, false);
  const out = createWriteStream(logFile);
  const t0 = performance.now();
  let output = '';
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (c: Buffer) => {
    output += c.toString('utf8');
    out.write(c);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
  const status = await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  clearTimeout(timer);
  await new Promise<void>((r) => out.end(r));
  const workspace = /workspace (\/\S+) \(/.exec(output)?.[1];
  return { status, output, seconds: (performance.now() - t0) / 1000, workspace, leaked: leftBehind(workspace) };
}

describe.skipIf(skip)('DIB parity: debian-minimal from DIB\'s own elements', () => {
  let dir: string;
  let ts: BuildRun;
  let dib: DibBuildResult | Error;

  beforeAll(async () => {
    dir = mkdtempSync('/var/tmp/tsdib-dib-parity-');
    process.stdout.write(`DIB parity: building with disk-image-create and tsdib in ${dir}\n`);
    // both at once: each is mostly network and single-threaded dpkg/initramfs work
    [dib, ts] = await Promise.all([
      runDibTarBuild(join(dir, 'dib'), {}, { timeoutMs: TIMEOUT_MS }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
      runTsdib(['debian-minimal', '-t', 'tar', '-o', join(dir, 'tsdib')], join(dir, 'tsdib.log')),
    ]);
    const dibSeconds = dib instanceof Error ? 'failed' : `${dib.seconds.toFixed(0)} s`;
    process.stdout.write(`DIB parity: disk-image-create ${dibSeconds}, tsdib ${ts.seconds.toFixed(0)} s (exit ${ts.status})\n`);
  }, TIMEOUT_MS + 5 * 60_000);

  afterAll(() => {
    if (!dir) return;
    if (process.env['TSDIB_PARITY_KEEP']) process.stdout.write(`DIB parity: kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  });

  const tsTar = () => join(dir, 'tsdib.tar');
  const dibTar = () => {
    if (dib instanceof Error) throw dib;
    return dib.tar;
  };

  it('both builds succeed', () => {
    if (dib instanceof Error) throw dib;
    expect(ts.status, tail(ts.output)).toBe(0);
    expect(existsSync(tsTar())).toBe(true);
  });

  it('tsdib\'s file tree equals DIB\'s (path, type, mode, numeric owner, size, links, xattrs)', async () => {
    const diff = await diffTarFiles(dibTar(), tsTar());
    expect(diff, `${diff.length} differences (A = DIB, B = tsdib):\n${diff.slice(0, 80).join('\n')}`).toEqual([]);
  });

  it('tsdib\'s dpkg package/version list equals DIB\'s', async () => {
    const [a, b] = await Promise.all([dpkgList(dibTar()), dpkgList(tsTar())]);
    expect(b.length).toBeGreaterThan(100);
    expect(diffLists(a, b), '- only in DIB, + only in tsdib').toEqual([]);
  });

  it('the hooks saw DIB\'s manifests interface: /etc/dib-manifests and <-o>.d/dib-manifests', async () => {
    const args = await readTarMember(tsTar(), '/etc/dib-manifests/dib_arguments');
    expect(args?.toString('utf8')).toContain('debian-minimal');
    const env = (await readTarMember(tsTar(), '/etc/dib-manifests/dib_environment'))?.toString('utf8') ?? '';
    expect(env).toMatch(/DIB_RELEASE="bookworm"/);
    expect(existsSync(join(dir, 'tsdib.d', 'dib-manifests', 'dib-manifest-dpkg-tsdib'))).toBe(true);
    expect(readFileSync(join(dir, 'tsdib.d', 'dib-manifests', 'dib-manifest-dpkg-tsdib'), 'utf8')).toContain('"package": "base-files"');
  });

  it('tsdib left no loop device, mount or workspace behind', () => {
    expect(ts.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });
});
