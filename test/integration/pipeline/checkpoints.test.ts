// Per-phase checkpoints end to end, offline: fake-os builds a tiny root; the `steps` element (a temp
// copy the tests edit) has install.d, post-install.d, post-root.d and finalise.d hooks that each say
// they ran. Every build carries SOURCE_DATE_EPOCH, so a tree rebuilt from checkpoints and one built
// from nothing give the same tar, byte for byte. Timing is not asserted anywhere.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../../helpers/cli.js';
import { FIXTURE_ELEMENTS, offlineBuildEnv, SMALL_IMAGE } from '../../helpers/offline-build.js';
import { hasLoop, skipUnless } from '../../helpers/resources.js';

const skip = skipUnless(hasLoop, 'checkpoint builds', 'needs root and loop devices');

const script = (body: string) => `#!/bin/bash\nset -eu -o pipefail\n${body}\n`;

interface Run {
  status: number;
  log: string;
}

describe.skipIf(skip)('per-phase checkpoints', () => {
  let base: string;
  let elements: string;
  let cache: string;
  let out: string;
  let tmp: string;
  let pauseFlag: string;
  let pausedPid: string;

  const env = (extra: Record<string, string | undefined> = {}) => offlineBuildEnv({ tmp, cache, elements }, { SOURCE_DATE_EPOCH: '1700000000', ...extra });
  const BUILD = ['-v', '-n', 'fake-os', 'steps', '-t', 'tar', ...SMALL_IMAGE];
  const tsdib = (args: string[], extra: Record<string, string | undefined> = {}): Run => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: env(extra), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
    return { status: r.status ?? -1, log: `${r.stdout}${r.stderr}` };
  };
  const build = (name: string, flags: string[] = [], extra: Record<string, string | undefined> = {}) => tsdib([...BUILD, ...flags, '-o', join(out, name)], extra);
  const edit = (rel: string, text: string) => {
    mkdirSync(join(elements, 'steps', rel, '..'), { recursive: true });
    writeFileSync(join(elements, 'steps', rel), text);
    chmodSync(join(elements, 'steps', rel), 0o755);
  };
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const member = (tar: string, path: string) => spawnSync('tar', ['-xOf', tar, path], { encoding: 'utf8' }).stdout;
  const members = (tar: string) => spawnSync('tar', ['-tf', tar], { encoding: 'utf8' }).stdout.split('\n');
  const mountsBelow = (dir: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(dir));

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tsdib-checkpoints-'));
    elements = join(base, 'elements');
    cache = join(base, 'cache');
    out = join(base, 'out');
    tmp = join(base, 'tmp');
    pauseFlag = join(base, 'pause-post-root');
    pausedPid = join(base, 'paused-pid');
    for (const d of [elements, cache, out, tmp]) mkdirSync(d, { recursive: true });
    cpSync(join(FIXTURE_ELEMENTS, 'fake-os'), join(elements, 'fake-os'), { recursive: true });
  });

  /** Starts a build that pauses in post-root.d, SIGKILLs it there; returns the workspace it left behind (a tmpfs with the chroot's mounts). */
  const killInPostRoot = async (name: string): Promise<string> => {
    const before = new Set(readdirSync(tmp));
    writeFileSync(pauseFlag, '');
    const child = spawn(process.execPath, [CLI, ...BUILD, '-o', join(out, name)], { cwd: REPO_ROOT, env: env(), stdio: 'ignore' });
    const deadline = Date.now() + 240_000;
    while (!existsSync(pausedPid) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 250));
    expect(existsSync(pausedPid), 'the build reached post-root.d').toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    spawnSync('kill', ['-9', readFileSync(pausedPid, 'utf8').trim()]);
    rmSync(pausedPid);
    rmSync(pauseFlag);
    const left = readdirSync(tmp).filter((n) => n.startsWith('tsdib_build.') && !before.has(n));
    expect(left.length).toBe(1);
    return left[0]!;
  };

  afterAll(() => {
    if (existsSync(pausedPid)) spawnSync('kill', ['-9', readFileSync(pausedPid, 'utf8').trim()]);
    if (!base) return;
    // a killed build whose resume failed leaves a workspace with /dev, /proc and /sys bound in: released
    // first (tsdib cleanup), never removed through
    for (const ws of existsSync(tmp) ? readdirSync(tmp).filter((n) => n.startsWith('tsdib_build.')) : []) spawnSync(process.execPath, [CLI, 'cleanup', join(tmp, ws)], { cwd: REPO_ROOT, env: env(), stdio: 'ignore' });
    if (mountsBelow(base).length > 0) throw new Error(`mounts left below ${base}; not removed:\n${mountsBelow(base).join('\n')}`);
    rmSync(base, { recursive: true, force: true });
  });

  it('a first build saves a checkpoint after each step that runs hooks', () => {
    rmSync(join(elements, 'steps'), { recursive: true, force: true });
    edit('element-deps', 'fake-os\n');
    writeFileSync(join(elements, 'steps', 'README.md'), '# steps\n\nTest element of the checkpoints test.\n');
    edit('install.d/50-install', script('echo "install v1" > /etc/steps-install\necho doomed > /etc/steps-doomed\necho "steps: install.d ran"'));
    edit('post-install.d/50-post-install', script('echo "post-install v1" > /etc/steps-post-install\nrm /etc/steps-doomed\necho "steps: post-install.d ran"'));
    // outside the chroot; pauses (for the SIGKILL test) only while the flag file exists
    edit('post-root.d/50-post-root', script(`echo "post-root" > "$TMP_MOUNT_PATH/etc/steps-post-root"\necho "steps: post-root.d ran"\nif [ -e ${pauseFlag} ]; then echo $$ > ${pausedPid}; exec sleep 120; fi`));
    edit('finalise.d/50-final', script('echo "final v1" > /etc/steps-final'));
    const r = build('first');
    expect(r.status, r.log).toBe(0);
    for (const s of ['install.d', 'post-install.d', 'post-root.d']) {
      expect(r.log).toContain(`steps: ${s} ran`);
      expect(r.log).toMatch(new RegExp(`checkpoint ${s.replace('.', '\\.')}: saved`));
    }
    expect(r.log).toMatch(/checkpoint root\.d: saved/);
    expect(r.log).toMatch(/phase cache: saved \w+ .*on 4 checkpoint\(s\)/);
    expect(members(join(out, 'first.tar'))).not.toContain('./etc/steps-doomed');
  });

  it('plan, after editing post-install.d: root.d and install.d reused, post-install.d runs, naming the file', () => {
    edit('post-install.d/50-post-install', script('echo "post-install v2" > /etc/steps-post-install\nrm /etc/steps-doomed\necho "steps: post-install.d ran"'));
    const r = tsdib(['plan', ...BUILD, '-o', join(out, 'plan')]);
    expect(r.status, r.log).toBe(0);
    expect(r.log).toMatch(/root\.d\s+reused from checkpoint/);
    expect(r.log).toMatch(/install\.d\s+reused from checkpoint/);
    expect(r.log).toMatch(/post-install\.d\s+runs: element steps: post-install\.d\/50-post-install changed/);
    expect(r.log).toMatch(/post-root\.d\s+runs/);
  });

  it('the rebuild runs only post-install.d onwards, and its image equals a full rebuild\'s byte for byte', () => {
    const r = build('edited');
    expect(r.status, r.log).toBe(0);
    expect(r.log).toMatch(/checkpoints: reusing the install\.d checkpoint \w+ .*root\.d … install\.d skipped/);
    expect(r.log).not.toContain('steps: install.d ran');
    expect(r.log).toContain('steps: post-install.d ran');
    expect(r.log).toContain('steps: post-root.d ran');
    expect(member(join(out, 'edited.tar'), './etc/steps-post-install')).toBe('post-install v2\n');
    const full = build('full', [], { TSDIB_PHASE_CACHE: '0' });
    expect(full.status, full.log).toBe(0);
    expect(full.log).toContain('steps: install.d ran');
    expect(sha(join(out, 'edited.tar'))).toBe(sha(join(out, 'full.tar')));
  });

  it('a build failing in finalise.d, fixed and rerun with --resume, skips every tree step', () => {
    edit('finalise.d/50-final', script('echo "final broken"; exit 3'));
    const failed = build('resume');
    expect(failed.status).not.toBe(0);
    edit('finalise.d/50-final', script('echo "final v2" > /etc/steps-final'));
    const r = build('resume', ['--resume']);
    expect(r.status, r.log).toBe(0);
    expect(r.log).toMatch(/--resume: the build of .* failed at finalise\.d/);
    expect(r.log).toMatch(/phase cache: reusing/);
    for (const s of ['install.d', 'post-install.d', 'post-root.d']) expect(r.log).not.toContain(`steps: ${s} ran`);
    expect(member(join(out, 'resume.tar'), './etc/steps-final')).toBe('final v2\n');
    expect(members(join(out, 'resume.tar'))).not.toContain('./etc/steps-doomed');
  });

  it('a build SIGKILLed in post-root.d resumes from the post-install.d checkpoint and releases what the killed one left', async () => {
    edit('install.d/50-install', script('echo "install v3" > /etc/steps-install\necho doomed > /etc/steps-doomed\necho "steps: install.d ran"'));
    const left = await killInPostRoot('killed');
    const r = build('killed', ['--resume']);
    expect(r.status, r.log).toBe(0);
    expect(r.log).toMatch(/--resume: the build of .* was killed at post-root\.d/);
    expect(r.log).toMatch(/--resume: released /);
    expect(r.log).toMatch(/checkpoints: reusing the post-install\.d checkpoint/);
    expect(r.log).not.toContain('steps: install.d ran');
    expect(r.log).not.toContain('steps: post-install.d ran');
    expect(r.log).toContain('steps: post-root.d ran');
    expect(member(join(out, 'killed.tar'), './etc/steps-install')).toBe('install v3\n');
    expect(existsSync(join(tmp, left))).toBe(false);
    expect(mountsBelow(base)).toEqual([]);
  });

  it('a build of the same elements that succeeds in between neither hides nor removes the killed build\'s record', async () => {
    edit('install.d/50-install', script('echo "install v5" > /etc/steps-install\necho doomed > /etc/steps-doomed\necho "steps: install.d ran"'));
    const left = await killInPostRoot('killed-again');
    const between = build('between');
    expect(between.status, between.log).toBe(0);
    const r = build('killed-again', ['--resume']);
    expect(r.status, r.log).toBe(0);
    expect(r.log).toMatch(/--resume: the build of .* was killed at post-root\.d/);
    expect(r.log).toMatch(/--resume: released /);
    expect(existsSync(join(tmp, left))).toBe(false);
    expect(mountsBelow(base)).toEqual([]);
    // the resumed build took the killed one's record over; its own went when it succeeded
    expect(readdirSync(join(cache, 'phase-cache', 'builds'))).toEqual([]);
  });

  it('a damaged checkpoint is removed and the tree built instead', () => {
    const dir = join(cache, 'phase-cache', 'checkpoints');
    const manifests = readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as { step: string; archive: string; created: string });
    const newest = manifests.filter((m) => m.step === 'install.d').sort((a, b) => b.created.localeCompare(a.created))[0]!;
    writeFileSync(join(dir, newest.archive), 'not an archive');
    edit('post-install.d/50-post-install', script('echo "post-install v4" > /etc/steps-post-install\nrm /etc/steps-doomed\necho "steps: post-install.d ran"'));
    const r = build('damaged');
    expect(r.status, r.log).toBe(0);
    expect(r.log).toMatch(/checkpoints: the install\.d checkpoint \w+ could not be restored .*building the tree/);
    expect(r.log).toContain('steps: install.d ran');
    expect(member(join(out, 'damaged.tar'), './etc/steps-post-install')).toBe('post-install v4\n');
  });

  it('a snapshot whose layers hold more than the image has room for, deleted by a later step, goes into the image', () => {
    // extra-data.d (on the host) writes 150 MiB that post-install.d deletes: the finished tree fits
    // the 100 MB image, the extra-data.d layer alone does not; a second build unpacks the layers
    // straight into the image
    const bulky = join(elements, 'bulky');
    mkdirSync(join(bulky, 'extra-data.d'), { recursive: true });
    mkdirSync(join(bulky, 'post-install.d'), { recursive: true });
    writeFileSync(join(bulky, 'element-deps'), 'fake-os\n');
    writeFileSync(join(bulky, 'README.md'), '# bulky\n\nTest element of the checkpoints test.\n');
    writeFileSync(join(bulky, 'extra-data.d', '50-bulk'), script('mkdir -p "$TMP_MOUNT_PATH/var/scratch"\nhead -c 150M /dev/urandom > "$TMP_MOUNT_PATH/var/scratch/bulk"'));
    writeFileSync(join(bulky, 'post-install.d', '50-tidy'), script('rm -r /var/scratch'));
    for (const f of ['extra-data.d/50-bulk', 'post-install.d/50-tidy']) chmodSync(join(bulky, f), 0o755);
    // without SOURCE_DATE_EPOCH: a reproducible build assembles the image from the tree instead
    const bulkyBuild = (name: string, extra: Record<string, string> = {}): Run => tsdib(['-v', '-n', 'fake-os', 'bulky', '-t', 'tar', ...SMALL_IMAGE, '-o', join(out, name)], { SOURCE_DATE_EPOCH: undefined, ...extra });
    const first = bulkyBuild('bulky-first');
    expect(first.status, first.log).toBe(0);
    const again = bulkyBuild('bulky-again');
    expect(again.status, again.log).toBe(0);
    expect(again.log).toContain('restore snapshot (image)');
    const names = (tar: string) => members(tar).sort();
    expect(names(join(out, 'bulky-again.tar')).filter((m) => m.startsWith('./var/scratch'))).toEqual([]);
    expect(names(join(out, 'bulky-again.tar'))).toEqual(names(join(out, 'bulky-first.tar')));

    // over TSDIB_PHASE_CACHE_MAX_GIB (100 KiB here): after saving its snapshot, the build removes
    // every other snapshot and checkpoint, least recently used first, and keeps its own chain
    writeFileSync(join(bulky, 'post-install.d', '50-tidy'), script('rm -r /var/scratch\necho tidied > /etc/bulky'));
    const phaseDir = join(cache, 'phase-cache');
    const before = readdirSync(phaseDir).filter((n) => n.endsWith('.json')).length;
    expect(before).toBeGreaterThan(1);
    const budget = bulkyBuild('bulky-budget', { TSDIB_PHASE_CACHE_MAX_GIB: String(100 / 1024 ** 2) });
    expect(budget.status, budget.log).toBe(0);
    expect(budget.log).toMatch(/over TSDIB_PHASE_CACHE_MAX_GIB=.*: removed \d+ snapshot\(s\) and \d+ checkpoint\(s\)/);
    const snapshots = readdirSync(phaseDir).filter((n) => n.endsWith('.json'));
    expect(snapshots).toHaveLength(1);
    const kept = JSON.parse(readFileSync(join(phaseDir, snapshots[0]!), 'utf8')) as { label: string; layers: string[] };
    expect(kept.label).toContain('bulky');
    const checkpointManifests = readdirSync(join(phaseDir, 'checkpoints')).filter((n) => n.endsWith('.json')).map((n) => n.replace(/\.json$/, ''));
    expect(checkpointManifests.sort()).toEqual([...kept.layers].sort());
  });

  it('--resume with --no-cache is refused before anything is made (exit 2)', () => {
    const r = build('refused', ['--resume', '--no-cache']);
    expect(r.status).toBe(2);
    expect(r.log).toMatch(/--resume: cannot be used with --no-cache/);
    expect(existsSync(join(out, 'refused.tar'))).toBe(false);
  });

  it('tsdib cache list shows the checkpoints, and prune --all removes them', () => {
    const list = spawnSync(process.execPath, [CLI, 'cache', 'list'], { cwd: REPO_ROOT, env: env(), encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/checkpoint\s+post-install\.d/);
    const prune = spawnSync(process.execPath, [CLI, 'cache', 'prune', '--all'], { cwd: REPO_ROOT, env: env(), encoding: 'utf8' });
    expect(prune.status, prune.stderr).toBe(0);
    expect(readdirSync(join(cache, 'phase-cache'))).toEqual([]);
  });
});
