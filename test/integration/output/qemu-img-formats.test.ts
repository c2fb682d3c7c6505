// Every format qemu-img writes is a -t type, and --qemu-img-options takes what qemu-img takes:
// outputs through qemu-img compare identical to the raw; our qcow2 writer hands over to qemu-img
// for options it does not do (preallocation, backing_file); qemu-img's own refusal is the error,
// given before anything is written.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTsdibError, type TsdibError } from '../../../src/errors.js';
import { planOutputs } from '../../../src/output/output-plan.js';
import { qcow2Writer } from '../../../src/output/qcow2.js';
import { writeOutputs, type WriteOutputsRequest } from '../../../src/output/write-outputs.js';
import { makeSmallImage } from './disk-fixtures.js';
import { check, compare, info } from './qemu-oracle.js';

let dir: string;
let raw: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdib-qemu-img-formats-'));
  raw = join(dir, 'small.raw');
  makeSmallImage(raw);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const req = (over: Partial<WriteOutputsRequest>): WriteOutputsRequest => ({
  rawImage: raw, imageName: join(dir, 'out/img'), types: ['qcow2'], compress: true, checksum: false, ...over,
});

async function refusal(over: Partial<WriteOutputsRequest>): Promise<TsdibError> {
  const e = await writeOutputs(req(over)).then(() => undefined, (x: unknown) => x);
  if (!isTsdibError(e)) throw new Error(`expected a TsdibError, got ${String(e)}`);
  return e;
}

describe('formats only qemu-img writes', () => {
  it('-t vdi,vhdx,qed,qcow,parallels,vmdk: each compares identical to the raw', async () => {
    const results = await writeOutputs(req({ types: ['vdi', 'vhdx', 'qed', 'qcow', 'parallels', 'vmdk'], imageName: join(dir, 'many/img') }));
    const formats: Record<string, string> = { vdi: 'vdi', vhdx: 'vhdx', qed: 'qed', qcow: 'qcow', parallels: 'parallels', vmdk: 'vmdk' };
    for (const r of results) {
      const cmp = compare(raw, r.path, formats[r.type] as string);
      expect(cmp.status, `${r.type}: ${cmp.out}`).toBe(0);
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(results.map((r) => r.path.slice(dir.length))).toEqual(['/many/img.vdi', '/many/img.vhdx', '/many/img.qed', '/many/img.qcow', '/many/img.hds', '/many/img.vmdk']);
    expect(readdirSync(join(dir, 'many')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('passes each format only the options it takes: static=on to vdi, adapter_type to vmdk', async () => {
    const results = await writeOutputs(req({ types: ['vdi', 'vmdk'], qemuImgOptions: 'static=on,adapter_type=lsilogic', imageName: join(dir, 'opts/img') }));
    expect(compare(raw, results[0]?.path as string, 'vdi').status).toBe(0);
    expect(results[0]?.bytes).toBeGreaterThan(200 * 2 ** 20); // static: fully allocated
    expect(compare(raw, results[1]?.path as string, 'vmdk').status).toBe(0);
    expect((info(results[1]?.path as string, 'vmdk')['format-specific'] as { data: { 'create-type': string } }).data['create-type']).toBe('streamOptimized');
  });
});

describe('qcow2: ours, or qemu-img when the options need it', () => {
  it('compression_type=zstd stays with our writer (compressed, zstd, identical to the raw)', async () => {
    const plan = await planOutputs(req({ qemuImgOptions: 'compression_type=zstd' }));
    expect(plan.outputs[0]?.writer).toBe(qcow2Writer);
    const [r] = await writeOutputs(req({ qemuImgOptions: 'compression_type=zstd', imageName: join(dir, 'zstd/img') }));
    const specific = (info(r?.path as string, 'qcow2')['format-specific'] as { data: Record<string, unknown> }).data;
    expect(specific['compression-type']).toBe('zstd');
    expect(check(r?.path as string).out).toMatch(/[1-9][0-9.]*% compressed clusters/);
    expect(compare(raw, r?.path as string, 'qcow2').status).toBe(0);
  });

  it('preallocation=metadata with -u goes to qemu-img, and the result is identical to the raw', async () => {
    const plan = await planOutputs(req({ compress: false, qemuImgOptions: 'preallocation=metadata' }));
    expect(plan.outputs[0]?.writer).not.toBe(qcow2Writer);
    expect(plan.outputs[0]?.writer.hostCommands).toEqual(['qemu-img']);
    const [r] = await writeOutputs(req({ compress: false, qemuImgOptions: 'preallocation=metadata', imageName: join(dir, 'prealloc/img') }));
    expect(check(r?.path as string).status).toBe(0);
    expect(compare(raw, r?.path as string, 'qcow2').status).toBe(0);
  });

  it('backing_file (relative to the output, as qemu resolves it) goes to qemu-img', async () => {
    const [base] = await writeOutputs(req({ compress: false, imageName: join(dir, 'backed/base') }));
    const [r] = await writeOutputs(req({ compress: false, qemuImgOptions: 'backing_file=base.qcow2,backing_fmt=qcow2', imageName: join(dir, 'backed/img') }));
    expect(info(r?.path as string, 'qcow2')['backing-filename']).toBe('base.qcow2');
    expect(compare(raw, r?.path as string, 'qcow2').status).toBe(0);
    expect(base?.bytes).toBeGreaterThan(0);
  });
});

describe('refusals come from qemu-img, before anything is written', () => {
  it.each([
    ['a key qemu-img does not know', { qemuImgOptions: 'colour=blue' }, "Invalid parameter 'colour'"],
    ['a bad value', { types: ['vdi'], qemuImgOptions: 'static=maybe' }, 'static'],
    ['preallocation with compression (the default)', { qemuImgOptions: 'preallocation=full' }, 'Compression and preallocation not supported at the same time'],
    ['a backing file that does not exist', { compress: false, qemuImgOptions: 'backing_file=nothing.qcow2,backing_fmt=qcow2' }, 'nothing.qcow2'],
    ['a vmdk subformat that writes several files', { types: ['vmdk'], qemuImgOptions: 'subformat=monolithicFlat' }, 'several files'],
  ])('%s', async (_what, over, said) => {
    const out = join(dir, `refused-${Math.random().toString(36).slice(2)}`);
    const e = await refusal({ ...over, imageName: join(out, 'img') });
    expect(e.code).toBe('FLAG_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(said);
    expect(existsSync(out)).toBe(false);
  });

  it('names -u in the hint when compression is what qemu-img refused', async () => {
    const e = await refusal({ qemuImgOptions: 'preallocation=metadata' });
    expect(e.context.hint).toContain('-u');
  });
});
