import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlockDeviceConfig, sizeBlockDeviceGraph } from '../../../src/blockdevice/load-config.js';
import { formatError, isTsdibError, type TsdibError } from '../../../src/errors.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const DIB = join(REPO_ROOT, 'test', 'fixtures', 'block-device', 'dib');
const MIB = 1024 * 1024;

async function rejection(text: string, params: Parameters<typeof loadBlockDeviceConfig>[2] = {}): Promise<TsdibError> {
  const err = await loadBlockDeviceConfig(text, 'disk.yaml', params).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTsdibError(err)) throw new Error(`expected a TsdibError, got ${String(err)}`);
  return err;
}

const DISK = '- local_loop: {name: image0}\n';
const mbr = (parts: string, disk = DISK): string => `${disk}- partitioning:\n    base: image0\n    label: mbr\n    partitions:\n${parts}`;
const gpt = (parts: string): string => `${DISK}- partitioning:\n    base: image0\n    label: gpt\n    partitions:\n${parts}`;
const part = (name: string, extra = ''): string => `      - {name: ${name}, size: 10%${extra}}\n`;
const lvm = (body: string): string => `${mbr(part('root', ', flags: [primary]'))}- lvm:\n    name: lvm\n${body}`;

describe('loadBlockDeviceConfig rejects bad configs, naming the path', () => {
  it.each([
    ['an unknown plugin', '- mkfss: {name: a}\n', '[0].mkfss', 'unknown plugin "mkfss" (did you mean "mkfs"?)'],
    ['an entry that is not a mapping', '- local_loop\n', '[0]', 'not a {plugin: {...}} mapping'],
    ['an entry with two plugin keys', '- mkfs: {name: a}\n  mount: {name: b}\n', '[0]', 'exactly one plugin key, has 2'],
    ['a graph node without base', `${DISK}- mkfs: {name: fs, type: ext4}\n`, '[1].mkfs.base', 'missing required key "base"'],
    ['a dangling base', `${DISK}- mkfs: {name: fs, base: imag0, type: ext4}\n`, '[1].mkfs.base', '"imag0" is not defined (did you mean "image0"?)'],
    ['a duplicate node name', `${DISK}${DISK}`, '[1].local_loop.name', 'duplicate node name "image0"'],
    ['a duplicate filesystem label', `${DISK}- mkfs: {name: a, base: image0, type: ext4, label: L}\n- mkfs: {name: b, base: image0, type: xfs, label: L}\n`, '[2].mkfs.label', 'label "L" used more than once'],
    ['a duplicate vfat label after upper-casing', `${DISK}- mkfs: {name: a, base: image0, type: vfat, label: esp}\n- mkfs: {name: b, base: image0, type: vfat, label: ESP}\n`, '[2].mkfs.label', 'label "ESP" used more than once'],
    ['a duplicate mount point', `${DISK}- mkfs: {name: a, base: image0, type: ext4, mount: {mount_point: /var}}\n- mkfs: {name: b, base: image0, type: ext4, mount: {mount_point: /var}}\n`, '[2].mkfs.mount.mount_point', 'mount point "/var" specified more than once'],
    ['two filesystems on one partition', gpt(`      - {name: root, size: 1GiB}\n`) + '- mkfs: {name: mkfs_root, base: root, type: ext4}\n- mkfs: {name: mkfs_data, base: root, type: xfs}\n', '[3].mkfs.base', '"mkfs_data" and "mkfs_root" ([2].mkfs) are both made on partition "root"'],
    ['a filesystem on a disk that has a partition table', gpt(`      - {name: root, size: 1GiB}\n`) + '- mkfs: {name: mkfs_disk, base: image0, type: ext4}\n', '[2].mkfs.base', '"mkfs_disk" and a partition table ([1].partitioning) are both made on local_loop "image0"'],
    ['two partition tables on one disk', gpt(`      - {name: root, size: 1GiB}\n`) + '- partitioning: {base: image0, label: mbr, partitions: [{name: p2, size: 1GiB}]}\n', '[2].partitioning.base', 'a partition table and a partition table ([1].partitioning) are both made on local_loop "image0"'],
    ['an LVM PV on a partition that has a filesystem', gpt(`      - {name: root, size: 1GiB}\n`) + '- mkfs: {name: mkfs_root, base: root, type: ext4}\n- lvm: {name: lvm, base: [root], pvs: [{name: pv, base: root}], vgs: [{name: vg, base: [pv]}], lvs: [{name: lv_x, base: vg, size: 100M}]}\n', '[3].lvm.pvs[0].base', 'LVM PV "pv" and "mkfs_root" ([2].mkfs) are both made on partition "root"'],
    ['swap "mounted" at / beside the root: one message, on the swap', `${DISK}- local_loop: {name: image1}\n- mkfs: {name: a, base: image0, type: ext4, mount: {mount_point: /}}\n- mkfs: {name: s, base: image1, type: swap, mount: {mount_point: /}}\n`, '[3].mkfs.mount.mount_point', 'swap ("s") is not mounted; write mount_point: none'],
    ['an ext4 label over 16 characters', `${DISK}- mkfs: {name: a, base: image0, type: ext4, label: cloudimg-rootfs-x}\n`, '[1].mkfs.label', '"cloudimg-rootfs-x" has 17 characters; ext4 allows 16'],
    ['an xfs default label (the name) over 12 characters', `${DISK}- mkfs: {name: mkfs_var_log_x, base: image0, type: xfs}\n`, '[1].mkfs.name', 'xfs allows 12'],
    ['a vfat label over 11 characters', `${DISK}- mkfs: {name: a, base: image0, type: vfat, label: efi-system-1}\n`, '[1].mkfs.label', '"EFI-SYSTEM-1" has 12 characters; vfat allows 11'],
    ['a swap label over 16 characters', `${DISK}- mkfs: {name: a, base: image0, type: swap, label: swap-partition-01}\n`, '[1].mkfs.label', 'swap allows 16'],
    ['an unknown filesystem type', `${DISK}- mkfs: {name: a, base: image0, type: ext5}\n`, '[1].mkfs.type', 'must be one of ext2, ext3, ext4, xfs, btrfs, vfat, fat, swap; got "ext5"'],
    ['a relative mount point', `${DISK}- mkfs: {name: a, base: image0, type: ext4, mount: {mount_point: var}}\n`, '[1].mkfs.mount.mount_point', 'must be an absolute path such as /var'],
    ['a mount point with ..', `${DISK}- mkfs: {name: a, base: image0, type: ext4, mount: {mount_point: /var/../etc}}\n`, '[1].mkfs.mount.mount_point', 'must not contain ".."'],
    ['mount point none on a non-swap filesystem', `${DISK}- mkfs: {name: a, base: image0, type: ext4, mount: {mount_point: none}}\n`, '[1].mkfs.mount.mount_point', 'only for swap'],
    ['a malformed partition size', mbr(part('root').replace('10%', '10gb')), '[1].partitioning.partitions[0].size', 'unknown unit "gb"'],
    ['a percentage over 100', mbr(part('root').replace('10%', '150%')), '[1].partitioning.partitions[0].size', 'at most 100%'],
    ['a malformed local_loop size', "- local_loop: {name: image0, size: '4,5GiB'}\n", '[0].local_loop.size', 'is not <number>[ ]<unit>'],
    ['a local_loop size under 1 MiB (mkfs fails during the build)', '- local_loop: {name: image0, size: 1KiB}\n', '[0].local_loop.size', 'size "1KiB" is 1024 bytes; a disk image needs at least 1 MiB'],
    ['a local_loop size with a lower-case unit', '- local_loop: {name: image0, size: 10gb}\n', '[0].local_loop.size', 'unknown unit "gb"'],
    ['partitions that do not fit the disk', mbr(`      - {name: a, flags: [primary], size: 80MiB}\n      - {name: b, flags: [primary], size: 30MiB}\n`, '- local_loop: {name: image0, size: 100MiB}\n'), '[1].partitioning.partitions[1]', 'on a 104857600-byte disk'],
    ['five MBR primaries', mbr(['a', 'b', 'c', 'd', 'e'].map((n) => part(n, ', flags: [primary]')).join('')), '[1].partitioning.partitions[4].flags', 'a 5th primary partition'],
    ['a primary after a logical partition', mbr(part('a') + part('b', ', flags: [primary]')), '[1].partitioning.partitions[1].flags', 'all primary partitions must be given first'],
    ['a logical partition after four primaries', mbr(['a', 'b', 'c', 'd'].map((n) => part(n, ', flags: [primary]')).join('') + part('e')), '[1].partitioning.partitions[4].flags', 'no MBR entry is left for the extended partition'],
    ['an unknown GPT type code', gpt(part('a', ", type: 'ZZ00'")), '[1].partitioning.partitions[0].type', 'unknown GPT type "ZZ00"'],
    ['an unquoted GPT code that YAML turned into a number', gpt(part('a', ', type: 0700')), '[1].partitioning.partitions[0].type', 'quote it'],
    ['an unknown MBR type', mbr(part('a', ", type: '0x1ff'")), '[1].partitioning.partitions[0].type', 'unknown MBR type "0x1ff"'],
    ['an unquoted MBR type', mbr(part('a', ', type: 83')), '[1].partitioning.partitions[0].type', "must be a quoted hex string such as '0x83'"],
    ['the extended MBR type', mbr(part('a', ", type: '0x0f'")), '[1].partitioning.partitions[0].type', 'extended container'],
    ['the primary flag on GPT', gpt(part('a', ', flags: [primary]')), '[1].partitioning.partitions[0].flags', 'the primary flag is MBR only'],
    ['an unknown partition flag', mbr(part('a', ', flags: [bootable]')), '[1].partitioning.partitions[0].flags[0]', 'must be one of boot, primary'],
    ['GPT attributes on MBR', mbr(part('a', ', attributes: [legacy-bios-bootable]')), '[1].partitioning.partitions[0].attributes', 'attributes are GPT only'],
    ['a bad GPT attribute', gpt(part('a', ', attributes: [64]')), '[1].partitioning.partitions[0].attributes[0]', 'is not allowed: GPT only'],
    ['a GPT name over 36 characters', gpt(part('a_partition_name_that_is_far_too_long')), '[1].partitioning.partitions[0].name', 'GPT partition names hold 36 characters'],
    ['a table label that is neither mbr nor gpt', `${DISK}- partitioning: {base: image0, label: dos, partitions: []}\n`, '[1].partitioning.label', 'must be one of mbr, gpt'],
    ['a partition table on a filesystem', `${DISK}- mkfs: {name: fs, base: image0, type: ext4}\n- partitioning: {base: fs, label: mbr, partitions: [{name: p, size: 1MiB}]}\n`, '[2].partitioning.base', '"fs" is a mkfs node'],
    ['a partition without size', mbr('      - {name: a}\n'), '[1].partitioning.partitions[0].size', 'missing required key "size"'],
    ['a VG over an unknown PV', lvm('    pvs: [{name: pv, base: root}]\n    vgs: [{name: vg, base: [pvx]}]\n    lvs: [{name: lv, base: vg, size: 1G}]\n'), '[2].lvm.vgs[0].base', '"pvx" is not defined'],
    ['an LV without size or extents', lvm('    pvs: [{name: pv, base: root}]\n    vgs: [{name: vg, base: [pv]}]\n    lvs: [{name: lv, base: vg}]\n'), '[2].lvm.lvs[0]', "needs 'size' or 'extents'"],
    ['an LV on a PV instead of a VG', lvm('    pvs: [{name: pv, base: root}]\n    vgs: [{name: vg, base: [pv]}]\n    lvs: [{name: lv, base: pv, size: 1G}]\n'), '[2].lvm.lvs[0].base', '"pv" is not a VG of this lvm entry'],
    ['an LV base given as a list', lvm('    pvs: [{name: pv, base: root}]\n    vgs: [{name: vg, base: [pv]}]\n    lvs: [{name: lv, base: [vg], size: 1G}]\n'), '[2].lvm.lvs[0].base', 'must be string'],
    ['an unknown LV type', lvm('    pvs: [{name: pv, base: root}]\n    vgs: [{name: vg, base: [pv]}]\n    lvs: [{name: lv, base: vg, size: 1G, type: thin-pol}]\n'), '[2].lvm.lvs[0].type', 'must be one of thin, thin-pool'],
    ['a thin LV without a pool', lvm('    pvs: [{name: pv, base: root}]\n    vgs: [{name: vg, base: [pv]}]\n    lvs: [{name: lv, base: vg, size: 1G, type: thin}]\n'), '[2].lvm.lvs[0]', "a thin LV needs 'thin-pool'"],
    ['malformed extents', lvm('    pvs: [{name: pv, base: root}]\n    vgs: [{name: vg, base: [pv]}]\n    lvs: [{name: lv, base: vg, extents: 28%GV}]\n'), '[2].lvm.lvs[0].extents', 'must be a count or a percentage'],
    ['an fsck pass over 2', `${DISK}- mkfs: {name: a, base: image0, type: ext4, mount: {mount_point: /, fstab: {fsck-passno: 3}}}\n`, '[1].mkfs.mount.fstab.fsck-passno', 'must be <= 2'],
    ['fstab options with spaces', `${DISK}- mkfs: {name: a, base: image0, type: ext4, mount: {mount_point: /, fstab: {options: 'defaults, noatime'}}}\n`, '[1].mkfs.mount.fstab.options', 'must not contain spaces'],
    ['a dependency cycle', '- mkfs: {name: a, base: b, type: ext4}\n- mkfs: {name: b, base: a, type: ext4}\n', '[0].mkfs.base', 'dependency cycle: a -> b -> a'],
    ['YAML that does not parse', '- local_loop: {name: image0\n', 'line 2, column 1', 'not valid YAML or JSON'],
    ['an empty config', '# nothing\n', '', 'the config is empty'],
  ])('%s', async (_what, text, path, fragment) => {
    const err = await rejection(text);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.exitCode).toBe(2);
    const problems = err.context.problems ?? [];
    expect(problems.filter((p) => p.path === path).map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringContaining(fragment)]));
  });
});

