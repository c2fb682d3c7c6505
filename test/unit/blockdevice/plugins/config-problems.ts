/** The config problems (path and message) loadBlockDeviceConfig reports for `yaml`; [] when it loads. */
import { loadBlockDeviceConfig } from '../../../../src/blockdevice/load-config.js';
import type { BlockDeviceParams, ConfigProblem } from '../../../../src/blockdevice/types.js';
import { isTsdibError } from '../../../../src/errors.js';

export async function configProblems(yaml: string, params: Partial<BlockDeviceParams> = {}): Promise<ConfigProblem[]> {
  try {
    await loadBlockDeviceConfig(yaml, 'disk.yaml', params);
    return [];
  } catch (e) {
    if (!isTsdibError(e)) throw e;
    return e.context.problems as ConfigProblem[];
  }
}

export const DISK = '- local_loop: {name: image0}\n';

export const PARAMS: BlockDeviceParams = {
  imageDir: '/w/images',
  imageSize: 1 << 30,
  mountBase: '/w/mnt',
  buildDir: '/w',
  rootFsType: 'ext4',
  rootLabel: undefined,
  rootFsOpts: undefined,
};
