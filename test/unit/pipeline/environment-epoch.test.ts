import { describe, expect, it } from 'vitest';
import { buildEnvironment, type BuildEnvironmentInput } from '../../../src/pipeline/environment.js';

const input = (clearEnv: boolean, hostEnv: Record<string, string>): BuildEnvironmentInput => ({
  clearEnv,
  arch: 'amd64',
  imageName: 'img',
  types: ['qcow2'],
  elements: [],
  searchPath: [],
  workspace: { dir: '/ws', mountPath: '/ws/mnt', hooksPath: '/ws/hooks', imageDir: '/ws/image' },
  imageCache: '/cache',
  debugTrace: 0,
  offline: false,
  installType: undefined,
  noTmpfs: false,
  minTmpfsGB: 2,
  hostEnv,
});

describe('buildEnvironment and SOURCE_DATE_EPOCH', () => {
  it('hands SOURCE_DATE_EPOCH to hooks also under -c, which drops the rest of the caller environment', () => {
    const env = buildEnvironment(input(true, { SOURCE_DATE_EPOCH: '1700000000', OTHER: 'x' }));
    expect(env['SOURCE_DATE_EPOCH']).toBe('1700000000');
    expect(env['OTHER']).toBeUndefined();
    expect(buildEnvironment(input(true, {}))['SOURCE_DATE_EPOCH']).toBeUndefined();
    expect(buildEnvironment(input(false, { SOURCE_DATE_EPOCH: '5' }))['SOURCE_DATE_EPOCH']).toBe('5');
  });
});
