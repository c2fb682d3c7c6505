import { describe, expect, it } from 'vitest';
import { NUMBER_RULES, numberProblem, type NumberRule } from '../../../src/pipeline/number-rules.js';

const WHOLE: NumberRule = { integer: true, min: 0, max: 10, why: 'ten is plenty', unit: 'things' };
const POSITIVE: NumberRule = { min: 0, minExclusive: true, max: 2.5, why: 'small', unit: 'GB' };

describe('numberProblem', () => {
  it.each(['0', '7', ' 10 '])('accepts the whole number %j within the limits', (v) => {
    expect(numberProblem(v, WHOLE)).toBeUndefined();
  });

  it.each(['1.5', '-1', 'x', '', '1e3', '0x10'])('refuses %j where a whole number >= 0 is expected', (v) => {
    expect(numberProblem(v, WHOLE)).toBe('expected a whole number >= 0 (things)');
  });

  it('refuses a value above the maximum, saying why', () => {
    expect(numberProblem('11', WHOLE)).toBe('too large; at most 10 (ten is plenty)');
  });

  it.each(['2.5', '.5', '1.'])('accepts the number %j above an exclusive minimum', (v) => {
    expect(numberProblem(v, POSITIVE)).toBeUndefined();
  });

  it('refuses the exclusive minimum itself', () => {
    expect(numberProblem('0', POSITIVE)).toBe('expected a number > 0 (GB)');
  });

  it('every build rule has a sane range and a reason for its maximum', () => {
    for (const rule of Object.values(NUMBER_RULES)) {
      expect(rule.max).toBeGreaterThan(rule.min);
      expect(rule.why).not.toBe('');
      expect(numberProblem(String(rule.max), rule)).toBeUndefined();
      expect(numberProblem(String(rule.max + 1), rule)).toMatch(/^too large/);
    }
  });
});
