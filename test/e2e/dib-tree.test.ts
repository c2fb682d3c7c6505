// DIB's own element tree, unmodified (Debian's python3-diskimage-builder on ELEMENTS_PATH), builds
// `DIB_RELEASE=jammy ubuntu-minimal vm block-device-efi` and plain `ubuntu-minimal vm` with tsdib
// on a host without device-mapper: the first booted to a login prompt under SeaBIOS (GRUB from the
// BIOS boot partition) and under OVMF (GRUB on the ESP, where DIB's bootloader runs grub-install
// against the ESP tsdib stages without a vfat mount), the second (DIB's MBR layout) under SeaBIOS.
// DIB_DEBOOTSTRAP_CACHE: DIB's tarball of the debootstrap result, kept in DIB_IMAGE_CACHE between
// runs, so both builds (and a run after a code change) debootstrap jammy once. DIB_UBUNTU_KERNEL is DIB's knob for the kernel package:
// linux-image-virtual leaves out linux-firmware (300 MB). DIB's cloud set: dib-cloud-set.test.ts.
// Needs root, loop devices, qemu, OVMF, python3-diskimage-builder, debootstrap, sudo and the
// Ubuntu archive.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipOnHost, skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { DIB_TREE_ENV, dibTreeMissing, overridesBuiltin } from './helpers/dib-tree.js';
import { archiveAnswers } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS, tsdibBoot, type Firmware } from './helpers/tsdib-boot.js';

const UBUNTU_MIRROR = process.env['DIB_DISTRIBUTION_MIRROR_UBUNTU'] ?? 'http://archive.ubuntu.com/ubuntu';
const BUILD_TIMEOUT = 45 * 60_000;

const why = dibTreeMissing();
const ubuntuArchive = why === undefined ? await archiveAnswers(`${UBUNTU_MIRROR}/dists/jammy/Release`) : { ok: false, why: '' };
const skip =
  skipUnless(why === undefined, "e2e DIB's element tree", why ?? '') ||
  skipOnHost(ubuntuArchive.ok, "e2e DIB's ubuntu-minimal", `the Ubuntu archive does not answer: ${ubuntuArchive.why}`);

/** One DIB build of `ubuntu-minimal vm` plus `extra`, booted to a login prompt once per firmware. */
function jammyBuild(extra: readonly string[], firmwares: readonly Firmware[]): void {
  const elements = ['ubuntu-minimal', 'vm', ...extra];
  const name = extra.length > 0 ? `jammy-${extra.join('-')}` : 'jammy';
  describe.skipIf(skip)(`DIB's tree: DIB_RELEASE=jammy ${elements.join(' ')}`, () => {
    let dir: string;
    let build: BuildRun;
    let image: string;

    beforeAll(async () => {
      dir = mkdtempSync(`/var/tmp/tsdib-e2e-dib-${name}-`);
      image = join(dir, `${name}.qcow2`);
      build = await runBuild([...elements, '-t', 'qcow2', '-o', join(dir, name)], {
        env: { ...DIB_TREE_ENV, DIB_RELEASE: 'jammy', DIB_DISTRIBUTION_MIRROR: UBUNTU_MIRROR, DIB_UBUNTU_KERNEL: 'linux-image-virtual', DIB_DEBOOTSTRAP_CACHE: '1', DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE: '1' },
        timeoutMs: BUILD_TIMEOUT,
      });
      process.stdout.write(`DIB jammy ${elements.join(' ')} built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
    }, BUILD_TIMEOUT + 60_000);

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("builds with DIB's elements (not the built-ins) and leaves nothing attached or mounted", () => {
      expect(build.status, tail(build.output)).toBe(0);
      expect(build.output).toContain(overridesBuiltin('ubuntu-minimal'));
      expect(build.output).toContain(overridesBuiltin('bootloader'));
      expect(existsSync(image)).toBe(true);
      expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
    });

    it.each(firmwares.map((f) => [f] as [Firmware]))('boots to a login prompt under %s', async (firmware) => {
      expect(build.status).toBe(0);
      const r = await tsdibBoot(image, firmware, { logDir: dir });
      process.stdout.write(`DIB ${elements.join(' ')}: tsdib boot (${firmware === 'bios' ? 'SeaBIOS' : 'OVMF'}) ${r.reached ? 'reached login:' : 'failed'} after ${r.seconds.toFixed(0)} s\n`);
      expect(r.reached, r.report).toBe(true);
    }, BOOT_TIMEOUT_MS + 180_000);
  });
}

// GPT with an ESP and a BIOS boot partition: GRUB from the BIOS boot partition under SeaBIOS, from the ESP under OVMF
jammyBuild(['block-device-efi'], ['bios', 'uefi']);
// DIB's default layout for vm (block-device-mbr): one MBR partition, GRUB in the MBR gap
jammyBuild([], ['bios']);
