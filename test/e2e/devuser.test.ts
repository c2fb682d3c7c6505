// `tsdib debian-minimal devuser -t tar`: the devuser element's user, password, authorized key and
// passwordless sudo end up in the image (read back from the tar with GNU tar).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { e2eMissing } from './helpers/requirements.js';

const missing = e2eMissing();
const skip = skipUnless(missing === undefined, 'e2e devuser', missing ?? '');
const member = (tar: string, path: string) => execFileSync('tar', ['-xOf', tar, path], { encoding: 'utf8' });

describe.skipIf(skip)('tsdib debian-minimal devuser -t tar', () => {
  let dir: string;
  let build: BuildRun;
  let tar: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-devuser-'));
    const key = join(dir, 'key.pub');
    writeFileSync(key, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAItsdibtest e2e@tsdib\n');
    tar = join(dir, 'dev.tar');
    build = await runBuild(['debian-minimal', 'devuser', '-t', 'tar', '-o', join(dir, 'dev')], {
      env: { DIB_DEV_USER_USERNAME: 'alice', DIB_DEV_USER_PASSWORD: 'secret', DIB_DEV_USER_PWDLESS_SUDO: 'yes', DIB_DEV_USER_AUTHORIZED_KEYS: key },
    });
  }, 30 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds and leaves nothing behind', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(build.workspace).toMatch(/tsdib_build\./);
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('creates the user with a password hash, the authorized key and passwordless sudo', () => {
    expect(build.status).toBe(0);
    expect(member(tar, './etc/passwd')).toMatch(/^alice:x:\d+:\d+::\/home\/alice:\/bin\/bash$/m);
    expect(member(tar, './etc/shadow')).toMatch(/^alice:\$[^:]+:/m);
    expect(member(tar, './home/alice/.ssh/authorized_keys')).toContain('e2e@tsdib');
    expect(member(tar, './etc/sudoers.d/alice')).toBe('alice ALL=(ALL) NOPASSWD:ALL\n');
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', tar, './usr/bin/sudo', './home/alice/.ssh/authorized_keys'], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rwsr-xr-x 0\/0 .* \.\/usr\/bin\/sudo$/m);
    expect(listing).toMatch(/^-rw------- (\d+)\/\1 .* \.\/home\/alice\/\.ssh\/authorized_keys$/m);
  });
});
