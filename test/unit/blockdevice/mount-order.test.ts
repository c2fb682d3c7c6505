import { describe, expect, it } from 'vitest';
import { dibMountOrder, isAncestor, mountOrder } from '../../../src/blockdevice/mount-order.js';

const list = (mps: string[]): Array<{ mountPoint: string }> => mps.map((mountPoint) => ({ mountPoint }));
const dib = (mps: string[]): string[] => dibMountOrder(list(mps)).map((m) => m.mountPoint);

// Expected lists were computed by DIB 3.13 itself (Mount.__init__'s insert-and-sort with cmp_mount_order, Python 3.11).
describe("DIB's mount order", () => {
  it.each([
    [['/', '/var', '/var/log', '/var/log/audit', '/tmp', '/home'], ['/', '/var', '/var/log', '/var/log/audit', '/tmp', '/home']],
    [['/boot/efi', '/', '/tmp', '/var', '/var/log', '/var/log/audit', '/home'], ['/', '/boot/efi', '/tmp', '/var', '/var/log', '/var/log/audit', '/home']],
    [['/boot', '/', '/var'], ['/', '/boot', '/var']],
    [['/home', '/var/log', '/', '/var', '/boot', 'none'], ['/', '/home', '/var', '/var/log', '/boot', 'none']],
    [['/var/log', '/home', '/', '/var', '/boot', 'none'], ['/', '/var/log', '/home', '/var', '/boot', 'none']],
    [['/usr/local', '/usr', '/', '/home', '/boot/efi', '/boot'], ['/', '/usr', '/usr/local', '/home', '/boot', '/boot/efi']],
    [['/srv', '/opt', '/var/tmp', '/', '/var'], ['/', '/srv', '/opt', '/var', '/var/tmp']],
  ])('%j → %j', (given, expected) => {
    expect(dib(given)).toEqual(expected);
  });

  it('drops a repeated mount point (reported elsewhere as a duplicate)', () => {
    expect(dib(['/', '/var', '/var'])).toEqual(['/', '/var']);
  });
});

describe('mountOrder', () => {
  it("keeps DIB's order when it mounts every parent first, even if that is not string order", () => {
    const r = mountOrder(list(['/', '/var', '/var/log', '/tmp', '/home']));
    expect(r.order.map((m) => m.mountPoint)).toEqual(['/', '/var', '/var/log', '/tmp', '/home']);
    expect(r.corrected).toBeUndefined();
  });

  it('uses string order where DIB would mount /var/log before /var', () => {
    const r = mountOrder(list(['/var/log', '/home', '/', '/var']));
    expect(r.order.map((m) => m.mountPoint)).toEqual(['/', '/home', '/var', '/var/log']);
    expect(r.corrected).toEqual({ child: '/var/log', parent: '/var' });
  });

  it('knows / is above everything and /var is not above /var2', () => {
    expect(isAncestor('/', '/boot')).toBe(true);
    expect(isAncestor('/var', '/var/log')).toBe(true);
    expect(isAncestor('/var', '/var2')).toBe(false);
    expect(isAncestor('/var', '/var')).toBe(false);
  });
});
