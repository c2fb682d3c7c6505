// A build that fails or is interrupted in any of the ten phases leaves nothing behind: for each
// phase, a hook that exits 1, and SIGINT and SIGTERM delivered while a hook of that phase runs.
// tsdib exits 1 / 130 / 143 naming the phase and the script, and afterwards there is no loop
// device or mount of the build, no process of the build (by root, cwd, or environment), and its
// TMPDIR is empty. Offline and fast: the fake-os element builds a root from the host's binaries,
// the fault element (test/fixtures/elements/fault) fails or sleeps where FAULT_PHASE says.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../../helpers/cli.js';
import { loopsAndMountsUnder } from '../../helpers/host-state.js';
import { offlineBuildEnv, SMALL_IMAGE } from '../../helpers/offline-build.js';
import { hasLoop, skipUnless } from '../../helpers/resources.js';

const skip = skipUnless(hasLoop, 'build faults and interrupts in every phase', 'needs root and loop devices');

const PHASES = ['root.d', 'extra-data.d', 'pre-install.d', 'install.d', 'post-install.d', 'post-root.d', 'block-device.d', 'pre-finalise.d', 'finalise.d', 'cleanup.d'] as const;
type Fault = 'exit 1' | 'SIGINT' | 'SIGTERM';
const EXPECTED_STATUS: Record<Fault, number> = { 'exit 1': 1, SIGINT: 130, SIGTERM: 143 };
const CASES = PHASES.flatMap((phase) => (['exit 1', 'SIGINT', 'SIGTERM'] as const).map((fault) => [phase, fault] as const));

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `node dist/cli/main.js -v ARGS` (-v: hook output on the screen, which the signal waits for) (no npm in between, so signals reach tsdib itself). With
 * `signal`, sends it once stderr shows `signalWhen`. Umask `umask` via a tiny sh wrapper when given.
 */
async function tsdib(args: string[], env: Record<string, string | undefined>, opts: { signal?: NodeJS.Signals; signalWhen?: string; umask?: string; closePipesWhen?: string } = {}): Promise<Run> {
  const argv = opts.umask ? ['sh', ['-c', `umask ${opts.umask} && exec "$0" "$@"`, process.execPath, CLI, '-v', ...args]] as const : [process.execPath, [CLI, '-v', ...args]] as const;
  const child = spawn(argv[0], argv[1], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let signalled = false;
  child.stdout.resume();
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
    if (opts.signal && opts.signalWhen && !signalled && stderr.includes(opts.signalWhen)) {
      signalled = true;
      child.kill(opts.signal);
    }
    if (opts.closePipesWhen && !signalled && stderr.includes(opts.closePipesWhen)) {
      signalled = true;
      child.stdout.destroy();
      child.stderr.destroy();
    }
  });
  // a safety net only (no test asserts a time): a hung build is killed so the case fails instead of hanging
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, sig) => resolve([code, sig])));
  clearTimeout(timer);
  return { status, signal, stderr };
}

/** What the build left: loop devices backed by files below `dir`, mounts below it, live processes of the build. */
function leftBehind(dir: string, token: string): { loops: string[]; mounts: string[]; processes: string[] } {
  const inside = (p: string) => p === dir || p.startsWith(`${dir}/`);
  const { loops, mounts } = loopsAndMountsUnder(dir);
  const processes: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const links = ['root', 'cwd'].map((l) => readlinkSync(`/proc/${name}/${l}`));
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1');
      if (links.some(inside) || environ.includes(`FAULT_TOKEN=${token}\0`)) {
        processes.push(`${name} ${readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()}`);
      }
    } catch {
      // gone, or a kernel thread
    }
  }
  return { loops, mounts, processes };
}

/** One case's directories: TMPDIR (the workspace's parent, must end empty), -o's directory, the image cache. */
function caseDirs(base: string, name: string): { root: string; tmp: string; out: string; cache: string } {
  const root = join(base, name.replace(/[^A-Za-z0-9.-]+/g, '_'));
  const dirs = { root, tmp: join(root, 'tmp'), out: join(root, 'out'), cache: join(root, 'cache') };
  for (const d of [dirs.tmp, dirs.out, dirs.cache]) mkdirSync(d, { recursive: true });
  return dirs;
}

