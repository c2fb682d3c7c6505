import { describe, expect, it } from 'vitest';
import { describeMapping, mappingArgs, namespaceArgs } from '../../../../src/host/userns/id-mapping.js';

const sub = { kind: 'subordinate' as const, uids: { start: 100000, count: 65536 }, gids: { start: 200000, count: 65536 } };

describe('id mapping', () => {
  it('maps root to the user and ids 1… to the subordinate ranges', () => {
    expect(mappingArgs(sub)).toEqual(['--user', '--map-root-user', '--map-users=100000,1,65536', '--map-groups=200000,1,65536']);
  });

  it('maps only root for a single-id namespace', () => {
    expect(mappingArgs({ kind: 'single' })).toEqual(['--user', '--map-root-user']);
  });

  it('adds private mount, PID (with its own /proc) and kill-with-parent options for a build namespace', () => {
    expect(namespaceArgs({ kind: 'single' })).toEqual(['--user', '--map-root-user', '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc']);
  });

  it('says what a mapping means', () => {
    expect(describeMapping(sub)).toBe('root inside = you, ids 1–65536 inside = 100000–165535 (gids from 200000)');
    expect(describeMapping({ kind: 'single' })).toBe('root inside = you, no other ids (single-id mapping)');
  });
});
