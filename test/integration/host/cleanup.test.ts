import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processesUnder } from '../../../src/host/processes.js';
import { runCli, REPO_ROOT } from '../../helpers/cli.js';
import { loopsAndMountsUnder } from '../../helpers/host-state.js';
import { hasLoop, skipUnless } from '../../helpers/resources.js';

const skip = skipUnless(hasLoop, 'tsdib cleanup after SIGKILL', 'needs root and /dev/loop-control');

describe.skipIf(skip)('tsdib cleanup', () => {
  // a failed assertion must not leave the fixture's loop device and mounts on the host
  let leftover: { workspace: string; child: ReturnType<typeof spawn> } | undefined;
  afterEach(() => {
    if (!leftover) return;
    const { workspace, child } = leftover;
    leftover = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (existsSync(workspace)) runCli(['cleanup', workspace]);
    rmSync(workspace, { recursive: true, force: true });
  });

  it('releases the loop device, nested mounts and processes a SIGKILLed build left, and removes its workspace', async () => {
    // only what is under this workspace: builds of other test files may attach and mount meanwhile
    const workspace = mkdtempSync(join(tmpdir(), 'tsdib-cleanup-test-'));
    const child = spawn(process.execPath, [join(REPO_ROOT, 'test/fixtures/scripts/acquire-and-hang.mjs'), join(REPO_ROOT, 'dist'), workspace], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    leftover = { workspace, child };
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
      child.on('exit', (code) => reject(new Error(`fixture exited ${code} before READY`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));

    const left = loopsAndMountsUnder(workspace);
    expect(left.loops).toHaveLength(1);
    expect(left.mounts).toHaveLength(2);
    const state = JSON.parse(readFileSync(join(workspace, 'tsdib-state.json'), 'utf8')) as { resources: unknown[] };
    expect(state.resources).toHaveLength(4);

    const r = runCli(['cleanup', workspace]);
    expect(r.stderr).not.toContain('error');
    expect(r.status).toBe(0);
    expect(loopsAndMountsUnder(workspace)).toEqual({ loops: [], mounts: [] });
    expect(await processesUnder(workspace)).toEqual([]);
    expect(existsSync(workspace)).toBe(false);
  });

  it('refuses a directory that is not a workspace, with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdib-not-ws-'));
    const r = runCli(['cleanup', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('STATE_INVALID');
    expect(existsSync(dir)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
