/** Whether this host has device-mapper (LVM's logical volumes need it). */
import { access } from 'node:fs/promises';
import { succeeds } from './exec.js';

/** Whether LVs could be made here: the device-mapper control node exists and dmsetup talks to it. */
export async function hasDeviceMapper(): Promise<boolean> {
  const control = await access('/dev/mapper/control').then(
    () => true,
    () => false,
  );
  return control && (await succeeds('dmsetup', ['version'], { step: 'dmsetup version' }));
}
