/**
 * Detaches a loop device of the block device and waits until it is really gone, so "nothing left
 * attached" holds when umount() returns (a detach of a device still open is only deferred).
 */
import { detachLoop, waitForDetach } from '../../host/loop.js';
import { log } from '../../log.js';

export async function detachLoopAndWait(device: string, image: string | undefined): Promise<void> {
  await detachLoop(device);
  if (image !== undefined && !(await waitForDetach(device, image))) {
    log.warn(`${device} is still open somewhere: the kernel detaches it when its last user closes it`);
  }
}
