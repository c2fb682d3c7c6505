import { describe, expect, it } from 'vitest';
import { ReleaseStack } from '../../../src/host/release-stack.js';

describe('ReleaseStack', () => {
  it('releases in reverse order of acquisition', async () => {
    const order: string[] = [];
    const s = new ReleaseStack();
    for (const n of ['a', 'b', 'c']) s.push(n, { kind: 'other', description: n }, () => void order.push(n));
    await s.releaseAll();
    expect(order).toEqual(['c', 'b', 'a']);
    expect(s.size).toBe(0);
  });

  it('runs the remaining releases when one fails and reports the failure', async () => {
    const order: string[] = [];
    const s = new ReleaseStack();
    s.push('a', { kind: 'other', description: 'a' }, () => void order.push('a'));
    s.push('b', { kind: 'other', description: 'b' }, () => {
      throw new Error('boom');
    });
    s.push('c', { kind: 'other', description: 'c' }, () => void order.push('c'));
    const failures = await s.releaseAll();
    expect(order).toEqual(['c', 'a']);
    expect(failures).toEqual([{ label: 'b', message: 'boom' }]);
  });

  it('an early release removes the entry so it is not released twice', async () => {
    let n = 0;
    const s = new ReleaseStack();
    const h = s.push('x', { kind: 'other', description: 'x' }, () => void n++);
    await h.release();
    await s.releaseAll();
    expect(n).toBe(1);
  });

  it('tells listeners about every change (the state file follows the stack)', () => {
    const sizes: number[] = [];
    const s = new ReleaseStack();
    s.onChange((e) => sizes.push(e.length));
    const h = s.push('x', { kind: 'dir', path: '/tmp/x' }, () => undefined);
    h.forget();
    expect(sizes).toEqual([1, 0]);
  });
});
