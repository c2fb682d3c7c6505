import { describe, expect, it } from 'vitest';
import { comparePaths, configProblemsError, sortProblems } from '../../../src/blockdevice/problems.js';

describe('config problem reports', () => {
  it('sorts paths as a reader meets them', () => {
    const paths = ['[10].mkfs', '[2].mkfs.label', '[2].mkfs', '', '[1].partitioning.partitions[10].size', '[1].partitioning.partitions[9].size'];
    expect([...paths].sort(comparePaths)).toEqual(['', '[1].partitioning.partitions[9].size', '[1].partitioning.partitions[10].size', '[2].mkfs', '[2].mkfs.label', '[10].mkfs']);
  });

  it('drops a problem reported twice', () => {
    expect(sortProblems([{ path: '[1]', message: 'm' }, { path: '[1]', message: 'm' }])).toHaveLength(1);
  });

  it('is one CONFIG_INVALID error with exit code 2 naming the source', () => {
    const e = configProblemsError('DIB_BLOCK_DEVICE_CONFIG', [{ path: '[3].mount.mount_point', message: 'bad' }]);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('DIB_BLOCK_DEVICE_CONFIG [3].mount.mount_point: bad');
    expect(e.context.details).toEqual([]);
  });

  it('words a problem without a path as "source: message"', () => {
    expect(configProblemsError('disk.yaml', [{ path: '', message: 'the config is empty' }]).message).toBe('disk.yaml: the config is empty');
  });
});
