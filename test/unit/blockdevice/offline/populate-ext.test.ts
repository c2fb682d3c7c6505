import { describe, expect, it } from 'vitest';
import { extMkfsArgs, splitExtendedOptions } from '../../../../src/blockdevice/offline/populate-ext.js';
import type { FilesystemSpec } from '../../../../src/blockdevice/filesystems.js';

const spec: FilesystemSpec = { type: 'ext4', label: 'cloudimg-rootfs', uuid: '66666666-7777-4888-8999-aaaaaaaaaaaa', opts: [] };

describe('splitExtendedOptions', () => {
  it.each([
    [['-i', '4096', '-E', 'lazy_itable_init=1,nodiscard'], ['lazy_itable_init=1', 'nodiscard'], ['-i', '4096']],
    [['-Eroot_owner=0:0', '-J', 'size=64'], ['root_owner=0:0'], ['-J', 'size=64']],
    [['-E', 'a', '-E', 'b'], ['a', 'b'], []],
    [[], [], []],
  ])('takes the -E options out of %j', (opts, extended, rest) => {
    expect(splitExtendedOptions(opts)).toEqual({ extended, rest });
  });
});

describe('extMkfsArgs', () => {
  it("keeps DIB's argv shape and adds one -E with the offset, -F, -d SOURCE, the image and the size in KiB", () => {
    expect(extMkfsArgs(spec, '/w/image0.raw', 1048576, 100 * 1024 * 1024, '/w/mnt')).toEqual([
      '-t', 'ext4', '-L', 'cloudimg-rootfs', '-U', spec.uuid, '-q', '-E', 'offset=1048576', '-F', '-d', '/w/mnt', '/w/image0.raw', '102400k',
    ]);
  });

  it("merges the node's -E options with the offset (mke2fs reads only the last -E) and replaces an offset= given there", () => {
    const args = extMkfsArgs({ ...spec, opts: ['-E', 'lazy_itable_init=1,offset=7', '-i', '8192'] }, 'img', 4096, 8 * 1024 * 1024, undefined);
    expect(args.filter((a) => a === '-E')).toHaveLength(1);
    expect(args[args.indexOf('-E') + 1]).toBe('lazy_itable_init=1,offset=4096');
    expect(args).toContain('8192');
    expect(args).not.toContain('-d');
  });

  it('rounds a region that is not whole KiB down (mke2fs would round to blocks anyway)', () => {
    expect(extMkfsArgs(spec, 'img', 0, 1024 * 1024 + 512, undefined).at(-1)).toBe('1024k');
  });
});
