/**
 * With offline assembly a hook cannot run grub-bios-setup (there is no block device): the grub
 * element instead writes the directory holding GRUB's boot.img and core.img (inside the image, e.g.
 * `/boot/grub/i386-pc`) to the file TSDIB_BIOS_BOOT_REQUEST names, and the build embeds them with
 * installGrubBiosBoot once the filesystems are made. This reads such a request.
 */
import { lstat, readFile, realpath, rm } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { blockDeviceFailed } from '../errors.js';

/** Where hooks write the request, inside the chroot (/tmp is emptied by the build's tidy step). */
export const BIOS_BOOT_REQUEST = '/tmp/tsdib-bios-boot-request';

export interface BiosBootImages {
  /** The directory named in the request, as the hook wrote it. */
  directory: string;
  bootImg: Buffer;
  coreImg: Buffer;
}

/**
 * The images a hook asked to embed, read from the tree, or undefined when no hook asked. The
 * request file is removed (it must not end up in the image).
 */
export async function takeBiosBootRequest(tree: string): Promise<BiosBootImages | undefined> {
  const requestFile = join(tree, BIOS_BOOT_REQUEST);
  const text = await readFile(requestFile, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  await rm(requestFile, { force: true });
  const directory = text.trim();
  const rel = normalize(directory);
  if (!rel.startsWith('/')) {
    throw blockDeviceFailed(`${BIOS_BOOT_REQUEST}: "${directory}" is not an absolute path inside the image`, { hint: 'the grub element writes /boot/grub/i386-pc there' });
  }
  const realTree = await realpath(tree);
  const dir = await realpath(join(tree, rel)).catch(() => undefined);
  if (dir === undefined || !(dir === realTree || dir.startsWith(`${realTree}/`))) {
    throw blockDeviceFailed(`${BIOS_BOOT_REQUEST} names ${directory}, which ${dir === undefined ? 'does not exist in the image' : 'leads out of the image (a symbolic link)'}`);
  }
  const read = async (name: string) => {
    const path = join(dir, name);
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isFile()) throw blockDeviceFailed(`${BIOS_BOOT_REQUEST} names ${directory}, but ${join(directory, name)} is not a file in the image`);
    return readFile(path);
  };
  return { directory, bootImg: await read('boot.img'), coreImg: await read('core.img') };
}
