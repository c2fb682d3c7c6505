// The whole pipeline on a tiny, offline operating system (bash alone): phases in DIB's order, in
// and outside the chroot as DIB runs them, with DIB's variables; environment.d sourced; the tidy;
// outputs named <-o>.<type>; and a failing hook reported with its element, phase, script, exit
// code and output — with nothing left on the host either way.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasLoop, skipUnless } from '../../helpers/resources.js';
import { invalidEventLines, readEvents } from '../../helpers/json-events-schema.js';
import { readTarEntries, readTarMember } from '../../helpers/tree-compare.js';
import { runBuild, tail, type BuildRun } from '../../e2e/helpers/build.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'elements');
const skip = skipUnless(hasLoop, 'build pipeline integration', 'needs root and loop devices');
const ENV = { ELEMENTS_PATH: FIXTURES };

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe.skipIf(skip)('build pipeline on a tiny OS', () => {
  let dir: string;
  let ok: BuildRun;
  let failed: BuildRun;
  let interrupted: BuildRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-int-build-'));
    ok = await runBuild(['-n', 'tiny-os', 'record-phases', '-t', 'tar,raw', '-o', join(dir, 'tiny'), '--json-events', join(dir, 'events.jsonl'), '--logfile', join(dir, 'build.log')], {
      // --logfile quiets the terminal as DIB's does, unless DIB_QUIET=0. The hooks before the
      // snapshot record IMAGE_NAME, which the phase-cache key leaves out (docs/caching.md): a
      // variable of this run's own makes the key new, so the record is this run's, not a restored one.
      env: { ...ENV, DIB_QUIET: '0', DIB_PIPELINE_TEST_RUN: dir },
      timeoutMs: 5 * 60_000,
    });
    failed = await runBuild(['-n', 'tiny-os', 'fail-install', '-t', 'raw', '-o', join(dir, 'fail'), '--json-events', join(dir, 'fail-events.jsonl')], { env: ENV, timeoutMs: 5 * 60_000 });
    // -v: the hook's output is on the terminal, where the interrupt waits for it
    interrupted = await runBuild(['-v', '-n', 'tiny-os', 'slow-install', '-t', 'raw', '-o', join(dir, 'slow')], { env: ENV, timeoutMs: 5 * 60_000, interruptWhen: /slow-install: sleeping/ });
  }, 10 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds tiny.tar and tiny.raw and leaves nothing behind', () => {
    expect(ok.status, tail(ok.output)).toBe(0);
    expect(statSync(join(dir, 'tiny.tar')).size).toBeGreaterThan(0);
    expect(statSync(join(dir, 'tiny.raw')).size).toBeGreaterThan(64 * 1024 * 1024);
    expect(ok.workspace).toMatch(/tsdib_build\./);
    expect(ok.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('ends with a table of step seconds and the outputs with their sizes, and writes events and a log file', () => {
    expect(ok.status, tail(ok.output)).toBe(0);
    expect(ok.output).toMatch(/^step\s+seconds$/m);
    expect(ok.output).toMatch(/^block device\s+\d+\.\d$/m);
    expect(ok.output).toMatch(new RegExp(`^tar\\s+\\S+ \\S?i?B\\s+${join(dir, 'tiny.tar')}$`, 'm'));
    expect(ok.output).toMatch(/^\s+sha256 [0-9a-f]{64}$/m);
    expect(ok.output).toContain(`next: boot it with: tsdib boot ${join(dir, 'tiny.raw')}`);
    expect(ok.output).toMatch(/^log: /m);
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; name?: string });
    const ends = events.filter((e) => e.type === 'step-end').map((e) => e.name);
    expect(ends).toContain('block device');
    expect(ends).toContain('disk outputs');
    expect(readFileSync(join(dir, 'build.log'), 'utf8')).toContain('disk outputs');
  });

  it('writes tiny.manifest.json whose sha256 values match the output files, and ends its events with the result', async () => {
    expect(ok.status, tail(ok.output)).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'tiny.manifest.json'), 'utf8')) as {
      tsdib: string;
      elements: string[];
      planKey: string;
      phaseCache: { key: string; restored: boolean };
      outputs: Array<{ type: string; file: string; path: string; size: number; sha256: string }>;
      timings: Array<{ name: string; seconds: number }>;
    };
    expect(manifest.tsdib).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.elements).toEqual(expect.arrayContaining(['tiny-os', 'record-phases']));
    expect(manifest.planKey).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.phaseCache.key).toMatch(/^[0-9a-f]{32}$/);
    expect(manifest.phaseCache.restored).toBe(false);
    expect(manifest.outputs.map((o) => o.type).sort()).toEqual(['raw', 'tar']);
    for (const o of manifest.outputs) {
      expect(o.path).toBe(join(dir, o.file));
      expect(o.size).toBe(statSync(o.path).size);
      expect(o.sha256).toBe(await sha256File(o.path));
    }
    expect(manifest.timings.map((t) => t.name)).toContain('disk outputs');
    const text = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    expect(invalidEventLines(text)).toEqual([]);
    const result = readEvents(text).at(-1) as { type: string; outputs: Array<{ path: string; size: number; sha256: string }>; manifest: string };
    expect(result.type).toBe('result');
    expect(result.manifest).toBe(join(dir, 'tiny.manifest.json'));
    expect(result.outputs.map((o) => [o.path, o.size, o.sha256]).sort()).toEqual(manifest.outputs.map((o) => [o.path, o.size, o.sha256]).sort());
  });

  it('ends the events of a failed build with an error event (HOOK_FAILED, exit code 1)', () => {
    expect(failed.status).toBe(1);
    const text = readFileSync(join(dir, 'fail-events.jsonl'), 'utf8');
    expect(invalidEventLines(text)).toEqual([]);
    expect(readEvents(text).at(-1)).toMatchObject({ type: 'error', code: 'HOOK_FAILED', exitCode: 1 });
  });

  it('runs every phase in DIB order, in or outside the chroot as DIB does, with its variables', async () => {
    expect(ok.status, tail(ok.output)).toBe(0);
    const log = (await readTarMember(join(dir, 'tiny.tar'), '/record.log'))?.toString('utf8') ?? '';
    const rows = log.trim().split('\n').map((l) => l.split('|'));
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual([
      'root.d host',
      'extra-data.d host',
      'pre-install.d chroot',
      'install.d chroot',
      'post-install.d chroot',
      'post-root.d host',
      'block-device.d host',
      'pre-finalise.d host',
      'finalise.d chroot',
      'cleanup.d host',
    ]);
    const byPhase = Object.fromEntries(rows.map((r) => [r[0], Object.fromEntries(r.slice(2).map((kv) => kv.split('=') as [string, string]))]));
    // TARGET_ROOT only where DIB sets it
    expect(byPhase['root.d']?.['TARGET_ROOT']).toMatch(/tsdib_build\..*\/mnt$/);
    expect(byPhase['cleanup.d']?.['TARGET_ROOT']).toMatch(/tsdib_build\..*\/mnt$/);
    expect(byPhase['install.d']?.['TARGET_ROOT']).toBe('unset');
    // the block device from pre-finalise.d on; the size from the size step on
    expect(byPhase['post-root.d']?.['IMAGE_BLOCK_DEVICE']).toBe('unset');
    expect(byPhase['finalise.d']?.['IMAGE_BLOCK_DEVICE']).toMatch(/^\/dev\/loop\d+$/);
    expect(byPhase['block-device.d']?.['DIB_IMAGE_SIZE']).toMatch(/^\d+$/);
    for (const r of Object.values(byPhase)) {
      expect(r['TINY_FROM_ENV']).toBe('sourced');
      expect(r['ARCH']).toBe('amd64');
      expect(r['IMAGE_NAME']).toBe(join(dir, 'tiny'));
    }
  });

  it('tidies the image: /var/log files truncated, /tmp empty, fstab written', async () => {
    const tar = join(dir, 'tiny.tar');
    const entries = await readTarEntries(tar);
    expect(entries.find((e) => e.path === '/var/log/build.log')?.size).toBe(0);
    expect(entries.filter((e) => e.path.startsWith('/tmp/')).map((e) => e.path)).toEqual([]);
    expect(entries.find((e) => e.path === '/tmp')?.type).toBe('dir');
    expect(entries.some((e) => e.path === '/usr/sbin/policy-rc.d' || e.path === '/etc/resolv.conf')).toBe(false);
    expect((await readTarMember(tar, '/etc/fstab'))?.toString('utf8')).toMatch(/^LABEL=cloudimg-rootfs\s+\/\s+ext4/m);
  });

  it('reports a failing hook as HOOK_FAILED with element, phase, script, exit code and output', () => {
    expect(failed.status).toBe(1);
    expect(failed.output).toMatch(/error HOOK_FAILED: element fail-install, install\.d\/50-fail \(in chroot\) exited 3 after \d+\.\d s/);
    expect(failed.output).toMatch(/\| fail-install: about to fail/);
    // the hook's output is folded off the screen; the whole log named there has it, without \r
    const whole = /^whole log: (\S+)$/m.exec(failed.output)?.[1] ?? '';
    const log = readFileSync(whole, 'utf8');
    expect(log).toMatch(/fail-install\/install\.d\/50-fail: fail-install: about to fail/);
    expect(log).not.toContain('\r');
    expect(failed.output).not.toMatch(/fail-install\/install\.d\/50-fail: fail-install: about to fail/);
    expect(failed.workspace).toMatch(/tsdib_build\./);
    expect(failed.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('stops on SIGINT in a chroot hook: exit 130, INTERRUPTED, nothing left behind', () => {
    expect(interrupted.status, tail(interrupted.output)).toBe(130);
    expect(interrupted.output).toMatch(/error INTERRUPTED: interrupted by SIGINT/);
    expect(interrupted.workspace).toMatch(/tsdib_build\./);
    expect(interrupted.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });
});
