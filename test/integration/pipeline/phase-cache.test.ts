// The phase cache end to end, offline: the fake-os element builds a tiny root from the host's
// binaries; the `stamp` element (a temp copy, edited by the tests) writes files in install.d,
// post-root.d and finalise.d. A rebuild after editing only finalise.d restores the snapshot (the
// log says so and install.d does not run) and the output shows the edit; a change of an element
// file, of an environment variable or of a flag is never served from the cache. Timing is not
// asserted anywhere.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../../helpers/cli.js';
import { FIXTURE_ELEMENTS, offlineBuildEnv, SMALL_IMAGE } from '../../helpers/offline-build.js';
import { hasCommand, hasLoop, skipUnless } from '../../helpers/resources.js';

const skip = skipUnless(hasLoop && hasCommand('setfacl') && hasCommand('getfattr'), 'phase cache builds', 'needs root, loop devices, setfacl and getfattr');

const script = (body: string) => `#!/bin/bash\nset -eu -o pipefail\n${body}\n`;

/** install.d and finalise.d write a stamp each; post-root.d (outside the chroot) makes owners, modes, an ACL, an xattr, a hard link and a fifo. */
const STAMP_FILES: Record<string, string> = {
  'element-deps': 'fake-os\n',
  'install.d/50-stamp-install': script('echo "install v1" > /etc/stamp-install\necho "stamp: install.d ran"'),
  'post-root.d/50-stamp-special': script(
    [
      'd="$TMP_MOUNT_PATH/srv/special"; mkdir -p "$d"',
      'echo owned > "$d/owned"; chown 1234:5678 "$d/owned"; chmod 4750 "$d/owned"',
      'echo acl > "$d/acl"; setfacl -m u:4321:rw "$d/acl"',
      'echo xattr > "$d/xattr"; setfattr -n user.tsdib -v hello "$d/xattr"',
      'echo linked > "$d/link-a"; ln "$d/link-a" "$d/link-b"',
      'mkfifo "$d/fifo"',
    ].join('\n'),
  ),
  'finalise.d/50-stamp-final': script('echo "final v1" > /etc/stamp-final'),
};

interface Run {
  status: number;
  log: string;
}

