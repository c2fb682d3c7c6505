import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hookFailed, TsdibError } from '../../../src/errors.js';
import { errorEvent, resultEvent } from '../../../src/report/json-events.js';
import { runCli } from '../../helpers/cli.js';
import { invalidEventLines, readEvents } from '../../helpers/json-events-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdib-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--json-events', () => {
  it('a run with a misspelt element ends with an error event naming ELEMENT_NOT_FOUND and exit code 2', () => {
    const file = join(dir, 'misspelt.jsonl');
    const r = runCli(['debain', 'vm', '-o', join(dir, 'img'), '--json-events', file], { cwd: '/' });
    expect(r.status).toBe(2);
    const text = readFileSync(file, 'utf8');
    expect(invalidEventLines(text)).toEqual([]);
    const events = readEvents(text);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'ELEMENT_NOT_FOUND', exitCode: 2, hint: "did you mean 'debian'?" });
    expect(events.at(-1)?.['message']).toContain('debain');
    expect(events.some((e) => e.type === 'step-start' && e['name'] === 'plan')).toBe(true);
  });

  it('a flag refused before the build is still an error event', () => {
    const file = join(dir, 'bad-flag.jsonl');
    const r = runCli(['debian', '-t', 'qcow3', '-o', join(dir, 'img'), '--json-events', file], { cwd: '/' });
    expect(r.status).toBe(2);
    const events = readEvents(readFileSync(file, 'utf8'));
    expect(invalidEventLines(readFileSync(file, 'utf8'))).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'error', exitCode: 2 });
    expect(String(events.at(-1)?.['message'])).toContain('qcow3');
  });

  it.each([
    ['a TsdibError', hookFailed('element debian, install.d/50-x exited 100', { element: 'debian', outputTail: 'E: broken' }), 'HOOK_FAILED', 1],
    ['an interruption', new TsdibError('INTERRUPTED', 'interrupted by SIGINT', { signal: 'SIGINT' }), 'INTERRUPTED', 130],
    ['an unexpected exception', new TypeError('x is undefined'), 'INTERNAL', 1],
  ])('an error event for %s has code, exit code and message, and fits the schema', (_what, err, code, exitCode) => {
    const e = errorEvent(err, 1);
    expect(e).toMatchObject({ type: 'error', code, exitCode });
    expect(e.message.length).toBeGreaterThan(0);
    expect(invalidEventLines(JSON.stringify(e))).toEqual([]);
  });

  it('a result event lists every output with path, size and sha256, and fits the schema', () => {
    const e = resultEvent({ outputs: [{ type: 'qcow2', path: 'out/x.qcow2', bytes: 4096, sha256: 'ab'.repeat(32), seconds: 1, checksumFiles: [] }], manifest: 'out/x.manifest.json', seconds: 61.23456 }, 2);
    expect(e).toEqual({ type: 'result', outputs: [{ type: 'qcow2', path: 'out/x.qcow2', size: 4096, sha256: 'ab'.repeat(32) }], manifest: 'out/x.manifest.json', seconds: 61.235, t: 2 });
    expect(invalidEventLines(JSON.stringify(e))).toEqual([]);
  });

  it('the schema refuses a line it does not describe', () => {
    expect(invalidEventLines('{"type":"error","code":"HOOK_FAILED","message":"x","t":1}')).toHaveLength(1);
    expect(invalidEventLines('{"type":"progress","t":1}')).toHaveLength(1);
  });
});