describe('the CONFIG_INVALID report', () => {
  const many = `${DISK}- mkfs: {name: a, base: x1, type: ext4}\n- mkfs: {name: b, base: x2, type: ext4}\n- mkfs: {name: c, base: x3, type: ext4}\n- mkfs: {name: d, base: x4, type: ext4}\n- mkfs: {name: e, base: x5, type: ext4}\n- mkfs: {name: f, base: x6, type: ext4}\n- mkfs: {name: g, base: x7, type: ext4}\n- mkfs: {name: h, base: x8, type: ext4}\n- mkfs: {name: i, base: x9, type: ext4}\n- mkfs: {name: j, base: x10, type: ext4}\n- mkfs: {name: k, base: x11, type: ext4}\n`;

  it('names the source and the first problem, and keeps every problem in context.problems', async () => {
    const err = await rejection(many);
    expect(err.message).toMatch(/^disk\.yaml \[1\]\.mkfs\.base: "x1" is not defined/);
    expect(err.context.file).toBe('disk.yaml');
    expect(err.context.path).toBe('[1].mkfs.base');
    expect(err.context.problems).toHaveLength(11);
  });

  it('sorts problems by path with [2] before [10]', async () => {
    const err = await rejection(many);
    expect(err.context.problems!.map((p) => p.path)).toEqual(Array.from({ length: 11 }, (_, i) => `[${i + 1}].mkfs.base`));
  });

  it('prints at most four lines, summarising the rest', async () => {
    const lines = formatError(await rejection(many));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^error CONFIG_INVALID: disk\.yaml \[1\]\.mkfs\.base/);
    expect(lines[1]).toContain('[2].mkfs.base');
    expect(lines[3]).toBe('  …and 8 more problems');
  });

  it('prints every problem when there are four or fewer', async () => {
    const lines = formatError(await rejection(`${DISK}- mkfs: {name: a, base: x1, type: ext4}\n- mkfs: {name: b, base: x2, type: ext4}\n`));
    expect(lines).toEqual([expect.stringContaining('[1].mkfs.base'), expect.stringContaining('[2].mkfs.base')]);
  });
});

