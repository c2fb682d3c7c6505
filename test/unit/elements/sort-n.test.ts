import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareSortN, sortN } from '../../../src/elements/sort-n.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';

const noSort = skipUnless(hasCommand('sort'), 'comparison with the real sort -n', 'sort (coreutils) is missing');

const EDGE_CASES = [
  'foo', '01-x_y', '05-bar', '9-z', '10-bar', '10-foo', '100-x', '-5-x', '-x', '-', '--', '00-a', '0-b', '1.5-x', '1.50-y',
  '1.', '.5-q', '-.5', '-0', '007', '7', 'A', 'a', '_a', '10', '010', '99999999999999999999999-big', '1e3', ' 3', 'zz-no-digits',
];

function realSortN(lines: readonly string[]): string[] {
  const out = execFileSync('sort', ['-n'], { input: `${lines.join('\n')}\n`, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  return out.split('\n').slice(0, -1);
}

describe('LANG=C sort -n order', () => {
  it('orders by leading number, no digits as 0, ties by bytes', () => {
    expect(sortN(['100-x', '10-foo', '9-z', 'foo', '10-bar', '05-bar', '01-x_y'])).toEqual(['foo', '01-x_y', '05-bar', '9-z', '10-bar', '10-foo', '100-x']);
  });

  it('puts 100-x after 9-z (numeric, not lexical)', () => {
    expect(compareSortN('100-x', '9-z')).toBeGreaterThan(0);
  });

  it('breaks equal numbers by byte order: 007 < 7, 10-bar < 10-foo, A < _a < a', () => {
    expect(sortN(['7', '007'])).toEqual(['007', '7']);
    expect(sortN(['10-foo', '10-bar'])).toEqual(['10-bar', '10-foo']);
    expect(sortN(['a', '_a', 'A'])).toEqual(['A', '_a', 'a']);
  });

  it('treats names without digits as 0: after negatives, before 1', () => {
    expect(sortN(['1-a', 'zz', '-5-x', '0-b'])).toEqual(['-5-x', '0-b', 'zz', '1-a']);
  });

  it('reads big numbers exactly and decimals as numbers', () => {
    expect(sortN(['99999999999999999999999-big', '99999999999999999999998-big'])).toEqual(['99999999999999999999998-big', '99999999999999999999999-big']);
    expect(sortN(['1.5-x', '1.25-y', '1-z'])).toEqual(['1-z', '1.25-y', '1.5-x']);
  });

  it.skipIf(noSort)('matches the real `LANG=C sort -n` on edge cases', () => {
    expect(sortN(EDGE_CASES)).toEqual(realSortN(EDGE_CASES));
  });

  it.skipIf(noSort)('matches the real `LANG=C sort -n` on random hook-like names', () => {
    const alphabet = '0123456789-_aAzZ';
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const names = new Set<string>();
    while (names.size < 400) {
      const len = 1 + Math.floor(rand() * 6);
      names.add(Array.from({ length: len }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
    }
    expect(sortN([...names])).toEqual(realSortN([...names]));
  });
});
