// --write-to: our NBD client streams a raw disk into real NBD servers on loopback — nbdkit's memory
// plugin (with and without WRITE_ZEROES) and qemu-nbd over TCP and a unix socket — and qemu-img
// finds each export identical to the disk and to our qcow2 of it, holes and old contents included.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { checkNbdTarget, writeRawToNbd } from '../../../src/nbd/write-to-nbd.js';
import { qcow2Writer } from '../../../src/output/qcow2.js';
import { freePort, missingTools, startService, type Service } from '../../helpers/services.js';
import { makeSmallImage, noise } from '../output/disk-fixtures.js';
import { qemuImg } from '../output/qemu-oracle.js';

const skip = missingTools('--write-to NBD tests', ['nbdkit', 'qemu-nbd', 'qemu-img']);
const MiB = 1 << 20;

describe.skipIf(skip)('--write-to nbd://', () => {
  let dir: string;
  let raw: string;
  let size: number;
  let qcow2: string;
  const services: Service[] = [];

  async function nbdkit(args: string[]): Promise<string> {
    const port = await freePort();
    services.push(await startService('nbdkit', ['--foreground', '--exit-with-parent', '-i', '127.0.0.1', '-p', String(port), ...args], { port }));
    return `nbd://127.0.0.1:${port}`;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-nbd-'));
    raw = join(dir, 'small.raw');
    size = makeSmallImage(raw).size;
    qcow2 = join(dir, 'small.qcow2');
    await qcow2Writer.write({ rawImage: raw }, qcow2, { compress: true, qemuImgOptions: new Map() });
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('nbdkit memory: the export equals the disk and the qcow2 (qemu-img compare)', async () => {
    const uri = await nbdkit(['memory', String(256 * MiB)]);
    const r = await writeRawToNbd(raw, uri);
    expect(r).toMatchObject({ uri, bytes: size, exportBytes: 256 * MiB });
    expect(r.dataBytes).toBeLessThan(size / 4); // holes went as WRITE_ZEROES, not data
    const vsQcow2 = qemuImg(['compare', '-f', 'qcow2', '-F', 'raw', qcow2, uri]);
    expect(vsQcow2.out).toContain('Images are identical');
    expect(vsQcow2.status).toBe(0);
    expect(qemuImg(['compare', '-f', 'raw', '-F', 'raw', raw, uri]).status).toBe(0);
  });

  it('nbdkit without WRITE_ZEROES (nozero filter): holes are written as zeros, over old data', async () => {
    const uri = await nbdkit(['--filter=nozero', 'memory', String(201 * MiB)]);
    // old contents where the disk has holes (and in its written zeros at 60 MiB) must not survive
    for (const at of ['40M', '60M', '130M', '199M']) {
      const r = spawnSync('qemu-io', ['-f', 'raw', '-c', `write -P 0x5a ${at} 1M`, uri], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    expect(qemuImg(['compare', '-f', 'raw', '-F', 'raw', raw, uri]).status).toBe(1);
    await writeRawToNbd(raw, uri);
    expect(qemuImg(['compare', '-f', 'raw', '-F', 'raw', raw, uri]).status).toBe(0);
  });

  it('qemu-nbd over TCP and over a unix socket (nbd+unix://), into a file with old data', async () => {
    const target = join(dir, 'target.raw');
    const fd2 = openSync(target, 'w');
    for (let o = 0; o < size; o += 16 * MiB) writeSync(fd2, noise(MiB, o + 7), 0, MiB, o);
    writeSync(fd2, Buffer.from('x'), 0, 1, size - 1);
    closeSync(fd2);
    const port = await freePort();
    const tcp = await startService('qemu-nbd', ['--persistent', '-f', 'raw', '-b', '127.0.0.1', '-p', String(port), target], { port });
    services.push(tcp);
    await writeRawToNbd(raw, `nbd://127.0.0.1:${port}`);
    await tcp.stop();
    expect(qemuImg(['compare', '-f', 'raw', '-F', 'raw', raw, target]).status).toBe(0);

    const socket = join(dir, 'nbd.sock');
    const unix = await startService('qemu-nbd', ['--persistent', '-f', 'raw', '-x', 'disk', '-k', socket, target], { socket });
    services.push(unix);
    const uri = `nbd+unix:///disk?socket=${socket}`;
    await checkNbdTarget(uri, size);
    await writeRawToNbd(raw, uri);
    expect(qemuImg(['compare', '-f', 'qcow2', '-F', 'raw', qcow2, uri]).status).toBe(0);
    const unknown = await writeRawToNbd(raw, `nbd+unix:///other?socket=${socket}`).catch((e: unknown) => e);
    expect(isTsdibError(unknown) && unknown.message).toContain('no export named "other"');
    await unix.stop();
  });

  it('refuses an export smaller than the disk: FLAG_INVALID before the build, OUTPUT_FAILED when writing', async () => {
    const uri = await nbdkit(['memory', String(100 * MiB)]);
    const before = await checkNbdTarget(uri, size).catch((e: unknown) => e);
    expect(isTsdibError(before) && before.code).toBe('FLAG_INVALID');
    expect(isTsdibError(before) && before.message).toBe(`--write-to ${uri}: the export is ${100 * MiB} bytes, smaller than the ${size}-byte disk`);
    const writing = await writeRawToNbd(raw, uri).catch((e: unknown) => e);
    expect(isTsdibError(writing) && writing.code).toBe('OUTPUT_FAILED');
    expect(isTsdibError(writing) && writing.message).toContain('smaller than the');
    // nothing was written: the export still reads as zeros
    const zeros = join(dir, 'zeros.raw');
    closeSync(openSync(zeros, 'w'));
    expect(qemuImg(['resize', '-f', 'raw', zeros, String(100 * MiB)]).status).toBe(0);
    expect(qemuImg(['compare', '-f', 'raw', '-F', 'raw', zeros, uri]).status).toBe(0);
  });

  it('refuses a read-only export, and only warns when the export does not answer yet', async () => {
    const uri = await nbdkit(['-r', 'memory', String(256 * MiB)]);
    const ro = await checkNbdTarget(uri, size).catch((e: unknown) => e);
    expect(isTsdibError(ro) && ro.message).toContain('read-only');
    const port = await freePort();
    await expect(checkNbdTarget(`nbd://127.0.0.1:${port}`, size)).resolves.toBeUndefined();
    const refused = await writeRawToNbd(raw, `nbd://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(isTsdibError(refused) && refused.message).toBe(`--write-to nbd://127.0.0.1:${port}: cannot connect: ECONNREFUSED`);
  });
});
