import { describe, expect, it } from 'vitest';
import { loadBlockDeviceConfig } from '../../../../src/blockdevice/load-config.js';
import { planOfflineDisk } from '../../../../src/blockdevice/offline/plan-from-graph.js';
import { classifyMbrType } from '../../../../src/blockdevice/plugins/partitioning/check.js';
import { tableLayout } from '../../../../src/blockdevice/plugins/partitioning/table.js';
import { configProblems, DISK, PARAMS } from './config-problems.js';

const MIB = 1024 * 1024;
const table = (label: string, parts: string): string => `${DISK}- partitioning:\n    base: image0\n    label: ${label}\n    partitions:\n${parts}`;

describe('partitioning plugin', () => {
  it.each<[unknown, ReturnType<typeof classifyMbrType>]>([
    ['0x83', { byte: 0x83 }],
    ['ef', { byte: 0xef }],
    ['EF00', { gptCode: 'EF00' }],
    [131, { problem: expect.stringContaining('must be a quoted hex string') }],
    ['0x05', { problem: expect.stringContaining('extended container') }],
    ['0x00', { problem: expect.stringContaining('unused entry') }],
  ])('reads MBR type %j', (type, expected) => {
    expect(classifyMbrType(type)).toEqual(expected);
  });

  it('lays a checked entry out as the build will (MBR aligned to `align`)', () => {
    const entry = { plugin: 'partitioning', name: 'p', configPath: '[1].partitioning', index: 1, config: { base: 'image0', label: 'mbr', align: '2MiB', partitions: [{ name: 'root', size: '100%', flags: ['primary'] }] } };
    const layout = tableLayout(entry, 64 * MIB, 512);
    expect(layout.partitions).toMatchObject([{ name: 'root', number: 1, start: 2 * MIB }]);
  });

  it.each([
    ['the primary flag on GPT', table('gpt', '      - {name: root, size: 100%, flags: [primary]}\n'), '[1].partitioning.partitions[0].flags', 'the primary flag is MBR only'],
    ['a fifth primary on MBR', table('mbr', [1, 2, 3, 4, 5].map((i) => `      - {name: p${i}, size: 1MiB, flags: [primary]}\n`).join('')), '[1].partitioning.partitions[4].flags', 'a 5th primary partition'],
    ['a table on something that is no disk', `${DISK}- mkfs: {name: fs, base: image0, type: ext4}\n- partitioning: {base: fs, label: gpt, partitions: [{name: p, size: 1MiB}]}\n`, '[2].partitioning.base', 'a partition table goes on a disk'],
    ['partitions that do not fit the disk', table('gpt', '      - {name: a, size: 60MiB}\n      - {name: b, size: 60MiB}\n'), '[1].partitioning.partitions[1]', 'on a 67108864-byte disk'],
  ])('refuses %s', async (_, yaml, path, message) => {
    expect(await configProblems(yaml, { imageSize: 64 * MIB })).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('gives offline assembly each partition\'s byte range in the image file', async () => {
    const yaml = table('gpt', '      - {name: esp, size: 16MiB, type: EF00}\n      - {name: root, size: 100%}\n');
    const { disk, state } = await planOfflineDisk(await loadBlockDeviceConfig(yaml, 'disk.yaml', PARAMS), PARAMS);
    expect(disk.layout?.label).toBe('gpt');
    expect(state.blockdev['esp']).toEqual({ device: `/w/images/image0.raw@@${MIB}`, image: '/w/images/image0.raw', offset: MIB, size: 16 * MIB });
  });
});
