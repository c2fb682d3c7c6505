// `tsdib doctor` as a user runs it (the compiled CLI): bad input is refused with exit 2 before any check.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

describe('tsdib doctor', () => {
  it('exits 2 naming an unknown element', () => {
    const r = runCli(['doctor', 'tsdib-no-such-element']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error ELEMENT_NOT_FOUND: element 'tsdib-no-such-element' not found");
  });

  it.each([[['-t', 'bogus']], [['debian', 'vm', '-t', 'qcow2,bogus']]])('exits 2 on an unknown -t type (%j)', (args) => {
    const r = runCli(['doctor', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error FLAG_INVALID: -t: unknown output type 'bogus'");
  });

  it('names the expanded elements of the build it checks', () => {
    const r = runCli(['doctor', 'debian', 'vm', '-t', 'qcow2,tar'], { env: { DIB_BLOCK_DEVICE_CONFIG: undefined, ELEMENTS_PATH: undefined } });
    expect(r.stderr).toMatch(/doctor: elements .*\bdebian-rootfs\b.*; outputs qcow2,tar; filesystems/);
    expect(r.stdout).not.toContain('zfs-fuse');
  });
});
