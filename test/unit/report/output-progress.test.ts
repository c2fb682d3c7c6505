import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputBytesWritten } from '../../../src/report/output-progress.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdib-output-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('outputBytesWritten', () => {
  it("sums what each writer's temp file holds, by type, and ignores finished outputs and other builds' temps", () => {
    writeFileSync(join(dir, 'deb.qcow2.tmp-4242'), Buffer.alloc(1024 * 1024, 1));
    writeFileSync(join(dir, 'deb.tar.tmp-4242'), Buffer.alloc(2 * 1024 * 1024, 1));
    writeFileSync(join(dir, 'deb.raw'), Buffer.alloc(4096, 1));
    writeFileSync(join(dir, 'deb.vhd.tmp-999'), Buffer.alloc(4096, 1));
    expect(outputBytesWritten(join(dir, 'deb'), 4242)).toBe('qcow2 1.0 MiB, tar 2.0 MiB written');
  });

  it('says nothing when no writer has started', () => {
    expect(outputBytesWritten(join(dir, 'other'), 4242)).toBeUndefined();
  });
});