describe('loadBlockDeviceConfig accepts good configs', () => {
  it("gives DIB's exact call order for deep_tree.yaml", async () => {
    const g = await loadBlockDeviceConfig(readFileSync(join(DIB, 'deep_tree.yaml'), 'utf8'), 'deep_tree.yaml', {});
    expect(g.order).toEqual(['image0', 'root', 'mkfs_root', 'mount_mkfs_root', 'fstab_mount_mkfs_root']);
    expect(g.nodes.find((n) => n.name === 'root')).toMatchObject({ plugin: 'partitioning', kind: 'partition', base: ['image0'], configPath: '[1].partitioning.partitions[0]' });
  });

  it('reads JSON as well as YAML', async () => {
    const g = await loadBlockDeviceConfig('[{"local_loop": {"name": "image0"}}, {"mkfs": {"name": "fs", "base": "image0", "type": "ext4"}}]', 'x.json', {});
    expect(g.edges).toEqual([['image0', 'fs']]);
  });

  it('reads the early list-of-levels form', async () => {
    const g = await loadBlockDeviceConfig('[[["local_loop", {"name": "rootdisk"}]], [["mkfs", {"name": "fs", "base": "rootdisk", "type": "xfs"}]]]', 'levels.json', {});
    expect(g.order).toEqual(['rootdisk', 'fs']);
  });

  it('makes one node per partition, PV, VG and LV plus the lvm driver node, with DIB edges', async () => {
    const g = await loadBlockDeviceConfig(readFileSync(join(DIB, 'lvm_tree_spanned_vg.yaml'), 'utf8'), 'spanned', {});
    const kinds = Object.fromEntries(g.nodes.map((n) => [n.name, n.kind]));
    expect(kinds).toMatchObject({ root: 'partition', data1: 'partition', lvm: 'lvm', pv_data1: 'pv', vg_data: 'vg', lv_data: 'lv' });
    expect(g.edges).toEqual(expect.arrayContaining([['data1', 'lvm'], ['data2', 'lvm'], ['lvm', 'pv_data2'], ['pv_data1', 'vg_data'], ['pv_data2', 'vg_data'], ['vg_data', 'lv_data'], ['data1', 'data2']]));
  });

  it('accepts an unknown key with a warning that suggests the right one', async () => {
    const g = await loadBlockDeviceConfig(`${DISK}- mkfs: {name: a, base: image0, type: ext4, mount: {mount_point: /, fstab: {fck-passno: 1}}}\n`, 'disk.yaml', {});
    expect(g.warnings).toEqual([expect.objectContaining({ path: '[1].mkfs.mount.fstab.fck-passno', message: expect.stringContaining('did you mean "fsck-passno"?') })]);
  });

  it('checks partitions against the image size from params when the disk names none', async () => {
    const text = mbr(`      - {name: a, flags: [primary], size: 80MiB}\n`);
    await expect(loadBlockDeviceConfig(text, 'disk.yaml', { imageSize: 200 * MIB })).resolves.toBeDefined();
    const err = await rejection(text, { imageSize: 50 * MIB });
    expect(err.context.problems![0]!.path).toBe('[1].partitioning.partitions[0]');
  });

  it('names a device used twice once per entry (an lvm entry makes a PV and a driver node on it)', async () => {
    const text = gpt(`      - {name: root, size: 1GiB}\n`) + '- mkfs: {name: mkfs_root, base: root, type: ext4}\n- lvm: {name: lvm, base: [root], pvs: [{name: pv, base: root}], vgs: [{name: vg, base: [pv]}], lvs: [{name: lv_x, base: vg, size: 100M}]}\n';
    expect((await rejection(text)).context.problems!.filter((p) => p.message.includes('both made on'))).toHaveLength(1);
  });

  it('warns where DIB would mount a child before its parent, and mounts the parent first', async () => {
    const mk = (n: string, mp: string): string => `- local_loop: {name: disk_${n}}\n- mkfs: {name: ${n}, base: disk_${n}, type: ext4, label: ${n}, mount: {mount_point: ${mp}}}\n`;
    const g = await loadBlockDeviceConfig(`${mk('a', '/var/log')}${mk('b', '/home')}${mk('c', '/')}${mk('d', '/var')}`, 'disk.yaml', {});
    expect(g.mountOrder.map((m) => m.mountPoint)).toEqual(['/', '/home', '/var', '/var/log']);
    expect(g.edges).toEqual(expect.arrayContaining([['mount_d', 'mount_a']]));
    expect(g.warnings.map((w) => w.message)).toEqual([expect.stringContaining('DIB would mount /var/log before /var')]);
  });
});

