import { execFileSync, spawnSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { gptChunks, gptIds } from '../../../../src/blockdevice/partition-table/gpt.js';
import { computeLayout, type PartitionSpec } from '../../../../src/blockdevice/partition-table/layout.js';
import { writePartitionTable, type WrittenTable } from '../../../../src/blockdevice/partition-table/write-table.js';
import { GiB, MiB, readBytes, sfdiskJson, sparseImage, tool } from './sparse-image.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function image(size: number): Promise<string> {
  const img = await sparseImage(size);
  cleanups.push(img.cleanup);
  return img.path;
}

async function writeGptImage(diskSize: number, partitions: PartitionSpec[], seed = 'gpt-test'): Promise<{ path: string; table: WrittenTable }> {
  const path = await image(diskSize);
  const table = await writePartitionTable(path, computeLayout({ label: 'gpt', diskSize, partitions }), { seed });
  return { path, table };
}

/**
 * `sgdisk -v` output, stdout and stderr: it exits 0 and may even say "No problems found." after
 * silently loading the backup, so a clean table also has no caution, warning or error line.
 */
function sgdiskVerify(path: string): string {
  const r = spawnSync('sgdisk', ['-v', path], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}
const CLEAN = /^(?![\s\S]*(caution|warning|error|invalid))[\s\S]*No problems found\./i;

const ESP_BIOS_ROOT: PartitionSpec[] = [
  { name: 'ESP', size: { bytes: 550 * MiB }, type: 'EF00' },
  { name: 'BIOS boot', size: { bytes: 8 * MiB }, type: 'EF02' },
  { name: 'root', size: { percent: 100 }, type: '8300' },
];

describe('GPT writer, checked with sgdisk and sfdisk', () => {
  it('ESP 550 MiB + BIOS boot 8 MiB + root (rest): sgdisk verifies it, sfdisk reads every field', async () => {
    const { path, table } = await writeGptImage(2 * GiB, ESP_BIOS_ROOT);
    expect(sgdiskVerify(path)).toMatch(CLEAN);
    const t = sfdiskJson(path);
    expect(t.label).toBe('gpt');
    expect(t.id).toBe(table.diskId);
    expect([t.firstlba, t.lastlba]).toEqual([34, 4194304 - 34]);
    expect(t.partitions!.map((p) => ({ start: p.start, size: p.size, type: p.type, name: p.name, uuid: p.uuid }))).toEqual([
      { start: 2048, size: 550 * 2048, type: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', name: 'ESP', uuid: table.partitions[0]!.partUuid.toUpperCase() },
      { start: 2048 + 550 * 2048, size: 8 * 2048, type: '21686148-6449-6E6F-744E-656564454649', name: 'BIOS boot', uuid: table.partitions[1]!.partUuid.toUpperCase() },
      // 100% of (2 GiB − 2 MiB − 558 MiB) = 1488 MiB
      { start: 2048 + 558 * 2048, size: 1488 * 2048, type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4', name: 'root', uuid: table.partitions[2]!.partUuid.toUpperCase() },
    ]);
    const printed = tool('sgdisk', ['-p', path]);
    expect(printed).toMatch(/^\s+1\s+2048\s+1128447\s+550\.0 MiB\s+EF00\s+ESP$/m);
    expect(printed).toMatch(/^\s+2\s+1128448\s+1144831\s+8\.0 MiB\s+EF02\s+BIOS boot$/m);
    expect(printed).toMatch(/^\s+3\s+1144832\s+4192255\s+1.5 GiB\s+8300\s+root$/m);
  });

  it('is byte-identical to sgdisk run with DIB\'s gpt_efi arguments and the same GUIDs', async () => {
    const parts: PartitionSpec[] = [
      { name: 'ESP', size: { bytes: 8 * MiB }, type: 'EF00' },
      { name: 'BSP', size: { bytes: 8 * MiB }, type: 'EF02', attributes: ['legacy-bios-bootable'] },
      { name: 'Root Part', size: { percent: 100 }, type: '8300' },
    ];
    const { path, table } = await writeGptImage(GiB, parts);
    const theirs = await image(GiB);
    const [u1, u2, u3] = table.partitions.map((p) => p.partUuid);
    execFileSync(
      'sgdisk',
      [theirs, '-U', table.diskId,
        '-n', '1:0:+8M', '-t', '1:EF00', '-c', '1:ESP', '-u', `1:${u1}`,
        '-n', '2:0:+8M', '-t', '2:EF02', '-c', '2:BSP', '-u', `2:${u2}`, '-A', '2:set:2',
        '-n', '3:0:+1006M', '-t', '3:8300', '-c', '3:Root Part', '-u', `3:${u3}`],
      { stdio: 'ignore' },
    );
    const last = GiB / 512 - 1;
    for (const [what, lba, count] of [['protective MBR', 0, 1], ['primary header', 1, 1], ['primary entries', 2, 32], ['backup entries', last - 32, 32], ['backup header', last, 1]] as const) {
      const ours = (await readBytes(path, lba * 512, count * 512)).toString('hex');
      const sg = (await readBytes(theirs, lba * 512, count * 512)).toString('hex');
      expect({ what, bytes: ours }).toEqual({ what, bytes: sg });
    }
  });

  it('a 5-partition table with names that have spaces, and attributes sfdisk names', async () => {
    const parts: PartitionSpec[] = [
      { name: 'EFI System', size: { bytes: 64 * MiB }, type: 'EF00', flags: ['boot'] },
      { name: 'Linux swap', size: { bytes: 32 * MiB }, type: '8200' },
      { name: 'my root fs', size: { percent: 50 }, type: '8304' },
      { name: 'lvm pv', size: { bytes: 100 * MiB }, type: '8E00', attributes: ['required'] },
      { name: 'ZFS pool', size: { percent: 100 }, type: 'BF01', attributes: [63] },
    ];
    const { path } = await writeGptImage(GiB, parts);
    expect(sgdiskVerify(path)).toMatch(CLEAN);
    const t = sfdiskJson(path);
    expect(t.partitions!.map((p) => [p.name, p.type, p.start, p.size, p.attrs])).toEqual([
      ['EFI System', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', 2048, 64 * 2048, 'LegacyBIOSBootable'],
      ['Linux swap', '0657FD6D-A4AB-43C4-84E5-0933C84B4F4F', 2048 + 64 * 2048, 32 * 2048, undefined],
      // 50% of (1022 − 96) MiB = 463 MiB
      ['my root fs', '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709', 2048 + 96 * 2048, 463 * 2048, undefined],
      ['lvm pv', 'E6D6D379-F507-44C2-A23C-238F2A3DF928', 2048 + 559 * 2048, 100 * 2048, 'RequiredPartition'],
      // 100% of (926 − 463 − 100) MiB = 363 MiB
      ['ZFS pool', '6A898CC3-1DD2-11B2-99A6-080020736631', 2048 + 659 * 2048, 363 * 2048, 'GUID:63'],
    ]);
    expect(tool('sgdisk', ['-i', '1', path])).toMatch(/Attribute flags: 0000000000000004/);
  });

  it.each([
    ['1e9 bytes (not a whole MiB)', 1_000_000_000],
    ['an odd sector count', 512 * 2_000_001],
    ['a size that is not a whole sector', 1_000_000_000 + 300],
  ])('puts the backup header at the last whole sector for %s', async (_what, diskSize) => {
    const { path } = await writeGptImage(diskSize, ESP_BIOS_ROOT.map((p) => (p.name === 'ESP' ? { ...p, size: { bytes: 100 * MiB } } : p)));
    // sgdisk warns about the file's odd length itself, not about the table
    expect(sgdiskVerify(path).replace(/^.*Warning: File size is not a multiple of 512 bytes!.*$/gm, '')).toMatch(CLEAN);
    const lastLba = Math.floor(diskSize / 512) - 1;
    const t = sfdiskJson(path);
    expect(t.lastlba).toBe(lastLba - 33);
    expect((await readBytes(path, lastLba * 512, 8)).toString('latin1')).toBe('EFI PART');
    const root = t.partitions![2]!;
    expect(root.size % 2048).toBe(0);
    expect(root.start + root.size - 1).toBeLessThanOrEqual(lastLba - 33);
  });

  it('sgdisk -v notices a header whose CRC no longer matches (so the checks above can fail)', async () => {
    const { path } = await writeGptImage(GiB, ESP_BIOS_ROOT);
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from([0x99]), 0, 1, 512 + 40); // first usable LBA
    await fh.close();
    const out = sgdiskVerify(path);
    expect(out).not.toMatch(CLEAN);
    expect(out).toMatch(/Main header: ERROR/);
  });

  it('a seed gives the same GUIDs every time, another seed or none gives others', () => {
    const layout = computeLayout({ label: 'gpt', diskSize: GiB, partitions: ESP_BIOS_ROOT });
    const hex = (seed?: string): string => Buffer.concat(gptChunks(layout, gptIds(layout, seed === undefined ? {} : { seed })).map((c) => c.bytes)).toString('hex');
    expect(hex('a')).toBe(hex('a'));
    expect(hex('a')).not.toBe(hex('b'));
    expect(hex()).not.toBe(hex());
    const ids = gptIds(layout, { seed: 'a' });
    expect(new Set([ids.diskGuid, ...ids.partitionGuids]).size).toBe(4);
    for (const g of [ids.diskGuid, ...ids.partitionGuids]) expect(g).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it('uses GUIDs the caller gives', async () => {
    const path = await image(GiB);
    const layout = computeLayout({ label: 'gpt', diskSize: GiB, partitions: ESP_BIOS_ROOT });
    const table = await writePartitionTable(path, layout, { diskGuid: '01234567-89ab-4def-8123-456789abcdef', partitionGuids: { root: 'fedcba98-7654-4321-8fed-cba987654321' } });
    const t = sfdiskJson(path);
    expect(t.id).toBe('01234567-89AB-4DEF-8123-456789ABCDEF');
    expect(t.partitions![2]!.uuid).toBe('FEDCBA98-7654-4321-8FED-CBA987654321');
    expect(table.partitions[2]!.partUuid).toBe('fedcba98-7654-4321-8fed-cba987654321');
    expect(tool('blkid', ['-p', '-o', 'export', path])).toMatch(/^PTUUID=01234567-89ab-4def-8123-456789abcdef$/m);
  });

  it('refuses an image file shorter than the layout', async () => {
    const path = await image(GiB - MiB);
    const layout = computeLayout({ label: 'gpt', diskSize: GiB, partitions: ESP_BIOS_ROOT });
    await expect(writePartitionTable(path, layout)).rejects.toMatchObject({ code: 'BLOCK_DEVICE_FAILED' });
  });
});
