// `tsdib debian vm cloud-init openssh-server` gives a working cloud image: no SSH host key in the
// image; run once per firmware with `tsdib test` and a NoCloud seed (label CIDATA), it offers a
// login on the serial console, cloud-init takes the seed, runs its user-data and reports done, and
// sshd is active with host keys made on that boot (different on each boot).
// The same build carries a user's element written for DIB's library (issue 14, item 3):
// test/fixtures/dib-library-user/my-service, whose element-deps name dib-init-system, install-static,
// manifests, package-installs, pkg-map and source-repositories, all resolved from tsdib's built-in
// elements; the guest shows what it asked for (my-service.sh) and the manifests land beside the image.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { CLOUD_CHECKS, hostKeyFingerprint, MY_SERVICE_CHECK, MY_SERVICE_TREE, myServiceSources, sshHostKeysInImage, writeNoCloudSeed } from './helpers/cloud-image.js';
import { e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS, tsdibTest, type Firmware } from './helpers/tsdib-boot.js';

const CHECKS = [...CLOUD_CHECKS, MY_SERVICE_CHECK];

const missing = e2eMissing();
const skip = skipUnless(missing === undefined, 'e2e cloud image', missing ?? '');

describe.skipIf(skip)('tsdib debian vm cloud-init openssh-server my-service (a user element on DIB\'s library elements)', () => {
  let dir: string;
  let build: BuildRun;
  let image: string;
  const fingerprints: Partial<Record<Firmware, string>> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-cloud-'));
    image = join(dir, 'cloud.qcow2');
    build = await runBuild(['debian', 'vm', 'cloud-init', 'openssh-server', 'my-service', '-t', 'qcow2', '-o', join(dir, 'cloud')], {
      env: { ELEMENTS_PATH: MY_SERVICE_TREE, ...myServiceSources() },
      timeoutMs: 30 * 60_000,
    });
    process.stdout.write(`cloud image (debian vm cloud-init openssh-server my-service) built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
  }, 31 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds, leaves nothing behind, and bakes no SSH host key into the image', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
    const inImage = sshHostKeysInImage(image, dir);
    expect(inImage.sshDir).toBe(true);
    expect(inImage.hostKeys).toEqual([]);
  }, 5 * 60_000);

  it("resolves my-service's library elements from the built-ins and saves the manifests beside the image", () => {
    expect(build.status).toBe(0);
    expect(build.output).not.toMatch(/overrides/);
    const manifests = join(dir, 'cloud.d', 'dib-manifests');
    expect(readFileSync(join(manifests, 'dib-manifest-git-cloud'), 'utf8')).toMatch(/^my-src git \/opt\/my-src \S+ [0-9a-f]{40}$/m);
    expect(readFileSync(join(manifests, 'dib_environment'), 'utf8')).toBeTruthy();
  });

  it.each<[Firmware]>([['bios'], ['uefi']])('under %s with a NoCloud seed: a login on ttyS0, cloud-init done after running the user-data, sshd active with keys made on this boot, what my-service asked for', async (firmware) => {
    expect(build.status).toBe(0);
    const seed = writeNoCloudSeed(join(dir, `seed-${firmware}`), `tsdib-cloud-${firmware}`);
    const junit = join(dir, `junit-${firmware}.xml`);
    const r = await tsdibTest(image, firmware, CHECKS, { logDir: dir, junit, seed });
    process.stdout.write(`cloud image: tsdib test (${firmware === 'bios' ? 'SeaBIOS' : 'OVMF'}) exit ${r.status}, ${r.seconds.toFixed(0)} s from qemu's start to the guest's power-off\n`);
    expect(r.status, tail(r.output)).toBe(0);
    expect(readFileSync(junit, 'utf8')).toContain(`tests="${CHECKS.length}" failures="0" errors="0"`);
    expect(readFileSync(junit, 'utf8')).toContain(`user-data ran for instance tsdib-cloud-${firmware}`);
    const console = readFileSync(join(dir, `console-test-${firmware}.log`), 'utf8');
    expect(console).toMatch(/login:/);
    expect(console).toContain('TSDIB-E2E user-data ran');
    fingerprints[firmware] = hostKeyFingerprint(junit);
  }, BOOT_TIMEOUT_MS + 180_000);

  it('made different host keys on each boot', () => {
    expect(fingerprints.bios).toMatch(/^SHA256:/);
    expect(fingerprints.uefi).toMatch(/^SHA256:/);
    expect(fingerprints.bios).not.toBe(fingerprints.uefi);
  });
});
