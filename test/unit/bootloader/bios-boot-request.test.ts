import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIOS_BOOT_REQUEST, takeBiosBootRequest } from '../../../src/bootloader/bios-boot-request.js';

const trees: string[] = [];
afterEach(() => {
  for (const t of trees.splice(0)) rmSync(t, { recursive: true, force: true });
});

function tree(request: string | undefined): string {
  const t = mkdtempSync(join(tmpdir(), 'tsdib-bios-request-'));
  trees.push(t);
  mkdirSync(join(t, 'tmp'));
  mkdirSync(join(t, 'boot/grub/i386-pc'), { recursive: true });
  writeFileSync(join(t, 'boot/grub/i386-pc/boot.img'), Buffer.alloc(512, 1));
  writeFileSync(join(t, 'boot/grub/i386-pc/core.img'), Buffer.alloc(2048, 2));
  if (request !== undefined) writeFileSync(join(t, BIOS_BOOT_REQUEST), request);
  return t;
}

describe('takeBiosBootRequest', () => {
  it('reads boot.img and core.img from the directory a hook named, and removes the request', async () => {
    const t = tree('/boot/grub/i386-pc\n');
    const r = await takeBiosBootRequest(t);
    expect(r?.directory).toBe('/boot/grub/i386-pc');
    expect(r?.bootImg.length).toBe(512);
    expect(r?.coreImg.length).toBe(2048);
    expect(existsSync(join(t, BIOS_BOOT_REQUEST))).toBe(false);
  });

  it('is undefined when no hook asked', async () => {
    expect(await takeBiosBootRequest(tree(undefined))).toBeUndefined();
  });

  it.each([
    ['a relative path', 'boot/grub/i386-pc', /is not an absolute path inside the image/],
    ['a directory that does not exist', '/boot/grub/x86_64-efi', /names \/boot\/grub\/x86_64-efi, which does not exist in the image/],
    ['a directory without the images', '/boot', /\/boot\/boot.img is not a file in the image/],
  ])('refuses %s', async (_what, request, message) => {
    await expect(takeBiosBootRequest(tree(request))).rejects.toThrow(message);
  });

  it('refuses a directory that leads out of the image through a symbolic link', async () => {
    const t = tree('/boot/escape');
    symlinkSync('/usr/lib', join(t, 'boot/escape'));
    await expect(takeBiosBootRequest(t)).rejects.toThrow(/names \/boot\/escape, which leads out of the image \(a symbolic link\)/);
  });
});