describe("DIB's _merge_rootfs_params", () => {
  const root = (extra: string): string => `${DISK}- local_loop: {name: image1}\n- mkfs: {name: mkfs_root, base: image0${extra}}\n- mkfs: {name: other, base: image1, type: ext4}\n`;
  const rootConfig = async (extra: string, params: Parameters<typeof loadBlockDeviceConfig>[2]): Promise<Record<string, unknown>> =>
    (await loadBlockDeviceConfig(root(extra), 'disk.yaml', params)).nodes.find((n) => n.name === 'mkfs_root')!.config;

  it('fills type, opts and the historical label of mkfs_root', async () => {
    expect(await rootConfig('', { rootFsType: 'ext4', rootFsOpts: '-i 4096', rootLabel: undefined })).toMatchObject({ type: 'ext4', opts: '-i 4096', label: 'cloudimg-rootfs' });
  });

  it('labels an xfs root img-rootfs (cloudimg-rootfs is too long for xfs)', async () => {
    expect(await rootConfig('', { rootFsType: 'xfs' })).toMatchObject({ type: 'xfs', label: 'img-rootfs' });
  });

  it("prefers the build's root label, and the config's own values over both", async () => {
    expect(await rootConfig('', { rootFsType: 'ext4', rootLabel: 'myroot' })).toMatchObject({ label: 'myroot' });
    expect(await rootConfig(', type: btrfs, label: mine', { rootFsType: 'ext4', rootLabel: 'myroot' })).toMatchObject({ type: 'btrfs', label: 'mine' });
  });

  it('leaves other mkfs nodes alone', async () => {
    const g = await loadBlockDeviceConfig(root(''), 'disk.yaml', { rootFsType: 'xfs' });
    expect(g.nodes.find((n) => n.name === 'other')!.config).toEqual({ name: 'other', base: 'image1', type: 'ext4' });
  });

  it('rejects mkfs_root without a type when the build gives none', async () => {
    const err = await rejection(root(''));
    expect(err.context.problems).toEqual([expect.objectContaining({ path: '[2].mkfs.type', message: 'missing required key "type"' })]);
  });
});

