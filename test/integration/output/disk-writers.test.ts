// Our raw, qcow2, vhd and vhd-fixed writers (and the qemu-img-backed vmdk) checked with qemu-img as
// the oracle on sparse fixtures: check exits 0, compare finds the output equal to the raw, VHD sizes
// are exact, and two runs give byte-identical files.
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from '../../../src/output/checksum.js';
import { qcow2Writer } from '../../../src/output/qcow2.js';
import { pumpRawImage } from '../../../src/output/raw-reader.js';
import { rawWriter } from '../../../src/output/raw.js';
import { vhdFixedWriter } from '../../../src/output/vhd-fixed.js';
import { vhdWriter } from '../../../src/output/vhd.js';
import { OUTPUT_WRITERS } from '../../../src/output/writers.js';
import type { OutputOptions, OutputWriter, StreamingWriter } from '../../../src/output/writer.js';
import { makeBigImage, makeEdgesImage, makeSmallImage } from './disk-fixtures.js';
import { check, compare, info } from './qemu-oracle.js';

const MiB = 1 << 20;
const SDE = 1_700_000_000;

function options(compress: boolean, qemu: Record<string, string> = {}): OutputOptions {
  return { compress, qemuImgOptions: new Map(Object.entries(qemu)), sourceDateEpoch: SDE };
}

async function sha256(file: string): Promise<string> {
  return (await hashFile(file, ['sha256'])).sha256 as string;
}

/** The last 512 bytes of a file (a VHD footer). */
function tail512(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(512);
    readSync(fd, b, 0, 512, statSync(file).size - 512);
    return b;
  } finally {
    closeSync(fd);
  }
}

