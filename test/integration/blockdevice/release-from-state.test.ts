// A build killed with SIGKILL while its block device is mounted: releaseFromState() (what
// `tsdib cleanup` runs) unmounts, removes kernel partitions and detaches loops from the state file.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { releaseFromState, type PartitionDeviceMode } from '../../../src/blockdevice/lifecycle.js';
import { esp, partitionedDisk, rootPartition } from '../../fixtures/block-device/layouts.mjs';
import { REPO_ROOT } from '../../helpers/cli.js';
import { skipUnless } from '../../helpers/resources.js';
import { expectNoLeaks, leaksSince, loadGraph, skipLifecycle, workspacePerTest } from './fixture.js';

const CONFIG = partitionedDisk('gpt', [esp('32MiB'), rootPartition()], { size: '128MiB' });

// runs in a child process from the compiled dist (built by the global setup), then waits to be killed
const CHILD = `
import { writeFileSync } from 'node:fs';
const [lifecycle, releaseStack, graph, params, mode] = process.argv.slice(1);
const { createBlockDevice } = await import(lifecycle);
const { ReleaseStack } = await import(releaseStack);
const s = await createBlockDevice(JSON.parse(graph), JSON.parse(params), new ReleaseStack(), { partitionDevices: mode });
writeFileSync(s.pathOf('/') + '/busy', 'x');
process.stdout.write('ready ' + s.stateFile + '\\n');
setInterval(() => {}, 1000);
`;

function runUntilReady(args: string[]): Promise<{ pid: number; stateFile: string; kill: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\S+)\n/.exec(out);
      if (m) {
        resolve({
          pid: child.pid!,
          stateFile: m[1]!,
          kill: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGKILL');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code} before it was ready:\n${err}`)));
  });
}

const skip =
  skipLifecycle() ||
  skipUnless(existsSync(join(REPO_ROOT, 'dist', 'blockdevice', 'lifecycle.js')), 'killed-build release', 'dist/ is not built');

describe.skipIf(skip)('releaseFromState after a SIGKILLed build', () => {
  // the child's resources are not on this process's stack: a failed test must still release them
  const newWorkspace = workspacePerTest((ws) => releaseFromState(join(ws.params.buildDir, 'block-device', 'state.json')).catch(() => undefined));

  it.each<[PartitionDeviceMode]>([['offset'], ['auto']])('releases mounts, partitions and loops left by the build (%s partition devices)', async (mode) => {
    const ws = await newWorkspace();
    const child = await runUntilReady([
      join(REPO_ROOT, 'dist', 'blockdevice', 'lifecycle.js'),
      join(REPO_ROOT, 'dist', 'host', 'release-stack.js'),
      JSON.stringify(await loadGraph(CONFIG, ws)),
      JSON.stringify(ws.params),
      mode,
    ]);
    expect(child.stateFile).toBe(join(ws.params.buildDir, 'block-device', 'state.json'));
    await child.kill();

    const left = leaksSince(ws);
    expect(left.mounts.sort()).toEqual([ws.params.mountBase, join(ws.params.mountBase, 'boot', 'efi')]);
    expect(left.loops.length).toBeGreaterThanOrEqual(1);
    const disks = left.loops.map((l) => l.slice('/dev/'.length));

    const failures = await releaseFromState(child.stateFile);
    expect(failures).toEqual([]);
    expectNoLeaks(ws);
    // no kernel partition device left behind on the loop devices it used
    for (const d of disks) expect(readdirSync(`/sys/block/${d}`).filter((e) => e.startsWith(`${d}p`))).toEqual([]);
    expect(existsSync(child.stateFile)).toBe(false);
    // a second run finds nothing to do
    expect(await releaseFromState(child.stateFile)).toEqual([]);
  });
});
