// `tsdib doctor` for rootless builds: as an ordinary user without a subordinate range it says what
// is missing and how to get it; `tsdib doctor --setup-rootless USER` (root) gives the user a range;
// then the user's doctor reports rootless builds possible with that range. The user is made here.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../helpers/cli.js';
import { hasCommand, isRoot, skipUnless } from '../../helpers/resources.js';
import { createTestUser, removeTestUser, runAsUser, type TestUser } from '../../helpers/test-user.js';

const skip = skipUnless(isRoot && ['useradd', 'usermod', 'setpriv', 'unshare', 'newuidmap'].every(hasCommand), 'tsdib doctor --setup-rootless', 'needs root, useradd/usermod, setpriv, unshare and newuidmap (uidmap)');

const doctorAs = (user: TestUser) => runAsUser(user, process.execPath, [CLI, 'doctor']);
const rangeOf = (file: string, name: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(`${name}:`));

describe.skipIf(skip)('tsdib doctor and rootless builds', () => {
  let user: TestUser | undefined;

  beforeAll(() => {
    user = createTestUser({ subordinateIds: false });
  });
  afterAll(() => removeTestUser(user));

  it('tells a user without a subordinate range what is missing and the command that fixes it', () => {
    const r = doctorAs(user!);
    expect(r.stdout).toContain(`rootless: ${user!.name} has no subordinate uid range of 65536 ids in /etc/subuid`);
    expect(r.stdout).toContain(`fix: as root: tsdib doctor --setup-rootless ${user!.name}`);
    expect(r.stdout).toContain('rootless builds: possible; root inside = you, no other ids (single-id mapping)');
  });

  it('--setup-rootless gives the user a 65536-id range in /etc/subuid and /etc/subgid, once', () => {
    const r = runCli(['doctor', '--setup-rootless', user!.name]);
    expect(r.status, r.stderr).toBe(0);
    const uid = rangeOf('/etc/subuid', user!.name);
    const gid = rangeOf('/etc/subgid', user!.name);
    expect(uid).toHaveLength(1);
    expect(gid).toHaveLength(1);
    const [, start, count] = uid[0]!.split(':');
    expect(count).toBe('65536');
    expect(r.stdout).toContain(`gave ${user!.name} the ids ${start}–${Number(start) + 65535} in /etc/subuid`);
    const again = runCli(['doctor', '--setup-rootless', user!.name]);
    expect(again.stdout).toContain(`${user!.name} already has a subordinate range of 65536 ids in /etc/subuid`);
    expect(rangeOf('/etc/subuid', user!.name)).toEqual(uid);
  });

  it("afterwards the user's doctor reports rootless builds with the range mapped", () => {
    const [, start] = rangeOf('/etc/subuid', user!.name)[0]!.split(':');
    const r = doctorAs(user!);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).not.toContain('rootless: ');
    expect(r.stdout).toContain(`rootless builds: possible; root inside = you, ids 1–65536 inside = ${start}–${Number(start) + 65535}`);
  });

  it('refuses --setup-rootless for a user that does not exist (exit 2, nothing changed)', () => {
    const before = readFileSync('/etc/subuid', 'utf8');
    const r = runCli(['doctor', '--setup-rootless', 'tsdib-no-such-user']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error FLAG_INVALID: --setup-rootless tsdib-no-such-user: no such user in /etc/passwd');
    expect(readFileSync('/etc/subuid', 'utf8')).toBe(before);
  });
});
