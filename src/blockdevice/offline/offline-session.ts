/**
 * The block-device session of an offline build: the same values as the loop path's session
 * (lifecycle.ts) read from the state the offline plan filled (plan-from-graph.ts), but nothing is
 * attached or mounted — IMAGE_BLOCK_DEVICE is the image file, a mount point's path is its
 * directory in the tree — so `umount` and `cleanup` have nothing to undo. The image file's removal
 * was registered on the release stack when it was made (assemble-disk.ts createOfflineImage).
 */
import type { BlockDeviceSession } from '../lifecycle.js';
import { blockDeviceValues, getval, type BlockDeviceValues, type GetvalSymbol } from '../lifecycle/block-device-values.js';
import { fstabText } from '../plugins/fstab.js';
import type { BlockDeviceState, ConfigNode } from '../types.js';

export function offlineSession(state: BlockDeviceState, nodes: readonly ConfigNode[]): BlockDeviceSession {
  const values = (): BlockDeviceValues => blockDeviceValues(state, nodes);
  return {
    state,
    stateFile: '',
    get imageBlockDevice() {
      return values().imageBlockDevice;
    },
    get imageBlockDevices() {
      return values().imageBlockDevices;
    },
    values,
    getval: (symbol: GetvalSymbol) => getval(values(), symbol),
    fstabText: () => fstabText(state),
    pathOf: (mountPoint: string) => {
      const m = state.mounts.find((x) => x.mountPoint === mountPoint);
      return m && m.path !== '' ? m.path : undefined;
    },
    umount: async () => undefined,
    cleanup: async () => undefined,
  };
}