describe.skipIf(skip)('faults and interrupts in every phase leave nothing behind', () => {
  let base: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tsdib-faults-'));
  });

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('a successful build writes its outputs 0644 (whatever the umask), works in a 0700 workspace and leaves nothing behind', async () => {
    const dirs = caseDirs(base, 'success');
    const token = `ok-${process.pid}`;
    const env = offlineBuildEnv(dirs, { FAULT_PHASE: 'extra-data.d', FAULT_MODE: 'probe', FAULT_TOKEN: token });
    const r = await tsdib(['-n', 'fake-os', 'fault', '-t', 'raw,tar', '--checksum', ...SMALL_IMAGE, '-o', join(dirs.out, 'img')], env, { umask: '077' });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    expect(r.stderr).toMatch(/fault: TMP_BUILD_DIR mode 700\b/);
    const outputs = readdirSync(dirs.out).sort();
    expect(outputs).toEqual(['img.manifest.json', 'img.raw', 'img.raw.md5', 'img.raw.sha256', 'img.tar', 'img.tar.md5', 'img.tar.sha256']);
    for (const f of outputs) expect(`${f} ${(statSync(join(dirs.out, f)).mode & 0o777).toString(8)}`).toBe(`${f} 644`);
    expect(leftBehind(dirs.root, token)).toEqual({ loops: [], mounts: [], processes: [] });
    expect(readdirSync(dirs.tmp)).toEqual([]);
  });

  it('stops and releases everything when its stdout and stderr are closed (tsdib … | head): exit 141, no output', async () => {
    const dirs = caseDirs(base, 'epipe');
    const token = `epipe-${process.pid}`;
    const env = offlineBuildEnv(dirs, { FAULT_PHASE: 'root.d', FAULT_MODE: 'probe', FAULT_TOKEN: token });
    const r = await tsdib(['-n', 'fake-os', 'fault', '-t', 'tar', ...SMALL_IMAGE, '-o', join(dirs.out, 'img')], env, { closePipesWhen: 'fault: TMP_BUILD_DIR mode' });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(141);
    expect(leftBehind(dirs.root, token)).toEqual({ loops: [], mounts: [], processes: [] });
    expect(readdirSync(dirs.tmp)).toEqual([]);
    expect(readdirSync(dirs.out)).toEqual([]);
    const logs = join(dirs.cache, 'logs');
    const log = readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8')).join('');
    expect(log).toContain('stdout or stderr was closed (EPIPE): stopping and releasing resources');
    expect(log).toMatch(/error INTERRUPTED: interrupted by SIGPIPE/);
  });

  it('reports a failed hook with its element, phase, script, exit code, seconds and output tail', async () => {
    const dirs = caseDirs(base, 'message');
    const r = await tsdib(['-n', 'fake-os', 'fault', '-t', 'tar', ...SMALL_IMAGE, '-o', join(dirs.out, 'img')], offlineBuildEnv(dirs, { FAULT_PHASE: 'install.d', FAULT_MODE: 'exit', FAULT_TOKEN: 'message' }));
    expect(r.status).toBe(1);
    const report = r.stderr.slice(r.stderr.indexOf('error HOOK_FAILED'));
    expect(report).toMatch(/^error HOOK_FAILED: element fault, install\.d\/50-fault \(in chroot\) exited 1 after \d+\.\d s\n/);
    expect(report).toContain('  | fault: install.d failing on purpose\n  | fault: last words from install.d\n');
    expect(report).toContain('hint: ');
    expect(report).not.toMatch(/^\s+at /m);
  });

  it.each(CASES)('%s, %s: exits with its code naming phase and script, and leaves nothing behind', async (phase, fault) => {
    const dirs = caseDirs(base, `${phase}-${fault}`);
    const token = `${phase}-${fault}-${process.pid}`.replace(/ /g, '_');
    const mode = fault === 'exit 1' ? 'exit' : 'sleep';
    const env = offlineBuildEnv(dirs, { FAULT_PHASE: phase, FAULT_MODE: mode, FAULT_TOKEN: token });
    const args = ['-n', 'fake-os', 'fault', '-t', 'tar', ...SMALL_IMAGE, '-o', join(dirs.out, 'img')];
    const r = fault === 'exit 1' ? await tsdib(args, env) : await tsdib(args, env, { signal: fault, signalWhen: `fault: ${phase} sleeping` });
    const shown = r.stderr.slice(-3000);

    expect(r.signal, shown).toBeNull();
    expect(r.status, shown).toBe(EXPECTED_STATUS[fault]);
    const code = fault === 'exit 1' ? 'HOOK_FAILED' : 'INTERRUPTED';
    const errorLine = r.stderr.split('\n').find((l) => l.startsWith('error '));
    expect(errorLine, shown).toMatch(new RegExp(`^error ${code}: .*element fault, ${phase.replace('.', '\\.')}/50-fault`));
    if (fault !== 'exit 1') expect(errorLine).toContain(`interrupted by ${fault}`);
    expect(r.stderr, shown).not.toMatch(/^\s+at /m);
    expect(r.stderr, shown).not.toContain('not released');

    expect(leftBehind(dirs.root, token)).toEqual({ loops: [], mounts: [], processes: [] });
    expect(readdirSync(dirs.tmp), 'the workspace parent must be empty').toEqual([]);
    expect(readdirSync(dirs.out), 'a failed build writes no output').toEqual([]);
  });
});
