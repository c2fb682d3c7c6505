import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlockDeviceConfig } from '../../../src/blockdevice/load-config.js';
import type { TsdibError } from '../../../src/errors.js';
import { checkOfflineAssembly } from '../../../src/pipeline/offline-check.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const params = { rootFsType: 'ext4', rootLabel: undefined };
const source = { description: 'test.yaml', kind: 'flag' as const, text: '' };
const element = (name: string) => ({ name }) as never;

async function problemOf(yaml: string, opts: { elements?: string[]; rootFsType?: string; rootless?: boolean } = {}): Promise<TsdibError | undefined> {
  const rootFsType = opts.rootFsType ?? 'ext4';
  const graph = await loadBlockDeviceConfig(yaml, 'test.yaml', { ...params, rootFsType });
  try {
    checkOfflineAssembly({ elements: (opts.elements ?? ['debian']).map(element), blockDeviceConfig: source }, graph, rootFsType, { rootless: opts.rootless ?? false });
    return undefined;
  } catch (e) {
    return e as TsdibError;
  }
}

const elementConfig = (name: string) => readFileSync(join(REPO_ROOT, 'elements', name, 'block-device-default.yaml'), 'utf8');

describe('checkOfflineAssembly', () => {
  it.each(['block-device-mbr', 'block-device-gpt', 'block-device-efi'])('accepts the %s layout', async (name) => {
    expect(await problemOf(elementConfig(name))).toBeUndefined();
  });

  it('refuses LVM with exit 2, naming the node and device-mapper', async () => {
    const e = await problemOf(readFileSync(join(REPO_ROOT, 'test/fixtures/block-device/dib/lvm_tree.yaml'), 'utf8'));
    expect(e?.code).toBe('CONFIG_INVALID');
    expect(e?.exitCode).toBe(2);
    expect([e?.message, ...(e?.context.details ?? [])].join('\n')).toMatch(/LVM node "\w+": logical volumes need device-mapper/);
    expect(e?.context.hint).toMatch(/without --offline-assembly/);
  });

  it('refuses an xfs root (FS_TYPE) with the reason mkfs.xfs -p cannot fill it', async () => {
    const e = await problemOf(elementConfig('block-device-mbr'), { rootFsType: 'xfs' });
    expect(e?.exitCode).toBe(2);
    expect(e?.message).toMatch(/xfs filesystem "mkfs_root": mkfs\.xfs -p/);
  });

  it('refuses the zfs-root element and its zpool, each with its reason, in one report', async () => {
    const e = await problemOf(elementConfig('zfs-root'), { elements: ['ubuntu', 'vm', 'zfs-root'] });
    expect(e?.exitCode).toBe(2);
    expect(e?.message).toMatch(/--offline-assembly: this image cannot be written without a block device: 2 reasons/);
    expect(e?.context.details).toEqual([
      expect.stringMatching(/^element zfs-root: its root is a ZFS pool/),
      expect.stringMatching(/^test\.yaml: .*zpool "\w+": a ZFS pool is made by the zfs daemon/),
    ]);
  });

  it('refuses a second disk image', async () => {
    const e = await problemOf('- local_loop: {name: image0}\n- local_loop: {name: image1}\n- mkfs: {name: mkfs_root, base: image0, mount: {mount_point: /}}\n');
    expect(e?.message).toMatch(/"image0", "image1": offline assembly makes one disk image, the config has 2/);
  });

  it('in a rootless build says the user namespace has no block device and points to root, not to dropping the flag', async () => {
    const e = await problemOf(elementConfig('zfs-root'), { elements: ['ubuntu', 'vm', 'zfs-root'], rootless: true });
    expect(e?.code).toBe('CONFIG_INVALID');
    expect(e?.exitCode).toBe(2);
    expect(e?.message).toBe('rootless build: this image cannot be written without a block device, and a user namespace has none: 2 reasons');
    expect(e?.context.details?.[0]).toMatch(/^element zfs-root: its root is a ZFS pool/);
    expect(e?.context.hint).toMatch(/^build it as root \(sudo -E tsdib …\)/);
    expect(e?.context.hint).not.toContain('--offline-assembly');
  });

  it('in a rootless build refuses an xfs root with its reason', async () => {
    const e = await problemOf(elementConfig('block-device-mbr'), { rootFsType: 'xfs', rootless: true });
    expect(e?.message).toMatch(/^rootless build: .*xfs filesystem "mkfs_root": mkfs\.xfs -p/);
  });
});
