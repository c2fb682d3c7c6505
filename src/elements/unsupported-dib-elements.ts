/**
 * DIB library elements (from diskimage-builder's own tree on ELEMENTS_PATH) that cannot work with
 * tsdib, or not on this host, each with the reason. The build refuses them in its plan step, before
 * the workspace exists, instead of failing in a hook minutes later. Built-in elements of the same
 * name are never refused: the table is about DIB's files.
 */
import { hasDeviceMapper } from '../host/device-mapper.js';

export interface UnsupportedDibElement {
  /** Why it cannot work, as a user reads it after "element NAME: ". */
  reason: string;
  /** What to do instead. */
  instead: string;
  /** When the problem is the host's, not tsdib's: whether this host has it (default: always). */
  appliesHere?: () => Promise<boolean>;
}

const RAMDISK_INTERNALS =
  "sources DIB's internal ramdisk library ($_LIB/common-defaults, img-defaults, ramdisk-defaults, ramdisk-functions, scripts/), which tsdib does not ship";

const withoutDeviceMapper = async (): Promise<boolean> => !(await hasDeviceMapper());

/** DIB element name → why it cannot be used. Sorted by name. */
export const UNSUPPORTED_DIB_ELEMENTS: Readonly<Record<string, UnsupportedDibElement>> = {
  'block-device-efi-lvm': {
    reason: 'its block-device config puts the root on LVM, and logical volumes need device-mapper, which this host lacks',
    instead: 'build on a host with device-mapper (/dev/mapper/control and a working `dmsetup version`), or use block-device-efi',
    appliesHere: withoutDeviceMapper,
  },
  'dracut-ramdisk': {
    reason: RAMDISK_INTERNALS,
    instead: "build ramdisks with DIB's disk-image-create",
  },
  lvm: {
    reason: 'it configures GRUB for an LVM root reached through /dev/mapper, and this host has no device-mapper',
    instead: 'build on a host with device-mapper, or leave out lvm',
    appliesHere: withoutDeviceMapper,
  },
  opensuse: {
    reason: "its extra-data.d copies files of DIB's internal lib/ folder into the image, which tsdib does not ship",
    instead: "build openSUSE images with DIB's disk-image-create",
  },
  ramdisk: {
    reason: RAMDISK_INTERNALS,
    instead: "build ramdisks with DIB's disk-image-create",
  },
};

export interface RefusedElement {
  element: string;
  path: string;
  reason: string;
  instead: string;
}

/**
 * The elements of an expanded set that must be refused: those named in the table whose directory
 * is not under `builtinDir`, and whose problem applies to this host.
 */
export async function refusedDibElements(elements: ReadonlyArray<{ name: string; path: string }>, builtinDir: string): Promise<RefusedElement[]> {
  const refused: RefusedElement[] = [];
  for (const e of elements) {
    const entry = UNSUPPORTED_DIB_ELEMENTS[e.name];
    if (!entry || e.path.startsWith(`${builtinDir}/`)) continue;
    if (entry.appliesHere && !(await entry.appliesHere())) continue;
    refused.push({ element: e.name, path: e.path, reason: entry.reason, instead: entry.instead });
  }
  return refused;
}
