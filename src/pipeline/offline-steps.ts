/**
 * The steps of a build with `--offline-assembly` (docs/offline-assembly.md) that differ from the
 * loop path's (image-steps.ts): `block device` writes the image file and its partition table and
 * leaves the tree where it is (TMP_MOUNT_PATH stays the tree: the late phases run in its chroot);
 * `BIOS boot request` takes what the grub element handed over for GRUB's BIOS boot code (before
 * `tidy` empties /tmp); `assemble` makes and fills each filesystem at its offset in the image and
 * embeds the boot code. Nothing is attached to a loop device and nothing of the image is mounted.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkOfflineDisk, createOfflineImage, populateOfflineDisk } from '../blockdevice/offline/assemble-disk.js';
import { offlineSession } from '../blockdevice/offline/offline-session.js';
import { planOfflineDisk } from '../blockdevice/offline/plan-from-graph.js';
import { bootFilesystemVariables } from '../blockdevice/boot-filesystem-variables.js';
import { BIOS_BOOT_REQUEST, takeBiosBootRequest, type BiosBootImages } from '../bootloader/bios-boot-request.js';
import { installGrubBiosBoot } from '../bootloader/grub-bios-setup.js';
import { blockDeviceFailed } from '../errors.js';
import { log } from '../log.js';
import type { ImageBuild, SizedBuild } from './context.js';
import { unmountHookMountsBelow } from './dib-compat-mounts.js';
import { diskParams, reproducibleParams } from './prepare.js';

/**
 * Step `block device`, offline: the disk planned from the graph (every UUID drawn), checked against
 * the tree (nothing written before all pass), the image file made (its removal registered) and its
 * partition table written. The tree stays at TMP_MOUNT_PATH.
 */
export async function createOfflineImageStep(sized: SizedBuild): Promise<ImageBuild> {
  const { workspace: ws } = sized;
  // what block-device.d hooks mounted in the tree would otherwise end up in the image
  await unmountHookMountsBelow(ws.mountPath);
  // mkfs.ext4 -d makes its own lost+found; the loop path drops the tree's too
  await rm(join(ws.mountPath, 'lost+found'), { recursive: true, force: true });
  const plan = await planOfflineDisk(sized.graph, diskParams(sized));
  await checkOfflineDisk(plan.disk, ws.mountPath);
  await createOfflineImage(plan.disk, sized.release);
  const blockDevice = offlineSession(plan.state, sized.graph.nodes);
  const parts = plan.disk.filesystems.map((f) => `${f.spec.type} ${f.mountPoint ?? f.name} at ${f.offset}`);
  log.info(`offline image ${plan.disk.image} (${plan.disk.layout?.label ?? 'no partition table'}): ${parts.join(', ')}; filled at \`assemble\``);
  return { ...sized, blockDevice, offlineDisk: plan.disk };
}

function epochOf(p: { sourceDateEpoch?: number }): { sourceDateEpoch?: number } {
  return p.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: p.sourceDateEpoch };
}

/**
 * The variables the late phases see only with offline assembly: the boot filesystems' UUIDs and
 * mount points (nothing is mounted for findmnt or blkid to find) and where the grub element hands
 * over GRUB's BIOS boot code (a path in the chroot for chroot phases, in the tree outside it).
 */
export function offlinePhaseVariables(image: Pick<ImageBuild, 'blockDevice' | 'graph' | 'workspace'>, inChroot: boolean): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(bootFilesystemVariables(image.blockDevice.state, image.graph.nodes))) if (v !== undefined) vars[k] = v;
  vars['TSDIB_BIOS_BOOT_REQUEST'] = inChroot ? BIOS_BOOT_REQUEST : join(image.workspace.mountPath, BIOS_BOOT_REQUEST);
  return vars;
}

/** Step `BIOS boot request`: the boot.img and core.img a hook asked tsdib to embed, read before `tidy` empties /tmp. */
export async function takeBiosBoot(image: ImageBuild): Promise<BiosBootImages | undefined> {
  const request = await takeBiosBootRequest(image.workspace.mountPath);
  log.info(request ? `BIOS boot code of ${request.directory} (core.img ${request.coreImg.length} bytes) to embed at \`assemble\`` : 'no hook asked for BIOS boot code');
  return request;
}

/**
 * Step `assemble`: every filesystem made at its offset in the image and filled from its part of the
 * tree (tree-split.ts puts the tree back together afterwards, also on failure); then GRUB's BIOS
 * boot code, when a hook asked for it.
 */
export async function assembleImage(image: ImageBuild, biosBoot: BiosBootImages | undefined): Promise<void> {
  const disk = image.offlineDisk;
  if (!disk) throw blockDeviceFailed('assemble: this build has no offline disk (internal: --offline-assembly without its block device step)');
  await populateOfflineDisk(disk, image.workspace.mountPath, { workDir: image.workspace.dir, release: image.release, ...epochOf(reproducibleParams(image)) });
  if (!biosBoot) return;
  if (!disk.layout) {
    throw blockDeviceFailed(`a hook asked for GRUB's BIOS boot code in ${biosBoot.directory}, but the disk has no partition table to embed it after`, {
      hint: 'use a partitioned layout (block-device-mbr, block-device-gpt) for a BIOS-bootable image',
    });
  }
  const r = await installGrubBiosBoot(disk.image, disk.layout, biosBoot);
  log.info(`BIOS boot code embedded: core.img at sector ${r.coreSector} (${r.coreSectors} sectors)`);
}
