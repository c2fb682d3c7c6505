// writeOutputs on a raw image: fixes DIB's output bugs (another type no longer switches qcow2
// compression off), validates everything before writing, leaves no temp files, writes 0644 files.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { writeManifest } from '../../../src/output/manifest.js';
import { writeOutputs, type WriteOutputsRequest } from '../../../src/output/write-outputs.js';
import { makeSmallImage } from './disk-fixtures.js';
import { check, compare } from './qemu-oracle.js';

let dir: string;
let raw: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdib-write-outputs-'));
  raw = join(dir, 'small.raw');
  makeSmallImage(raw);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const req = (over: Partial<WriteOutputsRequest>): WriteOutputsRequest => ({
  rawImage: raw, imageName: join(dir, 'out/img'), types: ['qcow2'], compress: true, checksum: false, ...over,
});

describe('writeOutputs with disk formats', () => {
  it('qcow2 stays compressed when vhd and raw come first; all outputs equal the raw', async () => {
    const old = process.umask(0o077);
    let results;
    try {
      results = await writeOutputs(req({ types: ['vhd', 'raw', 'qcow2'], checksum: 'sha256' }));
    } finally {
      process.umask(old);
    }
    expect(results.map((r) => r.type)).toEqual(['vhd', 'raw', 'qcow2']);
    const c = check(join(dir, 'out/img.qcow2'));
    expect(c.status).toBe(0);
    expect(c.out).toMatch(/[1-9][0-9.]*% compressed clusters/);
    expect(compare(raw, join(dir, 'out/img.vhd'), 'vpc').status).toBe(0);
    expect(compare(raw, join(dir, 'out/img.raw'), 'raw').status).toBe(0);
    for (const r of results) {
      expect(statSync(r.path).mode & 0o777).toBe(0o644);
      expect(readFileSync(`${r.path}.sha256`, 'utf8')).toBe(`${r.sha256}  img.${r.type}\n`);
      expect(r.checksumFiles).toEqual([`${r.path}.sha256`]);
    }
    expect(readdirSync(join(dir, 'out')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('-u (compress false) writes a plain qcow2', async () => {
    await writeOutputs(req({ types: ['qcow2'], compress: false, imageName: join(dir, 'plain/img') }));
    expect(check(join(dir, 'plain/img.qcow2')).out).toContain(' 0.00% compressed clusters');
  });

  it('a second run replaces the outputs in place', async () => {
    const first = await writeOutputs(req({ types: ['qcow2'], imageName: join(dir, 'again/img'), seed: 's' }));
    const second = await writeOutputs(req({ types: ['qcow2'], imageName: join(dir, 'again/img'), seed: 's' }));
    expect(second[0]?.sha256).toBe(first[0]?.sha256);
    expect(readdirSync(join(dir, 'again'))).toEqual(['img.qcow2']);
  });

  it.each([
    [{ types: ['qcow3'] }, 'FLAG_INVALID', '-t qcow3'],
    [{ types: [] }, 'FLAG_INVALID', 'name at least one output type'],
    [{ types: ['vhd', 'vhd-fixed'] }, 'FLAG_INVALID', 'both would write'],
    [{ qemuImgOptions: 'backing_file=/x' }, 'FLAG_INVALID', 'backing_file'],
    [{ qemuImgOptions: 'subformat=fixed' }, 'FLAG_INVALID', 'subformat'],
    [{ qemuImgOptions: 'cluster_size=3000' }, 'FLAG_INVALID', 'cluster_size=3000'],
    [{ qemuImgOptions: 'refcount_bits=7' }, 'FLAG_INVALID', 'refcount_bits=7'],
    [{ qemuImgOptions: 'compat=0.10,lazy_refcounts=on' }, 'FLAG_INVALID', 'lazy_refcounts'],
    [{ types: ['vhd'], qemuImgOptions: 'force_size=maybe' }, 'FLAG_INVALID', 'force_size=maybe'],
    [{ checksum: 'sha1' }, 'FLAG_INVALID', 'sha1'],
    [{ types: ['tar'] }, 'OUTPUT_FAILED', 'root tree'],
    [{ env: { SOURCE_DATE_EPOCH: 'yesterday' } }, 'ENV_INVALID', 'SOURCE_DATE_EPOCH'],
  ] as Array<[Partial<WriteOutputsRequest>, string, string]>)('rejects %j with %s before writing anything', async (over, code, fragment) => {
    const imageName = join(dir, 'rejected/img');
    const err = await writeOutputs(req({ ...over, imageName })).catch((e: unknown) => e);
    expect(isTsdibError(err) && err.code).toBe(code);
    expect(isTsdibError(err) && `${err.message} ${err.context.hint ?? ''}`).toContain(fragment);
    expect(() => readdirSync(join(dir, 'rejected'))).toThrow();
  });

  it('writes a manifest with elements, packages, outputs and timings', async () => {
    const outputs = await writeOutputs(req({ types: ['raw'], imageName: join(dir, 'm/img'), checksum: false }));
    const path = await writeManifest({
      imageName: join(dir, 'm/img'),
      elements: ['debian', 'vm'],
      packages: [{ name: 'vim', version: '2:9.0' }, { name: 'bash' }],
      outputs,
      timings: [{ name: 'root.d', seconds: 1.23456 }],
      sourceDateEpoch: 1_700_000_000,
    });
    const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(m).toMatchObject({
      format: 'tsdib-manifest/1',
      created: '2023-11-14T22:13:20.000Z',
      image: 'img',
      elements: ['debian', 'vm'],
      packages: [{ name: 'bash' }, { name: 'vim', version: '2:9.0' }],
      outputs: [{ type: 'raw', file: 'img.raw', path: join(dir, 'm/img.raw'), size: statSync(raw).size, sha256: outputs[0]?.sha256 }],
      timings: [{ name: 'root.d', seconds: 1.235 }],
    });
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });
});
