// `tsdib test` refuses what it cannot run with exit 2 and one clear message: no checks, a check
// that is missing or not executable, a missing image, an unknown format, missing OVMF, and an
// image without an ext4 root with systemd (found through the FUSE export of its overlay, which is
// then released: no storage daemon, no mount, no work directory left).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { hasCommand, isRoot, skipUnless } from '../../helpers/resources.js';
import { writeTinyGuest } from '../../helpers/tiny-guest.js';

const tools = ['qemu-system-x86_64', 'qemu-img', 'qemu-storage-daemon', 'debugfs', 'sfdisk', 'blkid'];
const skip = skipUnless(tools.every(hasCommand) && isRoot, 'tsdib test bad input', `needs root (FUSE) and ${tools.join(', ')}`);

describe.skipIf(skip)('tsdib test refuses bad input with exit 2', () => {
  let dir: string;
  let runTmp: string;
  let image: string;
  let good: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-test-input-'));
    runTmp = join(dir, 'tmp');
    mkdirSync(runTmp);
    image = join(dir, 'tiny.raw');
    writeTinyGuest(image, 'halt');
    good = join(dir, 'good.sh');
    writeFileSync(good, '#!/bin/sh\ntrue\n');
    chmodSync(good, 0o755);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const test = (args: string[], env: Record<string, string> = {}) => runCli(['test', ...args], { env: { TMPDIR: runTmp, ...env } });

  it('no check', () => {
    const r = test([image]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error FLAG_INVALID: tsdib test: needs at least one CHECK/m);
  });

  it('a check that is not executable, and one that does not exist', () => {
    const plain = join(dir, 'plain.sh');
    writeFileSync(plain, '#!/bin/sh\ntrue\n');
    chmodSync(plain, 0o644);
    const r = test([image, good, plain]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error FLAG_INVALID: check .*plain\.sh: not executable$/m);
    expect(r.stderr).toContain(`hint: chmod +x ${plain}`);
    const missing = test([image, join(dir, 'nope.sh')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error FLAG_INVALID: check .*nope\.sh: no such file$/m);
  });

  it('a missing image and a file of unknown format', () => {
    expect(test([join(dir, 'none.qcow2'), good]).stderr).toMatch(/^error IMAGE_INVALID: image .*none\.qcow2: no such file$/m);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.alloc(4096, 1));
    const r = test([junk, good]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error IMAGE_INVALID: image .*junk\.bin: unknown format/);
  });

  it('--firmware uefi without OVMF', () => {
    const r = test([image, good, '--firmware', 'uefi'], { TSDIB_OVMF_CODE: '/nonexistent/OVMF_CODE.fd', TSDIB_OVMF_VARS: '/nonexistent/OVMF_VARS.fd' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error ENV_INVALID: TSDIB_OVMF_CODE=\/nonexistent\/OVMF_CODE\.fd: no such file/);
  });

  it('an image without an ext4 root filesystem with systemd, and leaves nothing behind', () => {
    const r = test([image, good]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error IMAGE_INVALID: image .*tiny\.raw: tsdib test found no ext4 root filesystem with systemd \(whole disk: no filesystem\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(runTmp)).toEqual([]);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(runTmp);
  });
});
