// The records `--resume` reads: one per build, and a build counts as still running only while the
// very process that wrote the record runs (a pid can be reused; in a new container pids start low).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processStartTime, sameProcessAlive } from '../../../src/host/processes.js';
import { onLogEvent } from '../../../src/log.js';
import { BuildRecord, prepareResume, readBuildRecords, type BuildRecordData } from '../../../src/pipeline/cache/build-record.js';

const GROUP = '0123456789abcdef';
let phaseDir: string;
let messages: string[];
let stopListening: () => void;

beforeEach(() => {
  phaseDir = mkdtempSync(join(tmpdir(), 'tsdib-build-record-'));
  mkdirSync(join(phaseDir, 'builds'));
  messages = [];
  stopListening = onLogEvent((e) => {
    if (e.type === 'log') messages.push(e.message);
  });
});

afterEach(() => {
  stopListening();
  rmSync(phaseDir, { recursive: true, force: true });
});

function writeRecord(name: string, data: Partial<BuildRecordData>): void {
  const record: BuildRecordData = { group: GROUP, label: 'demo (amd64)', pid: 1, workspace: join(phaseDir, 'no-such-workspace'), started: '2026-12-07T00:00:00.000Z', status: 'running', step: 'post-root.d', ...data };
  writeFileSync(join(phaseDir, 'builds', name), JSON.stringify(record));
}

describe('the process identity', () => {
  it('reads our own start time, and knows a live process only with its own start time', () => {
    const ours = processStartTime(process.pid);
    expect(ours).toMatch(/^\d+$/);
    expect(sameProcessAlive(process.pid, ours)).toBe(true);
    expect(sameProcessAlive(process.pid, `${ours}1`)).toBe(false);
    expect(sameProcessAlive(process.pid, undefined)).toBe(true);
  });
});

describe('build records', () => {
  it('gives each build its own file, even two builds of one process, and removes only its own on success', async () => {
    const a = new BuildRecord(phaseDir, { group: GROUP, label: 'demo (amd64)', workspace: '/tmp/a', step: 'phase cache' });
    const b = new BuildRecord(phaseDir, { group: GROUP, label: 'demo (amd64)', workspace: '/tmp/b', step: 'phase cache' });
    await a.start();
    await b.start();
    const records = await readBuildRecords(phaseDir, GROUP);
    expect(records.map((r) => r.workspace).sort()).toEqual(['/tmp/a', '/tmp/b']);
    expect(records[0]!.pidStart).toBe(processStartTime(process.pid));
    await a.finished();
    expect((await readBuildRecords(phaseDir, GROUP)).map((r) => r.workspace)).toEqual(['/tmp/b']);
  });

  it('--resume takes a record with our own pid but another start time for a killed build, and removes it', async () => {
    writeRecord(`${GROUP}.${process.pid}-00000000.json`, { pid: process.pid, pidStart: '1' });
    await prepareResume(phaseDir, GROUP, 'demo (amd64)');
    expect(messages.join('\n')).toMatch(/--resume: the build of demo \(amd64\) started .* was killed at post-root\.d/);
    expect(readdirSync(join(phaseDir, 'builds'))).toEqual([]);
  });

  it('--resume leaves a build that still runs alone, and says so', async () => {
    writeRecord(`${GROUP}.${process.pid}-11111111.json`, { pid: process.pid, pidStart: processStartTime(process.pid) });
    await prepareResume(phaseDir, GROUP, 'demo (amd64)');
    expect(messages.join('\n')).toContain(`--resume: a build of demo (amd64) is still running (pid ${process.pid}`);
    expect(readdirSync(join(phaseDir, 'builds'))).toEqual([`${GROUP}.${process.pid}-11111111.json`]);
  });

  it('--resume reads the shared record of earlier versions too, and names the latest of several', async () => {
    writeRecord(`${GROUP}.json`, { status: 'failed', step: 'install.d', started: '2026-12-06T00:00:00.000Z' });
    writeRecord(`${GROUP}.4242-22222222.json`, { status: 'failed', step: 'finalise.d', error: 'exit 3', started: '2026-12-07T01:00:00.000Z' });
    writeRecord('fedcba9876543210.4242-33333333.json', { group: 'fedcba9876543210', status: 'failed' });
    await prepareResume(phaseDir, GROUP, 'demo (amd64)');
    expect(messages.join('\n')).toContain('--resume: the build of demo (amd64) started 2026-12-07T01:00:00.000Z failed at finalise.d (exit 3) (and 1 earlier unfinished build(s))');
    expect(readdirSync(join(phaseDir, 'builds'))).toEqual(['fedcba9876543210.4242-33333333.json']);
  });
});
