import { describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { checkRunsAsRoot } from '../../../src/pipeline/host-user.js';

describe('checkRunsAsRoot', () => {
  it('lets root (and a platform without uids) through', () => {
    expect(() => checkRunsAsRoot(0)).not.toThrow();
    expect(() => checkRunsAsRoot(undefined)).not.toThrow();
  });

  it('refuses any other uid with ROOT_REQUIRED (exit 2), naming the uid and how to run it', () => {
    let err: unknown;
    try {
      checkRunsAsRoot(4242);
    } catch (e) {
      err = e;
    }
    expect(isTsdibError(err) && err.code).toBe('ROOT_REQUIRED');
    expect(isTsdibError(err) && err.exitCode).toBe(2);
    expect(isTsdibError(err) && err.message).toMatch(/^building an image needs root .*uid 4242\)?$/);
    expect(isTsdibError(err) && err.context.hint).toContain('sudo -E tsdib');
  });
});
