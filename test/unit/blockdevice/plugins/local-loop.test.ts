import { afterEach, describe, expect, it } from 'vitest';
import { localLoopSpec } from '../../../../src/blockdevice/plugins/local-loop.js';
import type { BlockDeviceParams, ConfigNode } from '../../../../src/blockdevice/types.js';

const params = { imageDir: '/w/images', imageSize: 8 * 1024 * 1024 } as BlockDeviceParams;

function loop(config: Record<string, unknown>): ConfigNode {
  return { plugin: 'local_loop', kind: 'local_loop', name: 'image0', base: [], config, configPath: '[0].local_loop', entry: 0 };
}

describe('localLoopSpec', () => {
  afterEach(() => {
    delete process.env['DIB_BLOCK_SIZE'];
  });

  it('puts <name>.raw in the image dir at the params size with 512-byte blocks by default', () => {
    expect(localLoopSpec(loop({}), { params })).toEqual({ image: '/w/images/image0.raw', size: 8 * 1024 * 1024, blockSize: 512 });
  });

  it('takes size, directory and block_size from the config', () => {
    expect(localLoopSpec(loop({ size: '1.5 GiB', directory: '/srv/img', block_size: 4096 }), { params })).toEqual({
      image: '/srv/img/image0.raw',
      size: 1610612736,
      blockSize: 4096,
    });
  });

  it('lets DIB_BLOCK_SIZE win over block_size', () => {
    process.env['DIB_BLOCK_SIZE'] = '4096';
    expect(localLoopSpec(loop({ block_size: 512 }), { params }).blockSize).toBe(4096);
  });

  it('refuses a size that is not a whole number of blocks, naming the node', () => {
    expect(() => localLoopSpec(loop({ size: '1000', block_size: 4096 }), { params })).toThrow(/local_loop node "image0": size 1000 bytes is not a positive multiple of the 4096-byte block/);
  });
});
