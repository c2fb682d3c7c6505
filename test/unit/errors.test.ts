import { describe, expect, it } from 'vitest';
import { BadInputs, envInvalid, flagInvalid, isTsdibError, showValue } from '../../src/errors.js';

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
      throw flagInvalid({ flag: '-t', value: 'qcow3', problem: 'unknown output type' });
    });
    bad.sync(() => {
      throw flagInvalid({ flag: '-a', value: 'sparc64', problem: 'unknown architecture' });
    });
    let err: unknown;
    try {
      bad.valuesOrThrow({ plan });
    } catch (e) {
      err = e;
    }
    if (!isTsdibError(err)) throw new Error(`expected a TsdibError, got ${String(err)}`);
    expect(err.isBadInput).toBe(true);
    expect([err.message, ...(err.context.also ?? []).map((e) => e.message)].sort()).toEqual(['-a sparc64: unknown architecture', '-t qcow3: unknown output type']);
  });

  it('names a value left undefined without a problem as an internal error', () => {
    expect(() => new BadInputs().valuesOrThrow({ graph: undefined })).toThrow('internal: graph undefined though no check failed');
  });
});

describe('flagInvalid composes the one line from typed fields', () => {
  it('writes "FLAG VALUE: expected …" and keeps flag, value and expected as fields', () => {
    const e = flagInvalid({ flag: '--cpus', value: 'many', expected: 'a whole number of at least 1' });
    expect(e.code).toBe('FLAG_INVALID');
    expect(e.message).toBe('--cpus many: expected a whole number of at least 1');
    expect(e.context).toMatchObject({ flag: '--cpus', value: 'many', expected: 'a whole number of at least 1' });
    expect(e.context.problem).toBeUndefined();
    expect(e.exitCode).toBe(2);
  });

  it('writes "FLAG VALUE: problem" and keeps the hint and the other context', () => {
    const e = flagInvalid({ flag: '--seed', value: '/no/seed', problem: 'no such file or directory', hint: 'give a directory', file: '/no/seed' });
    expect(e.message).toBe('--seed /no/seed: no such file or directory');
    expect(e.context).toMatchObject({ flag: '--seed', value: '/no/seed', problem: 'no such file or directory', hint: 'give a directory', file: '/no/seed' });
  });

  it('leaves the value out when the flag itself is the problem', () => {
    const e = flagInvalid({ flag: '-t docker', problem: 'needs --docker-target REPO:TAG (the image to create)' });
    expect(e.message).toBe('-t docker: needs --docker-target REPO:TAG (the image to create)');
    expect(e.context.value).toBeUndefined();
  });

  it('shows a number as typed and a list of values comma-separated', () => {
    expect(flagInvalid({ flag: '--timeout', value: 0, expected: 'seconds, more than 0' }).message).toBe('--timeout 0: expected seconds, more than 0');
    const list = flagInvalid({ flag: '-p', value: ['--force-yes', 'vim'], problem: 'not a package name' });
    expect(list.message).toBe('-p "--force-yes", vim: not a package name');
    expect(list.context.value).toEqual(['--force-yes', 'vim']);
  });

  it.each([
    ['qcow2', 'qcow2'],
    ['/tmp/out/img', '/tmp/out/img'],
    ['', '""'],
    ['two words', '"two words"'],
    ['a\nb', '"a\\nb"'],
    ['-x', '"-x"'],
    ['say "hi"', '"say \\"hi\\""'],
  ])('shows %j as %s', (value, shown) => {
    expect(showValue(value)).toBe(shown);
  });
});

describe('envInvalid composes the one line from typed fields', () => {
  it('writes "NAME=VALUE: expected …" and keeps variable, value and expected as fields', () => {
    const e = envInvalid({ variable: 'DIB_QUIET', value: 'yes', expected: '1 (quiet) or 0' });
    expect(e.code).toBe('ENV_INVALID');
    expect(e.message).toBe('DIB_QUIET=yes: expected 1 (quiet) or 0');
    expect(e.context).toMatchObject({ variable: 'DIB_QUIET', value: 'yes', expected: '1 (quiet) or 0' });
    expect(e.exitCode).toBe(2);
  });

  it('quotes a value only where bare it would mislead, and leaves it out when none is given', () => {
    expect(envInvalid({ variable: 'DIB_IMAGE_SIZE', value: '2 GB', problem: 'not a number' }).message).toBe('DIB_IMAGE_SIZE="2 GB": not a number');
    const e = envInvalid({ variable: 'TSDIB_OVMF_VARS', problem: 'needs TSDIB_OVMF_CODE too', hint: 'set both' });
    expect(e.message).toBe('TSDIB_OVMF_VARS: needs TSDIB_OVMF_CODE too');
    expect(e.context).toMatchObject({ variable: 'TSDIB_OVMF_VARS', problem: 'needs TSDIB_OVMF_CODE too', hint: 'set both' });
  });
});
