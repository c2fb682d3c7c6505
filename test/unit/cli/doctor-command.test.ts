// `tsdib doctor` as a user runs it (the compiled CLI): bad input is refused with exit 2 before any check.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
    expect(r.stderr).toContain("error FLAG_INVALID: -t bogus: unknown output type");
  });

  it('names the expanded elements of the build it checks', () => {
    const r = runCli(['doctor', 'debian', 'vm', '-t', 'qcow2,tar'], { env: { DIB_BLOCK_DEVICE_CONFIG: undefined, ELEMENTS_PATH: undefined } });
    expect(r.stderr).toMatch(/doctor: elements .*\bdebian-rootfs\b.*; outputs qcow2,tar; filesystems/);
    expect(r.stdout).not.toContain('zfs-fuse');
  });

  describe('with a DIB-style tree whose debootstrap element cannot build DIB_RELEASE', () => {
    // DIB's shape: ubuntu-minimal provides the OS and depends on debootstrap (not a built-in name)
    const tree = mkdtempSync(join(tmpdir(), 'tsdib-doctor-dib-'));
    afterAll(() => rmSync(tree, { recursive: true, force: true }));
    for (const e of ['ubuntu-minimal', 'debootstrap']) mkdirSync(join(tree, e));
    writeFileSync(join(tree, 'ubuntu-minimal', 'element-deps'), 'debootstrap\n');
    writeFileSync(join(tree, 'ubuntu-minimal', 'element-provides'), 'operating-system\n');

    it('stops with the build\'s error and exit 2, saying how to reach tsdib\'s own ubuntu-minimal', () => {
      const r = runCli(['doctor', 'ubuntu-minimal'], { env: { ELEMENTS_PATH: tree, DIB_RELEASE: 'tsdib-no-such-release', DIB_DEBIAN_DEBOOTSTRAP_SCRIPT: undefined, DIB_BLOCK_DEVICE_CONFIG: undefined } });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("error ENV_INVALID: DIB_RELEASE=tsdib-no-such-release: the host's debootstrap has no script for tsdib-no-such-release");
      expect(r.stderr).toContain('`ELEMENTS_PATH= DIB_RELEASE=tsdib-no-such-release tsdib ubuntu-minimal vm`');
    });

    it('passes that check when DIB_DEBIAN_DEBOOTSTRAP_SCRIPT names the script', () => {
      const r = runCli(['doctor', 'ubuntu-minimal'], { env: { ELEMENTS_PATH: tree, DIB_RELEASE: 'tsdib-no-such-release', DIB_DEBIAN_DEBOOTSTRAP_SCRIPT: '/usr/share/debootstrap/scripts/gutsy', DIB_BLOCK_DEVICE_CONFIG: undefined } });
      expect(r.stderr).not.toContain('ENV_INVALID');
      expect(r.status).not.toBe(2);
    });
  });
});
