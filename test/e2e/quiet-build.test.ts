// `tsdib -q debian vm`: a quiet build's screen is the result alone (outputs with sha256, the log,
// the next step) — under 40 lines — while the whole log is kept in the file it names.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild, type BuildRun } from './helpers/build.js';
import { e2eMissing } from './helpers/requirements.js';
import { skipUnless } from '../helpers/resources.js';

const missing = e2eMissing();
const skip = skipUnless(missing === undefined, 'tsdib -q debian vm', missing ?? '');

describe.skipIf(skip)('tsdib -q debian vm', () => {
  let dir: string;
  let build: BuildRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-quiet-'));
    build = await runBuild(['-q', 'debian', 'vm', '-o', join(dir, 'quiet')]);
    process.stdout.write(`tsdib -q debian vm: ${build.seconds.toFixed(0)} s, ${build.output.split('\n').length} lines\n`);
  }, 30 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints under 40 lines: the output with its sha256, the log and the next step, and no \\r', () => {
    expect(build.status, build.output).toBe(0);
    const lines = build.output.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(40);
    expect(build.output).not.toContain('\r');
    expect(build.output).toMatch(new RegExp(`^qcow2\\s+\\S+ \\S?i?B\\s+${join(dir, 'quiet.qcow2')}$`, 'm'));
    expect(build.output).toMatch(/^\s+sha256 [0-9a-f]{64}$/m);
    expect(build.output).toContain(`next: boot it with: tsdib boot ${join(dir, 'quiet.qcow2')}`);
  });

  it('keeps the whole log, hook output included, in the file it names', () => {
    const file = /^log: (\S+)$/m.exec(build.output)?.[1] ?? '';
    const log = readFileSync(file, 'utf8');
    // finalise.d runs on every build, phase cache hit or not
    expect(log).toMatch(/grub-config\/finalise\.d\/40-grub-config: /);
    expect(log).toContain('✔ disk outputs');
    expect(log).not.toContain('\r');
  });
});
