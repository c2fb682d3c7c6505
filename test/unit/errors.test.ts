import { describe, expect, it } from 'vitest';
import { BadInputs, flagInvalid, isTsdibError } from '../../src/errors.js';

describe('BadInputs.valuesOrThrow', () => {
  it('returns the values when no check collected a problem', async () => {
    const bad = new BadInputs();
    const plan = await bad.check(async () => ({ elements: ['base'] }));
    const size = bad.sync(() => 42);
    expect(bad.valuesOrThrow({ plan, size })).toEqual({ plan: { elements: ['base'] }, size: 42 });
  });

  it('throws every collected problem as one bad-input error when a check failed', async () => {
    const bad = new BadInputs();
    const plan = await bad.check(async (): Promise<{ elements: string[] }> => {
      throw flagInvalid('-t: unknown output type');
    });
    bad.sync(() => {
      throw flagInvalid('-a: unknown architecture');
    });
    let err: unknown;
    try {
      bad.valuesOrThrow({ plan });
    } catch (e) {
      err = e;
    }
    if (!isTsdibError(err)) throw new Error(`expected a TsdibError, got ${String(err)}`);
    expect(err.isBadInput).toBe(true);
    expect([err.message, ...(err.context.also ?? []).map((e) => e.message)].sort()).toEqual(['-a: unknown architecture', '-t: unknown output type']);
  });

  it('names a value left undefined without a problem as an internal error', () => {
    expect(() => new BadInputs().valuesOrThrow({ graph: undefined })).toThrow('internal: graph undefined though no check failed');
  });
});
