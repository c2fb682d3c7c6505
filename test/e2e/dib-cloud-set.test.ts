// DIB's own element tree, unmodified (Debian's python3-diskimage-builder on ELEMENTS_PATH), as DIB
// users build a cloud image: `DIB_RELEASE=bookworm debian-minimal vm block-device-efi cloud-init
// cloud-init-datasources openssh-server growroot devuser` with DIB_CLOUD_INIT_DATASOURCES="NoCloud,
// None". One build; booted under OVMF (GRUB on the ESP) with a NoCloud seed (label CIDATA): a login
// on ttyS0, cloud-init runs the seed's user-data and reports done, sshd is active with host keys made
// on that boot, and devuser's user exists with its sudo rule.
// DIB_DEBOOTSTRAP_CACHE / DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE: DIB's own tarball of the debootstrap
// result in DIB_IMAGE_CACHE, kept between runs, so a run after a code change (a phase-cache miss)
// does not debootstrap again. Needs root, loop devices, qemu, OVMF, python3-diskimage-builder,
// debootstrap, sudo and the Debian archive.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipOnHost, skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { CLOUD_CHECKS, sshHostKeysInImage, writeNoCloudSeed } from './helpers/cloud-image.js';
import { DIB_TREE_ENV, dibTreeMissing, overridesBuiltin } from './helpers/dib-tree.js';
import { archiveAnswers } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS, tsdibTest } from './helpers/tsdib-boot.js';

const BUILD_TIMEOUT = 45 * 60_000;
const ELEMENTS = ['debian-minimal', 'vm', 'block-device-efi', 'cloud-init', 'cloud-init-datasources', 'openssh-server', 'growroot', 'devuser'];
const DEV_USER = 'clouddev';

const why = dibTreeMissing();
const debianArchive = why === undefined ? await archiveAnswers('http://deb.debian.org/debian/dists/bookworm/Release') : { ok: false, why: '' };
const skip =
  skipUnless(why === undefined, "e2e DIB's cloud set", why ?? '') ||
  skipOnHost(debianArchive.ok, "e2e DIB's cloud set", `the Debian archive does not answer: ${debianArchive.why}`);

describe.skipIf(skip)(`DIB's tree: DIB_RELEASE=bookworm ${ELEMENTS.join(' ')}`, () => {
  let dir: string;
  let build: BuildRun;
  let image: string;

  beforeAll(async () => {
    dir = mkdtempSync('/var/tmp/tsdib-e2e-dib-cloud-');
    image = join(dir, 'cloud.qcow2');
    build = await runBuild([...ELEMENTS, '-t', 'qcow2', '-o', join(dir, 'cloud')], {
      env: {
        ...DIB_TREE_ENV,
        DIB_RELEASE: 'bookworm',
        DIB_CLOUD_INIT_DATASOURCES: 'NoCloud, None',
        DIB_DEV_USER_USERNAME: DEV_USER,
        DIB_DEV_USER_PWDLESS_SUDO: 'yes',
        DIB_DEBOOTSTRAP_CACHE: '1',
        DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE: '1',
      },
      timeoutMs: BUILD_TIMEOUT,
    });
    process.stdout.write(`DIB cloud set (${ELEMENTS.join(' ')}) built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
  }, BUILD_TIMEOUT + 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("builds with DIB's elements, leaves nothing attached or mounted, and bakes no SSH host key into the image", () => {
    expect(build.status, tail(build.output)).toBe(0);
    for (const e of ['debian-minimal', 'vm', 'cloud-init', 'openssh-server', 'devuser']) expect(build.output).toContain(overridesBuiltin(e));
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
    const inImage = sshHostKeysInImage(image, dir);
    expect(inImage.sshDir).toBe(true);
    expect(inImage.hostKeys).toEqual([]);
  }, 5 * 60_000);

  it('under OVMF with a NoCloud seed: a login on ttyS0, cloud-init done after its user-data, sshd active with fresh keys, the dev user', async () => {
    expect(build.status).toBe(0);
    const devCheck = join(dir, 'devuser.sh');
    writeFileSync(
      devCheck,
      `#!/bin/sh
# devuser's user, with the passwordless sudo rule DIB_DEV_USER_PWDLESS_SUDO asked for
set -e
id ${DEV_USER}
grep -rq '^${DEV_USER} ALL=(ALL) NOPASSWD:ALL' /etc/sudoers.d/
echo "dev user ${DEV_USER} present with passwordless sudo"
`,
      { mode: 0o755 },
    );
    const checks = [...CLOUD_CHECKS, devCheck];
    const seed = writeNoCloudSeed(join(dir, 'seed'), 'tsdib-dib-cloud');
    const junit = join(dir, 'junit-uefi.xml');
    const r = await tsdibTest(image, 'uefi', checks, { logDir: dir, junit, seed });
    process.stdout.write(`DIB cloud set: tsdib test (OVMF) exit ${r.status}, ${r.seconds.toFixed(0)} s from qemu's start to the guest's power-off\n`);
    expect(r.status, tail(r.output)).toBe(0);
    const report = readFileSync(junit, 'utf8');
    expect(report).toContain(`tests="${checks.length}" failures="0" errors="0"`);
    expect(report).toContain('user-data ran for instance tsdib-dib-cloud');
    expect(readFileSync(join(dir, 'console-test-uefi.log'), 'utf8')).toContain('TSDIB-E2E user-data ran');
  }, BOOT_TIMEOUT_MS + 180_000);
});