describe('sizeBlockDeviceGraph (the build binds its one graph to the disk size)', () => {
  const text = `${mbr(`      - {name: root, flags: [primary], size: 80MiB}\n`)}- mkfs: {name: mkfs_root, base: root}\n`;

  it("fills mkfs_root's opts from the size step and leaves the loaded graph as it was", async () => {
    const loaded = await loadBlockDeviceConfig(text, 'disk.yaml', { rootFsType: 'ext4' });
    const sized = sizeBlockDeviceGraph(loaded, { rootFsType: 'ext4', imageSize: 200 * MIB, rootFsOpts: '-E resize=1000' });
    expect(sized.nodes.find((n) => n.name === 'mkfs_root')!.config).toMatchObject({ type: 'ext4', opts: '-E resize=1000', label: 'cloudimg-rootfs' });
    expect(loaded.nodes.find((n) => n.name === 'mkfs_root')!.config['opts']).toBeUndefined();
    expect(sized.order).toEqual(loaded.order);
  });

  it('rejects partitions that do not fit the computed disk, naming the partition', async () => {
    const loaded = await loadBlockDeviceConfig(text, 'disk.yaml', { rootFsType: 'ext4' });
    let err: unknown;
    try {
      sizeBlockDeviceGraph(loaded, { rootFsType: 'ext4', imageSize: 50 * MIB });
    } catch (e) {
      err = e;
    }
    expect(isTsdibError(err) && err.context.problems![0]!.path).toBe('[1].partitioning.partitions[0]');
  });
});

