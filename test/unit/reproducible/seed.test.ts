import { describe, expect, it } from 'vitest';
import { derivedUuid, derivedVolumeId } from '../../../src/reproducible/derived-ids.js';
import { buildSeed, DEFAULT_SEED, seedEnvProblem, seedFlag } from '../../../src/reproducible/seed.js';

describe('buildSeed', () => {
  it('takes --seed over TSDIB_SEED, TSDIB_SEED over the default, and the default only with SOURCE_DATE_EPOCH', () => {
    expect(buildSeed('a', { TSDIB_SEED: 'b', SOURCE_DATE_EPOCH: '1' })).toBe('a');
    expect(buildSeed(undefined, { TSDIB_SEED: 'b', SOURCE_DATE_EPOCH: '1' })).toBe('b');
    expect(buildSeed(undefined, { SOURCE_DATE_EPOCH: '1700000000' })).toBe(DEFAULT_SEED);
    expect(buildSeed(undefined, { TSDIB_SEED: '', SOURCE_DATE_EPOCH: '' })).toBeUndefined();
    expect(buildSeed(undefined, {})).toBeUndefined();
  });
});

describe('seed checks', () => {
  it('refuses a --seed with a space, an empty one and one over 128 characters, naming --seed', () => {
    for (const v of ['a b', '', 'x'.repeat(129), 'é']) expect(() => seedFlag(v)).toThrow(/^--seed /);
    expect(seedFlag('host-1.example:v2')).toBe('host-1.example:v2');
  });

  it('refuses a bad TSDIB_SEED unless --seed overrides it', () => {
    expect(seedEnvProblem(undefined, { TSDIB_SEED: 'a/b' })?.message).toBe('TSDIB_SEED=a/b: expected 1 to 128 characters from A-Z a-z 0-9 . _ : @ + -');
    expect(seedEnvProblem(undefined, { TSDIB_SEED: 'a/b' })?.code).toBe('ENV_INVALID');
    expect(seedEnvProblem('ok', { TSDIB_SEED: 'a/b' })).toBeUndefined();
    expect(seedEnvProblem(undefined, { TSDIB_SEED: 'fine' })).toBeUndefined();
  });
});

describe('derived ids', () => {
  it('are a pure function of seed and purpose, different for each', () => {
    expect(derivedUuid('s', 'fs-id:root')).toBe(derivedUuid('s', 'fs-id:root'));
    expect(derivedUuid('s', 'fs-id:root')).not.toBe(derivedUuid('t', 'fs-id:root'));
    expect(derivedUuid('s', 'fs-id:root')).not.toBe(derivedUuid('s', 'fs-id:boot'));
    expect(derivedUuid('s', 'fs-id:root')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedVolumeId('s', 'fs-id:esp')).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(derivedVolumeId('s', 'fs-id:esp')).not.toBe(derivedVolumeId('t', 'fs-id:esp'));
  });

  it('follow the documented rule: sha256("tsdib:<purpose>:<seed>")', async () => {
    const { createHash } = await import('node:crypto');
    const h = createHash('sha256').update('tsdib:fs-id:esp:s').digest('hex').slice(0, 8).toUpperCase();
    expect(derivedVolumeId('s', 'fs-id:esp')).toBe(`${h.slice(0, 4)}-${h.slice(4)}`);
  });
});