describe.skipIf(skip)('phase cache', () => {
  let base: string;
  let elements: string;
  let cache: string;
  let out: string;
  let tmp: string;

  const env = (extra: Record<string, string> = {}) => offlineBuildEnv({ tmp, cache, elements }, extra);

  const tsdib = (args: string[], extra: Record<string, string> = {}): Run => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: env(extra), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
    return { status: r.status ?? -1, log: `${r.stdout}${r.stderr}` };
  };
  // -v: hook output ("stamp: install.d ran") is on the terminal, not only in the log file
  const BUILD = ['-v', '-n', 'fake-os', 'stamp', '-t', 'tar', ...SMALL_IMAGE];
  const build = (name: string, extra: Record<string, string> = {}, flags: string[] = []) => tsdib([...BUILD, ...flags, '-o', join(out, name)], extra);
  const plan = (extra: Record<string, string> = {}, flags: string[] = []) => tsdib(['plan', ...BUILD, ...flags, '-o', join(out, 'plan')], extra);
  const member = (tar: string, path: string) => spawnSync('tar', ['-xOf', tar, path], { encoding: 'utf8' }).stdout;
  const edit = (rel: string, text: string) => {
    mkdirSync(join(elements, 'stamp', rel, '..'), { recursive: true });
    writeFileSync(join(elements, 'stamp', rel), text);
    chmodSync(join(elements, 'stamp', rel), 0o755);
  };
  const entries = () => readdirSync(join(cache, 'phase-cache')).filter((n) => n.endsWith('.json')).length;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tsdib-phase-cache-'));
    elements = join(base, 'elements');
    cache = join(base, 'cache');
    out = join(base, 'out');
    tmp = join(base, 'tmp');
    for (const d of [elements, cache, out, tmp]) mkdirSync(d, { recursive: true });
    cpSync(join(FIXTURE_ELEMENTS, 'fake-os'), join(elements, 'fake-os'), { recursive: true });
    for (const [rel, text] of Object.entries(STAMP_FILES)) {
      mkdirSync(join(elements, 'stamp', rel, '..'), { recursive: true });
      writeFileSync(join(elements, 'stamp', rel), text, { mode: 0o755 });
    }
    writeFileSync(join(elements, 'stamp', 'README.md'), '# stamp\n\nTest element of the phase-cache test.\n');
  });

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  // the cases build on each other, in order
  it('a first build runs every phase and saves a snapshot', () => {
    const r = build('first');
    expect(r.status, r.log.slice(-3000)).toBe(0);
    expect(r.log).toMatch(/phase cache: miss for [0-9a-f]+.*the cache is empty/);
    expect(r.log).toContain('stamp: install.d ran');
    expect(r.log).toMatch(/phase cache: saved [0-9a-f]+/);
    expect(entries()).toBe(1);
    expect(member(join(out, 'first.tar'), './etc/stamp-final')).toBe('final v1\n');
  });

  it('plan says the snapshot will be reused', () => {
    const r = plan();
    expect(r.status, r.log).toBe(0);
    expect(r.log).toContain('Phase cache: root.d … post-root.d will be reused from a snapshot');
  });

  it('after editing a finalise.d script, the rebuild restores the snapshot and the image has the edit', () => {
    edit('finalise.d/50-stamp-final', script('echo "final v2" > /etc/stamp-final'));
    expect(plan().log).toContain('will be reused from a snapshot');
    const r = build('second');
    expect(r.status, r.log.slice(-3000)).toBe(0);
    expect(r.log).toMatch(/phase cache: reusing [0-9a-f]+/);
    expect(r.log).not.toContain('stamp: install.d ran');
    expect(r.log).not.toMatch(/▶ install\.d/);
    const tar = join(out, 'second.tar');
    expect(member(tar, './etc/stamp-final')).toBe('final v2\n');
    expect(member(tar, './etc/stamp-install')).toBe('install v1\n');
  });

  it('the restored tree keeps owners, modes, ACLs, xattrs, hard links and fifos as the first build had them', () => {
    const listing = (name: string) =>
      spawnSync('tar', ['--numeric-owner', '-tvf', join(out, name)], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((l) => l.includes('./srv/special/'))
        .map((l) => l.replace(/\d{4}-\d\d-\d\d \d\d:\d\d/, 'DATE'))
        .sort();
    const first = listing('first.tar');
    expect(first.some((l) => /^-rwsr-x--- 1234\/5678 .*\.\/srv\/special\/owned$/.test(l))).toBe(true);
    expect(first.some((l) => /^p.*\.\/srv\/special\/fifo$/.test(l))).toBe(true);
    expect(first.some((l) => /^h.*\.\/srv\/special\/link-b link to \.\/srv\/special\/link-a$/.test(l))).toBe(true);
    expect(listing('second.tar')).toEqual(first);

    const x = join(base, 'unpacked');
    mkdirSync(x);
    const untar = spawnSync('tar', ['-C', x, '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '-xpf', join(out, 'second.tar'), './srv/special'], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    expect(spawnSync('getfacl', ['-cn', join(x, 'srv/special/acl')], { encoding: 'utf8' }).stdout).toMatch(/^user:4321:rw-$/m);
    expect(spawnSync('getfattr', ['--only-values', '-n', 'user.tsdib', join(x, 'srv/special/xattr')], { encoding: 'utf8' }).stdout).toBe('hello');
  });

  it('with a block-device.d hook, the restored tree is in place when it runs, and what it writes reaches the image', () => {
    edit('block-device.d/50-stamp-bd', script('cp "$TMP_MOUNT_PATH/etc/stamp-install" "$TMP_MOUNT_PATH/etc/stamp-bd"'));
    try {
      const r = build('block-device-hook');
      expect(r.status, r.log.slice(-3000)).toBe(0);
      expect(r.log).toMatch(/phase cache: reusing [0-9a-f]+/);
      expect(member(join(out, 'block-device-hook.tar'), './etc/stamp-bd')).toBe('install v1\n');
    } finally {
      rmSync(join(elements, 'stamp', 'block-device.d'), { recursive: true, force: true });
    }
  });

  it('an edited install.d script is never served from the cache: plan and build name the file', () => {
    edit('install.d/50-stamp-install', script('echo "install v2" > /etc/stamp-install\necho "stamp: install.d ran"'));
    const p = plan();
    expect(p.log).toContain('root.d … post-root.d will run');
    expect(p.log).toContain('why not: element stamp: install.d/50-stamp-install changed');
    const r = build('third');
    expect(r.status, r.log.slice(-3000)).toBe(0);
    expect(r.log).toContain('element stamp: install.d/50-stamp-install changed');
    expect(r.log).toContain('stamp: install.d ran');
    expect(member(join(out, 'third.tar'), './etc/stamp-install')).toBe('install v2\n');
  });

  it('a changed environment variable is never served from the cache', () => {
    const r = build('fourth', { DIB_STAMP_FLAVOUR: 'blue' });
    expect(r.status, r.log.slice(-3000)).toBe(0);
    expect(r.log).toContain('environment DIB_STAMP_FLAVOUR set');
    expect(r.log).toContain('stamp: install.d ran');
  });

  it('a changed flag is never served from the cache', () => {
    const r = build('fifth', {}, ['--install-type', 'package']);
    expect(r.status, r.log.slice(-3000)).toBe(0);
    expect(r.log).toContain('environment DIB_DEFAULT_INSTALLTYPE changed');
    expect(r.log).toContain('stamp: install.d ran');
  });

  it('--no-cache neither reads nor writes the phase cache', () => {
    const before = readdirSync(join(cache, 'phase-cache')).sort();
    const r = build('sixth', {}, ['--no-cache']);
    expect(r.status, r.log.slice(-3000)).toBe(0);
    expect(r.log).toContain('phase cache: off (--no-cache)');
    expect(r.log).toContain('stamp: install.d ran');
    expect(readdirSync(join(cache, 'phase-cache')).sort()).toEqual(before);
  });

  it('tsdib cache list shows the entries and prune --keep 1 leaves one of the element set', () => {
    const list = tsdib(['cache', 'list']);
    expect(list.status, list.log).toBe(0);
    expect(list.log).toContain('-n fake-os stamp');
    expect(entries()).toBeGreaterThan(1);
    const prune = tsdib(['cache', 'prune', '--keep', '1']);
    expect(prune.status, prune.log).toBe(0);
    expect(prune.log).toMatch(/^removed \d+ item\(s\)/m);
    expect(entries()).toBe(1);
  });
});
