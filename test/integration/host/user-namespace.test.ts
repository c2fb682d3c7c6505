// Rootless builds' namespaces (src/host/userns/) as a real ordinary user: made here with useradd
// (one with a subordinate id range, one without), removed afterwards. The user runs
// test/fixtures/scripts/namespace-runner.mjs, which makes the namespace the way a rootless build
// does. Root inside, the range mapped, mounts and chowns work inside; the host sees no mount during
// or after; SIGTERM and SIGKILL of the user's process leave no process and no mount behind.
import { type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountsUnder } from '../../../src/host/mount.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { hasCommand, isRoot, skipUnless } from '../../helpers/resources.js';
import { createTestUser, processesOf, removeTestUser, runAsUser, spawnAsUser, type TestUser } from '../../helpers/test-user.js';

const RUNNER = join(REPO_ROOT, 'test/fixtures/scripts/namespace-runner.mjs');
const DIST = join(REPO_ROOT, 'dist');
const skip = skipUnless(isRoot && ['useradd', 'setpriv', 'unshare', 'newuidmap'].every(hasCommand), 'rootless namespaces as an ordinary user', 'needs root (to create the user), useradd, setpriv, unshare and newuidmap (uidmap)');

/** The runner, as `user`, in the background; resolves `ready` when its output has a line `ready`. */
function startRunner(user: TestUser, script: string, env: Record<string, string>): { child: ChildProcess; output: () => string; ready: Promise<void>; exit: Promise<number> } {
  const child = spawnAsUser(user, process.execPath, [RUNNER, DIST, 'run'], { env: { ...env, NS_SCRIPT: script } });
  let out = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  const collect = (c: Buffer) => {
    out += c.toString('utf8');
    if (/^ready$/m.test(out)) onReady();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exit = new Promise<number>((r) => child.on('exit', (code, signal) => r(code ?? (signal === 'SIGKILL' ? 137 : 128))));
  return { child, output: () => out, ready: Promise.race([ready, exit.then(() => Promise.reject(new Error(`runner ended before ready:\n${out}`)))]), exit };
}

async function gone(uid: number, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (processesOf(uid).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return processesOf(uid);
}

describe.skipIf(skip)('user namespaces for rootless builds, as an ordinary user', () => {
  let ranged: TestUser | undefined;
  let plain: TestUser | undefined;
  const dirs: string[] = [];

  beforeAll(() => {
    ranged = createTestUser({ subordinateIds: true });
    plain = createTestUser({ subordinateIds: false });
  });

  afterAll(() => {
    removeTestUser(ranged);
    removeTestUser(plain);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A directory the user owns, with an empty `m` to mount on. */
  function workDir(user: TestUser): string {
    const d = mkdtempSync('/tmp/tsdib-userns-');
    dirs.push(d);
    mkdirSync(join(d, 'm'));
    chownSync(d, user.uid, user.gid);
    chownSync(join(d, 'm'), user.uid, user.gid);
    return d;
  }

  function readiness(user: TestUser) {
    const r = runAsUser(user, process.execPath, [RUNNER, DIST, 'readiness']);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { mapping: { kind: string; uids?: { start: number; count: number } }; problems: Array<{ what: string; fix: string }>; namespaceWorks: boolean };
  }

  it('finds the subordinate range of a user who has one, with nothing missing', () => {
    const r = readiness(ranged!);
    expect(r.problems).toEqual([]);
    expect(r.mapping).toEqual({ kind: 'subordinate', uids: ranged!.subordinate, gids: ranged!.subordinate });
    expect(r.namespaceWorks).toBe(true);
  });

  it('falls back to a single-id mapping for a user without a range, and says how to get one', () => {
    const r = readiness(plain!);
    expect(r.mapping).toEqual({ kind: 'single' });
    expect(r.namespaceWorks).toBe(true);
    expect(r.problems.map((p) => p.what)).toEqual([
      `${plain!.name} has no subordinate uid range of 65536 ids in /etc/subuid`,
      `${plain!.name} has no subordinate gid range of 65536 ids in /etc/subgid`,
    ]);
    expect(r.problems[0]!.fix).toBe(`as root: tsdib doctor --setup-rootless ${plain!.name}`);
  });

  it('runs the command as root of the namespace with the range mapped; it mounts and chowns there, the host sees no mount', async () => {
    const user = ranged!;
    const w = workDir(user);
    const script = [
      'set -e',
      'echo "uid $(id -u) pid $$"',
      'tr -s " " < /proc/self/uid_map | sed "s/^ //; s/^/map /"',
      'mount -t tmpfs tsdib-test "$W/m"',
      'touch "$W/m/inside" "$W/owned"',
      'chown 100:100 "$W/owned"',
      'echo ready',
      'while [ ! -e "$W/go" ]; do sleep 0.1; done',
      'echo "listing $(ls "$W/m")"',
    ].join('\n');
    const run = startRunner(user, script, { W: w });
    await run.ready;
    expect(await mountsUnder(w)).toEqual([]);
    expect(existsSync(join(w, 'm', 'inside'))).toBe(false);
    writeFileSync(join(w, 'go'), '');
    expect(await run.exit, run.output()).toBe(0);
    expect(run.output()).toMatch(/^uid 0 pid 1$/m);
    expect(run.output()).toContain(`map 0 ${user.uid} 1`);
    expect(run.output()).toContain(`map 1 ${user.subordinate!.start} ${user.subordinate!.count}`);
    expect(run.output()).toMatch(/^listing inside$/m);
    expect(statSync(join(w, 'owned')).uid).toBe(user.subordinate!.start + 99);
    expect(await mountsUnder(w)).toEqual([]);
    expect(await gone(user.uid)).toEqual([]);

    // what the namespace left owned by a subordinate id: the user cannot delete it, the namespace's root can
    mkdirSync(join(w, 'left/deep'), { recursive: true });
    chownSync(join(w, 'left'), user.uid, user.gid);
    chownSync(join(w, 'left/deep'), user.subordinate!.start + 99, user.subordinate!.start + 99);
    writeFileSync(join(w, 'left/deep/file'), 'x');
    chownSync(join(w, 'left/deep/file'), user.subordinate!.start + 99, user.subordinate!.start + 99);
    expect(runAsUser(user, 'rm', ['-rf', join(w, 'left')]).status).not.toBe(0);
    const removed = runAsUser(user, process.execPath, [RUNNER, DIST, 'remove', join(w, 'left')]);
    expect(removed.status, `${removed.stdout}${removed.stderr}`).toBe(0);
    expect(existsSync(join(w, 'left'))).toBe(false);
  });

  it('with a single-id mapping the command is root inside, but no other id can own a file', async () => {
    const user = plain!;
    const w = workDir(user);
    const run = startRunner(user, 'echo "uid $(id -u)"; touch "$W/f"; chown 100 "$W/f" 2>/dev/null || echo chown-refused; echo ready', { W: w });
    expect(await run.exit, run.output()).toBe(0);
    expect(run.output()).toMatch(/^uid 0$/m);
    expect(run.output()).toMatch(/^chown-refused$/m);
    expect(statSync(join(w, 'f')).uid).toBe(user.uid);
  });

  it('on SIGTERM the command gets it, the runner releases and exits 143, and nothing is left running or mounted', async () => {
    const user = ranged!;
    const w = workDir(user);
    const script = 'trap "echo got-term; exit 0" TERM\nmount -t tmpfs tsdib-test "$W/m"\necho ready\nwhile :; do sleep 0.1; done';
    const run = startRunner(user, script, { W: w });
    await run.ready;
    run.child.kill('SIGTERM');
    expect(await run.exit, run.output()).toBe(143);
    expect(run.output()).toMatch(/^got-term$/m);
    expect(run.output()).not.toMatch(/NOT RELEASED/);
    expect(await gone(user.uid)).toEqual([]);
    expect(await mountsUnder(w)).toEqual([]);
  });

  it('when the runner is SIGKILLed (no release runs), the namespace dies with it', async () => {
    const user = ranged!;
    const w = workDir(user);
    const run = startRunner(user, 'mount -t tmpfs tsdib-test "$W/m"\necho ready\nwhile :; do sleep 0.1; done', { W: w });
    await run.ready;
    run.child.kill('SIGKILL');
    await run.exit;
    expect(await gone(user.uid)).toEqual([]);
    expect(await mountsUnder(w)).toEqual([]);
  });
});
