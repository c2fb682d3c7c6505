import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCK_SECONDS, lockTimes } from '../../../src/fleet/fleet-queue.js';

describe('lockTimes', () => {
  it('makes the lock last the given seconds and checks for stalled jobs every third of it', () => {
    expect(lockTimes(DEFAULT_LOCK_SECONDS)).toEqual({ lockDuration: 15_000, stalledInterval: 5000 });
    expect(lockTimes(4)).toEqual({ lockDuration: 4000, stalledInterval: 1333 });
  });

  it('never checks more often than every half second', () => {
    expect(lockTimes(1)).toEqual({ lockDuration: 1000, stalledInterval: 500 });
  });
});
