// tsdib's own grub-bios-setup (src/bootloader/grub-bios-setup.ts) against GRUB's: the same disk is
// set up by `grub-bios-setup --no-rs-codes` through a loop device (the loop path's way) and by
// installGrubBiosBoot on a copy of the image file; sector 0 and the whole embedding area must be
// byte-identical. One MBR disk (core.img in the gap after the MBR) and one GPT disk (in the BIOS
// boot partition).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { biosEmbedArea, installGrubBiosBoot } from '../../../src/bootloader/grub-bios-setup.js';
import { tableLayout } from '../../../src/blockdevice/plugins/partitioning/table.js';
import { createIn, expectNoLeaks, loadGraph, skipLifecycle, workspacePerTest } from '../blockdevice/fixture.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';
import { readBytes } from '../../unit/blockdevice/partition-table/sparse-image.js';

const GRUB_PC = '/usr/lib/grub/i386-pc';
const GRUB_BIOS_SETUP = join(GRUB_PC, 'grub-bios-setup');
const haveGrub = hasCommand('grub-mkimage') && existsSync(GRUB_BIOS_SETUP) && existsSync(join(GRUB_PC, 'boot.img'));
const skip = skipLifecycle('grub-bios-setup oracle on loop devices') || skipUnless(haveGrub, 'grub-bios-setup oracle', 'grub-mkimage or grub-pc-bin is missing (tsdib doctor --install --for-tests)');

const GPT = `
- local_loop:
    name: image0
    size: 64MiB
- partitioning:
    base: image0
    label: gpt
    partitions:
      - name: BSP
        type: 'EF02'
        size: 1MiB
      - name: root
        type: '8300'
        size: 100%
        mkfs:
          type: ext4
          mount:
            mount_point: /
`;

const MBR = `
- local_loop:
    name: image0
    size: 64MiB
- partitioning:
    base: image0
    label: mbr
    partitions:
      - name: root
        flags: [boot, primary]
        size: 100%
        mkfs:
          type: ext4
          mount:
            mount_point: /
`;

describe.skipIf(skip)("tsdib's grub-bios-setup against GRUB's", () => {
  const newWorkspace = workspacePerTest();

  it.each([
    ['MBR (the gap after the MBR)', MBR, 'part_msdos'],
    ['GPT (the BIOS boot partition)', GPT, 'part_gpt'],
  ])('writes the same sector 0 and embedding area as grub-bios-setup --no-rs-codes: %s', async (_what, yaml, partModule) => {
    const ws = await newWorkspace();
    const core = join(ws.root, 'core.img');
    execFileSync('grub-mkimage', ['-O', 'i386-pc', '-d', GRUB_PC, '-p', '/boot/grub', '-o', core, 'biosdisk', partModule, 'ext2']);
    const graph = await loadGraph(yaml, ws);
    const { session, state, image } = await createIn(ws, yaml);
    const table = graph.entries.find((e) => e.plugin === 'partitioning')!;
    const layout = tableLayout(table, 64 * 1024 * 1024, 512);
    const area = biosEmbedArea(layout);
    const areaEnd = (area.firstSector + area.sectors) * 512;

    // the offline copy: the image as the partition table left it, before GRUB touches it
    const copy = join(ws.root, 'copy.raw');
    copyFileSync(image, copy);

    const grubDir = join(ws.params.mountBase, 'boot/grub/i386-pc');
    mkdirSync(grubDir, { recursive: true });
    copyFileSync(join(GRUB_PC, 'boot.img'), join(grubDir, 'boot.img'));
    copyFileSync(core, join(grubDir, 'core.img'));
    const disk = state.blockdev['image0']!.device;
    const deviceMap = join(ws.root, 'device.map');
    writeFileSync(deviceMap, `(hd0) ${disk}\n`);
    execFileSync(GRUB_BIOS_SETUP, ['--no-rs-codes', '--skip-fs-probe', `--device-map=${deviceMap}`, `--directory=${grubDir}`, disk], { stdio: 'pipe' });
    await session.cleanup();
    expectNoLeaks(ws);

    const placed = await installGrubBiosBoot(copy, layout, { bootImg: readFileSync(join(GRUB_PC, 'boot.img')), coreImg: readFileSync(core) });
    expect(placed.coreSector).toBe(area.firstSector);
    expect(placed.coreSectors).toBe(Math.ceil(readFileSync(core).length / 512));
    const theirs = await readBytes(image, 0, areaEnd);
    const ours = await readBytes(copy, 0, areaEnd);
    expect(ours.subarray(0, 512).equals(theirs.subarray(0, 512)), 'sector 0 differs').toBe(true);
    const firstDiff = ours.findIndex((b, i) => b !== theirs[i]);
    expect(firstDiff, `first differing byte at ${firstDiff}`).toBe(-1);
  });
});