describe('filesystems too small for their mkfs', () => {
  const fixed = (type: string, size: string, opts = ''): string => gpt(`      - {name: p, size: ${size}}\n`) + `- mkfs: {name: fs, base: p, type: ${type}${opts}}\n`;

  it('refuses a fixed-size partition at load time, before the disk size is known, naming the node and the minimum', async () => {
    const err = await rejection(fixed('xfs', '200MiB'));
    expect(err.context.problems).toEqual([
      { path: '[2].mkfs.base', message: 'xfs "fs" on partition "p" of 200 MiB: xfs needs at least 300 MiB (mkfs.xfs (xfsprogs 6.1) refuses a smaller one); give partition "p" a size of at least 300 MiB' },
    ]);
    await expect(loadBlockDeviceConfig(fixed('xfs', '300MiB'), 'disk.yaml', {})).resolves.toBeDefined();
  });

  it('checks a partition sized by percentage once the disk size is known (sizeBlockDeviceGraph), and points at the disk', async () => {
    const graph = await loadBlockDeviceConfig(fixed('btrfs', '100%'), 'disk.yaml', {});
    expect(() => sizeBlockDeviceGraph(graph, { imageSize: 1024 * MIB })).not.toThrow();
    let err: unknown;
    try {
      sizeBlockDeviceGraph(graph, { imageSize: 100 * MIB });
    } catch (e) {
      err = e;
    }
    expect(isTsdibError(err) && err.context.problems).toEqual([expect.objectContaining({ path: '[2].mkfs.base', message: expect.stringMatching(/^btrfs "fs" on partition "p" of 9\d(\.\d)? MiB: btrfs needs at least 109 MiB .*make the disk larger \(--image-size/) })]);
  });

  it('takes mkfs options into account: btrfs --mixed makes small filesystems', async () => {
    await expect(loadBlockDeviceConfig(fixed('btrfs', '50MiB', ', opts: "-M"'), 'disk.yaml', {})).resolves.toBeDefined();
    expect((await rejection(fixed('btrfs', '50MiB'))).context.problems![0]!.message).toContain('without --mixed');
  });

  it('checks a filesystem on a whole disk of a given size; ext4 and vfat have no minimum above 1 MiB', async () => {
    expect((await rejection('- local_loop: {name: image0, size: 64MiB}\n- mkfs: {name: fs, base: image0, type: xfs}\n')).context.problems![0]!.message).toContain('on disk "image0" of 64 MiB');
    for (const type of ['ext4', 'vfat', 'swap']) await expect(loadBlockDeviceConfig(`- local_loop: {name: image0, size: 1MiB}\n- mkfs: {name: fs, base: image0, type: ${type}}\n`, 'disk.yaml', {})).resolves.toBeDefined();
  });
});
