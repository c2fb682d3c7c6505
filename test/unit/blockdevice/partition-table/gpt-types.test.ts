import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { GPT_TYPE_CODES, resolveGptType } from '../../../../src/blockdevice/partition-table/gpt-types.js';
import { MiB, sfdiskJson, sparseImage } from './sparse-image.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('GPT type codes', () => {
  it('every code in the table means the same GUID to sgdisk', async () => {
    const codes = Object.keys(GPT_TYPE_CODES);
    const img = await sparseImage((codes.length + 4) * MiB);
    cleanups.push(img.cleanup);
    const args = codes.flatMap((code, i) => ['-n', `${i + 1}:0:+1M`, '-t', `${i + 1}:${code}`]);
    execFileSync('sgdisk', [img.path, ...args], { stdio: 'ignore' });
    const types = sfdiskJson(img.path).partitions!.map((p) => p.type);
    expect(Object.fromEntries(codes.map((c, i) => [c, types[i]]))).toEqual(Object.fromEntries(codes.map((c) => [c, GPT_TYPE_CODES[c]!.guid])));
  });

  it('has the codes DIB configs and the brief use', () => {
    for (const c of ['0700', '8200', '8300', '8301', '8302', '8304', '8305', '8E00', 'FD00', 'EF00', 'EF01', 'EF02', 'A504', '4100', 'BF00', 'BF01']) {
      expect(GPT_TYPE_CODES[c], c).toBeDefined();
    }
  });

  it.each([
    ['EF00', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B'],
    ['ef02', '21686148-6449-6E6F-744E-656564454649'],
    ['0x8300', '0FC63DAF-8483-4772-8E79-3D69D8477DE4'],
    ['0fc63daf-8483-4772-8e79-3d69d8477de4', '0FC63DAF-8483-4772-8E79-3D69D8477DE4'],
    [' 8e00 ', 'E6D6D379-F507-44C2-A23C-238F2A3DF928'],
  ])('resolves %s', (text, guid) => {
    expect(resolveGptType(text)).toBe(guid);
  });

  it.each(['ZZ00', '83', '0x83', '00000000-0000-0000-0000-000000000000', 'C12A7328-F81F-11D2-BA4B-00A0C93EC93', ''])('rejects %j', (text) => {
    expect(resolveGptType(text)).toBeUndefined();
  });
});
