// Runs debian-rootfs's root.d hook itself, with a stand-in mmdebstrap on PATH that records its
// arguments and writes a small tarball (or, with --format=directory, the tree itself): the
// pinned-keyring check, the cached tarball and the sources.list it writes, in a caller's environment
// without a usable HOME (a fleet worker's, a service's), where gpg must not need ~/.gnupg; with
// --no-cache, the tree made in place.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli.js';

const HOOK = join(REPO_ROOT, 'elements/debian-rootfs/root.d/08-debian-rootfs');
const UBUNTU_KEYRING = join(REPO_ROOT, 'elements/ubuntu-minimal/keys/ubuntu-archive-2018.gpg');
const UBUNTU_FINGERPRINT = 'F6ECB3762474EDA9D21B7022871920D1991BC93C';

const FAKE_MMDEBSTRAP = `#!/bin/bash
set -eu
printf '%s\\n' "$*" >> "$FAKE_LOG"
# mmdebstrap [OPTION...] SUITE TARGET [MIRROR...]
format=tar positional=()
for a; do case $a in --format=*) format=\${a#--format=} ;; --*) ;; *) positional+=("$a") ;; esac; done
out=\${positional[1]}
if [ "$format" = directory ]; then
  mkdir -p "$out/etc/apt"
  echo base > "$out/etc/hostname"
  exit 0
fi
d=$(mktemp -d)
mkdir -p "$d/etc/apt"
echo base > "$d/etc/hostname"
tar -C "$d" -cf "$out" .
rm -rf "$d"
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdib-rootfs-hook-'));
  for (const d of ['bin', 'root', 'cache', 'build']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'bin', 'mmdebstrap'), FAKE_MMDEBSTRAP, { mode: 0o755 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runHook(env: Record<string, string> = {}) {
  const base = {
    PATH: `${join(dir, 'bin')}:${process.env['PATH']}`,
    HOME: '/nonexistent',
    FAKE_LOG: join(dir, 'mmdebstrap.log'),
    TARGET_ROOT: join(dir, 'root'),
    TMP_BUILD_DIR: join(dir, 'build'),
    DIB_IMAGE_CACHE: join(dir, 'cache'),
    DISTRO_NAME: 'ubuntu',
    DIB_RELEASE: 'noble',
    ARCH: 'amd64',
    DIB_DISTRIBUTION_MIRROR: 'http://mirror.invalid/ubuntu',
    DIB_ROOTFS_TOOL: 'mmdebstrap',
    DIB_APT_KEYRING: UBUNTU_KEYRING,
    DIB_APT_KEYRING_FINGERPRINT: UBUNTU_FINGERPRINT,
  };
  return spawnSync(HOOK, [], { env: { ...base, ...env }, encoding: 'utf8' });
}

const mmdebstrapCalls = () => (existsSync(join(dir, 'mmdebstrap.log')) ? readFileSync(join(dir, 'mmdebstrap.log'), 'utf8').trim().split('\n') : []);

describe('debian-rootfs root.d with HOME=/nonexistent', () => {
  it('checks the pinned keyring, makes the tarball once, unpacks it and writes a signed-by sources.list', () => {
    const first = runHook();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('debian-rootfs: building ubuntu noble (minbase, amd64) with mmdebstrap');
    expect(mmdebstrapCalls()).toHaveLength(1);
    expect(mmdebstrapCalls()[0]).toContain(`--keyring=${UBUNTU_KEYRING}`);
    expect(readFileSync(join(dir, 'root/etc/hostname'), 'utf8')).toBe('base\n');
    expect(readFileSync(join(dir, 'root/etc/apt/sources.list'), 'utf8')).toBe('deb [signed-by=/etc/apt/keyrings/ubuntu-archive.gpg] http://mirror.invalid/ubuntu noble main\n');
    expect(readFileSync(join(dir, 'root/etc/apt/keyrings/ubuntu-archive.gpg'))).toEqual(readFileSync(UBUNTU_KEYRING));
    // gpg's throwaway home is gone; the workspace holds only the phase-cache declaration
    expect(readdirSync(join(dir, 'build'))).toEqual(['phase-cache-inputs']);

    const second = runHook();
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/debian-rootfs: using cached .*\/cache\/rootfs\/ubuntu-noble-amd64-minbase-[0-9a-f]{16}\.tar/);
    expect(mmdebstrapCalls()).toHaveLength(1);
  });

  it('refuses a keyring that holds another key than the pinned one, before making anything', () => {
    const r = runHook({ DIB_APT_KEYRING_FINGERPRINT: '0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`debian-rootfs: ${UBUNTU_KEYRING} holds key ${UBUNTU_FINGERPRINT} (1 keys); expected only 0123456789ABCDEF0123456789ABCDEF01234567\n`);
    expect(mmdebstrapCalls()).toEqual([]);
    expect(readdirSync(join(dir, 'build'))).toEqual([]);
  });

  it('says so when the keyring is not a keyring', () => {
    writeFileSync(join(dir, 'not-a-keyring.gpg'), 'hello\n');
    const r = runHook({ DIB_APT_KEYRING: join(dir, 'not-a-keyring.gpg') });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^debian-rootfs: gpg cannot read ${join(dir, 'not-a-keyring.gpg')} as a keyring: gpg: .+\\n$`));
    expect(readdirSync(join(dir, 'build'))).toEqual([]);
  });

  it('with --no-cache makes the tree in TARGET_ROOT itself: no tarball written or unpacked, nothing declared to the phase cache', () => {
    const r = runHook({ DIB_ROOTFS_NO_CACHE: '1' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`with mmdebstrap from http://mirror.invalid/ubuntu into ${join(dir, 'root')} (--no-cache)`);
    expect(mmdebstrapCalls()).toHaveLength(1);
    expect(mmdebstrapCalls()[0]).toContain('--format=directory');
    expect(mmdebstrapCalls()[0]).toContain(` noble ${join(dir, 'root')} deb `);
    expect(readFileSync(join(dir, 'root/etc/hostname'), 'utf8')).toBe('base\n');
    expect(readFileSync(join(dir, 'root/etc/apt/sources.list'), 'utf8')).toBe('deb [signed-by=/etc/apt/keyrings/ubuntu-archive.gpg] http://mirror.invalid/ubuntu noble main\n');
    expect(readdirSync(join(dir, 'build'))).toEqual([]);
    expect(readdirSync(join(dir, 'cache'))).toEqual([]);
  });

  it('with --no-cache and a TARGET_ROOT an earlier root.d hook wrote to, makes a tarball in the workspace and unpacks it', () => {
    writeFileSync(join(dir, 'root', 'earlier'), 'x\n');
    const r = runHook({ DIB_ROOTFS_NO_CACHE: '1' });
    expect(r.status).toBe(0);
    expect(mmdebstrapCalls()[0]).toContain('--format=tar');
    expect(readFileSync(join(dir, 'root/etc/hostname'), 'utf8')).toBe('base\n');
    expect(readdirSync(join(dir, 'build'))).toEqual(['rootfs']);
    expect(readdirSync(join(dir, 'cache'))).toEqual([]);
  });
});