let dir: string;
let raw: string;
let rawSize: number;
let small: string;
let smallSize: number;
let n = 0;
const fresh = (ext: string): string => join(dir, `out-${n++}.${ext}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdib-disk-writers-'));
  raw = join(dir, 'edges.raw');
  rawSize = makeEdgesImage(raw).size;
  small = join(dir, 'small.raw');
  smallSize = makeSmallImage(small).size;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type QemuOptions = Partial<Record<'compat' | 'cluster_size' | 'lazy_refcounts' | 'compression_type', string>>;

describe('qcow2 writer on the edges image', () => {
  it.each<[string, boolean, QemuOptions]>([
    ['plain', false, {}],
    ['compressed', true, {}],
    ['plain, compat=0.10', false, { compat: '0.10' }],
    ['compressed, compat=0.10', true, { compat: '0.10' }],
    ['compressed, 4 KiB clusters', true, { cluster_size: '4k' }],
    ['plain, 2 MiB clusters', false, { cluster_size: '2M' }],
    ['compressed, 2 MiB clusters, lazy refcounts', true, { cluster_size: '2M', lazy_refcounts: 'on' }],
    ['compressed, zstd', true, { compression_type: 'zstd' }],
    ['compressed, zstd, 4 KiB clusters', true, { compression_type: 'zstd', cluster_size: '4k' }],
    ['plain, compression_type=zstd in the header', false, { compression_type: 'zstd' }],
  ])('%s: qemu-img check is clean and compare finds it equal to the raw', async (_name, compress, qemu) => {
    const out = fresh('qcow2');
    await qcow2Writer.write({ rawImage: raw }, out, options(compress, qemu));
    const c = check(out);
    expect(c.out).toContain('No errors were found');
    expect(c.status).toBe(0);
    if (compress) expect(c.out).not.toContain(' 0.00% compressed clusters');
    const cmp = compare(raw, out, 'qcow2');
    expect(cmp.out).toContain('Images are identical');
    expect(cmp.status).toBe(0);
    const i = info(out, 'qcow2');
    expect(i['virtual-size']).toBe(Math.ceil(rawSize / 512) * 512);
    const specific = (i['format-specific'] as { data: Record<string, unknown> }).data;
    expect(specific['compat']).toBe(qemu.compat ?? '1.1');
    expect(i['cluster-size']).toBe(qemu.cluster_size === '4k' ? 4096 : qemu.cluster_size === '2M' ? 2 * MiB : 65536);
    if (qemu.lazy_refcounts) expect(specific['lazy-refcounts']).toBe(true);
    if (qemu.compat !== '0.10') expect(specific['compression-type']).toBe(qemu.compression_type ?? 'zlib');
  });

  it('zstd output is about as small as zlib output and differs from it', async () => {
    const zlib = fresh('qcow2');
    const zstd = fresh('qcow2');
    await qcow2Writer.write({ rawImage: raw }, zlib, options(true));
    await qcow2Writer.write({ rawImage: raw }, zstd, options(true, { compression_type: 'zstd' }));
    expect(statSync(zstd).size).toBeLessThan(statSync(zlib).size * 1.1);
    expect(await sha256(zstd)).not.toBe(await sha256(zlib));
  });

  it('compressed output is smaller than plain output', async () => {
    const plain = fresh('qcow2');
    const packed = fresh('qcow2');
    await qcow2Writer.write({ rawImage: raw }, plain, options(false));
    await qcow2Writer.write({ rawImage: raw }, packed, options(true));
    expect(statSync(packed).size).toBeLessThan(statSync(plain).size * 0.8);
  });
});

describe('vhd writers on the edges image', () => {
  const mibSize = (): number => Math.ceil(rawSize / MiB) * MiB;

  it.each([
    ['dynamic', vhdWriter, {}],
    ['fixed (vhd-fixed)', vhdFixedWriter, {}],
    ['fixed (vhd, subformat=fixed)', vhdWriter, { subformat: 'fixed' }],
  ] as const)('%s: qemu-img reads the exact MiB-rounded size and the same content', async (_name, writer, qemu) => {
    const out = fresh('vhd');
    await writer.write({ rawImage: raw }, out, options(false, qemu));
    const i = info(out, 'vpc');
    expect(i['virtual-size']).toBe(mibSize());
    expect(mibSize() % MiB).toBe(0);
    const cmp = compare(raw, out, 'vpc');
    expect(cmp.out).toContain('Images are identical');
    expect(cmp.status).toBe(0);
    const footer = tail512(out);
    expect(footer.subarray(0, 8).toString('latin1')).toBe('conectix');
    expect(footer.subarray(28, 32).toString('latin1')).toBe('qem2');
    expect(footer.readUInt32BE(24)).toBe(SDE - 946684800);
    if (writer === vhdFixedWriter || 'subformat' in qemu) expect(statSync(out).size).toBe(mibSize() + 512);
  });
});

describe('raw and vmdk writers on the edges image', () => {
  it('raw: a sparse copy, equal to the input, written zeros become holes', async () => {
    const out = fresh('raw');
    await rawWriter.write({ rawImage: raw }, out, options(false));
    expect(statSync(out).size).toBe(rawSize);
    expect(compare(raw, out, 'raw').status).toBe(0);
    // the 8 MiB of written zeros and the unwritten extent's untouched part are not allocated
    expect(statSync(out).blocks * 512).toBeLessThan(statSync(raw).blocks * 512 - 8 * MiB);
  });

  it('vmdk (qemu-img, streamOptimized): equal to the raw', async () => {
    const out = fresh('vmdk');
    await OUTPUT_WRITERS.vmdk!.write({ rawImage: raw }, out, options(true));
    const i = info(out, 'vmdk');
    expect((i['format-specific'] as { data: { 'create-type': string } }).data['create-type']).toBe('streamOptimized');
    expect(compare(raw, out, 'vmdk').status).toBe(0);
  });
});

describe('one pass, several formats, reproducible (small image)', () => {
  const writers: Array<[string, StreamingWriter, OutputOptions]> = [
    ['qcow2', qcow2Writer, options(false)],
    ['qcow2', qcow2Writer, options(true)],
    ['qcow2', qcow2Writer, options(true, { compression_type: 'zstd' })],
    ['vhd', vhdWriter, options(false)],
    ['vhd', vhdFixedWriter, options(false)],
    ['raw', rawWriter, options(false)],
  ];

  async function onePass(noHoleMap = false): Promise<string[]> {
    const image = { path: small, size: smallSize };
    const outs = writers.map(([ext]) => fresh(ext));
    const sinks = await Promise.all(writers.map(([, w, o], i) => w.open(image, outs[i] as string, o)));
    await pumpRawImage(small, sinks, { noHoleMap });
    return outs;
  }

  it('one read of the raw image gives the same bytes as each writer alone', async () => {
    const together = await onePass();
    for (const [i, [ext, w, o]] of writers.entries()) {
      const alone = fresh(ext);
      await (w as OutputWriter).write({ rawImage: small }, alone, o);
      expect(await sha256(alone), `${w.format} ${o.compress ? 'compressed' : ''}`).toBe(await sha256(together[i] as string));
    }
  });

  it('two runs give byte-identical qcow2 (plain, compressed) and VHD (dynamic, fixed) files', async () => {
    const a = await onePass();
    const b = await onePass();
    for (let i = 0; i < a.length; i++) expect(await sha256(a[i] as string)).toBe(await sha256(b[i] as string));
    for (const f of [...a, ...b]) expect(compare(small, f, f.endsWith('.vhd') ? 'vpc' : f.endsWith('.qcow2') ? 'qcow2' : 'raw').status).toBe(0);
  });

  it('reading the whole file without the extent map gives the same bytes', async () => {
    const mapped = await onePass();
    const scanned = await onePass(true);
    for (let i = 0; i < mapped.length; i++) expect(await sha256(scanned[i] as string)).toBe(await sha256(mapped[i] as string));
  });

  it('without SOURCE_DATE_EPOCH or a seed, VHD UUIDs differ between runs', async () => {
    const o: OutputOptions = { compress: false, qemuImgOptions: new Map() };
    const a = fresh('vhd');
    const b = fresh('vhd');
    await vhdFixedWriter.write({ rawImage: small }, a, o);
    await vhdFixedWriter.write({ rawImage: small }, b, o);
    const uuid = (f: string): string => tail512(f).subarray(68, 84).toString('hex');
    expect(uuid(a)).not.toBe(uuid(b));
  });
});

describe('plain qcow2 with more than 2 GiB of data', () => {
  it('spans two refcount blocks and offsets past 4 GiB: check is clean, compare equal', async () => {
    const big = join(dir, 'big.raw');
    const { size, dataBytes } = makeBigImage(big);
    const out = fresh('qcow2');
    await qcow2Writer.write({ rawImage: big }, out, options(false));
    expect(statSync(out).size).toBeGreaterThan(dataBytes);
    expect(statSync(out).size).toBeGreaterThan(2 ** 31);
    const c = check(out);
    expect(c.out).toContain('No errors were found');
    expect(c.status).toBe(0);
    expect(info(out, 'qcow2')['virtual-size']).toBe(size);
    const cmp = compare(big, out, 'qcow2');
    expect(cmp.out).toContain('Images are identical');
    expect(cmp.status).toBe(0);
    rmSync(big);
    rmSync(out);
  }, 180_000);
});
