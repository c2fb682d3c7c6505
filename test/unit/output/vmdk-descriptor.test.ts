import { execFileSync } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dir } from 'tmp-promise';
import { afterEach, describe, expect, it } from 'vitest';
import { derivedCid, pinVmdkDescriptor, rewriteDescriptor, vmdkChange } from '../../../src/output/vmdk-descriptor.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const DESCRIPTOR = `# Disk DescriptorFile
version=1
CID=34824767
parentCID=ffffffff
createType="streamOptimized"

# Extent description
RDONLY 16384 SPARSE "img.vmdk.tmp-4242"

# The Disk Data Base
#DDB
ddb.adapterType = "ide"
`;

describe('rewriteDescriptor', () => {
  it('names the final file in the extent line and sets the CID, leaving parentCID and the rest', () => {
    const out = rewriteDescriptor(DESCRIPTOR, { extentName: 'img.vmdk', cid: '0badf00d' });
    expect(out).toBe(DESCRIPTOR.replace('CID=34824767', 'CID=0badf00d').replace('img.vmdk.tmp-4242', 'img.vmdk'));
    expect(rewriteDescriptor(DESCRIPTOR, { extentName: 'img.vmdk' })).toMatch(/^CID=34824767$/m);
  });

  it('derives the CID from the seed only when the build has a seed or SOURCE_DATE_EPOCH', () => {
    expect(vmdkChange('/o/img.vmdk', {})).toEqual({ extentName: 'img.vmdk' });
    expect(vmdkChange('/o/img.vmdk', { seed: 'a' })).toEqual({ extentName: 'img.vmdk', cid: derivedCid('a') });
    expect(vmdkChange('/o/img.vmdk', { sourceDateEpoch: 1 }).cid).toMatch(/^[0-9a-f]{8}$/);
    expect(derivedCid('a')).not.toBe(derivedCid('b'));
  });
});

describe('pinVmdkDescriptor on qemu-img output', () => {
  it('makes two conversions of one raw image byte-identical; qemu-img still reads the same disk', async () => {
    const d = await dir({ unsafeCleanup: true });
    cleanups.push(d.cleanup);
    const raw = join(d.path, 'disk.raw');
    await writeFile(raw, Buffer.concat([Buffer.alloc(1 << 20, 0), Buffer.alloc(65536, 0x5a), Buffer.alloc(1 << 20, 0)]));
    const made: Buffer[] = [];
    for (const [i, subformat] of [[1, 'streamOptimized'], [2, 'streamOptimized'], [3, 'monolithicSparse'], [4, 'monolithicSparse']] as const) {
      const final = join(d.path, `out${i % 2}`, 'img.vmdk');
      execFileSync('mkdir', ['-p', join(final, '..')]);
      const temp = `${final}.tmp-${1000 + i}`;
      execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', `subformat=${subformat}`, raw, temp]);
      expect(await pinVmdkDescriptor(temp, vmdkChange(final, { seed: 's1' }))).toBe(true);
      await rename(temp, final);
      made.push(await readFile(final));
      const text = (await readFile(final)).toString('latin1');
      expect(text).toMatch(new RegExp(`^CID=${derivedCid('s1')}$`, 'm'));
      expect(text).toMatch(/ SPARSE "img\.vmdk"$/m);
      execFileSync('qemu-img', ['check', final]);
      execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'vmdk', raw, final]);
    }
    expect(made[1]!.equals(made[0]!)).toBe(true);
    expect(made[3]!.equals(made[2]!)).toBe(true);
  });

  it('leaves a file that is not a sparse VMDK alone', async () => {
    const d = await dir({ unsafeCleanup: true });
    cleanups.push(d.cleanup);
    const other = join(d.path, 'x');
    await writeFile(other, Buffer.alloc(4096, 1));
    expect(await pinVmdkDescriptor(other, { extentName: 'x' })).toBe(false);
    expect((await readFile(other)).equals(Buffer.alloc(4096, 1))).toBe(true);
  });
});
