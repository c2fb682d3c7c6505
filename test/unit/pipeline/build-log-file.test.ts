import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEEP_LOGS, newBuildLogFile, pruneLogs } from '../../../src/pipeline/build-log-file.js';

let cache: string | undefined;
afterEach(() => {
  if (cache) rmSync(cache, { recursive: true, force: true });
});

describe('newBuildLogFile', () => {
  it('names the log after the image (its last path part), the UTC time to the second and the pid, under <cache>/logs', () => {
    cache = mkdtempSync(join(tmpdir(), 'tsdib-logs-'));
    const log = newBuildLogFile(cache, 'out/debian', new Date('2026-12-06T03:04:05.678Z'));
    expect(log.path).toBe(join(cache, 'logs', `debian-20261206T030405Z-${process.pid}.log`));
    expect(existsSync(join(cache, 'logs'))).toBe(false);
    log.prepare();
    expect(existsSync(join(cache, 'logs'))).toBe(true);
  });

  it('prepare leaves room for the new log: KEEP_LOGS - 1 of the old ones stay', () => {
    cache = mkdtempSync(join(tmpdir(), 'tsdib-logs-'));
    const log = newBuildLogFile(cache, 'img');
    log.prepare();
    for (let i = 0; i < KEEP_LOGS + 3; i++) writeFileSync(join(cache, 'logs', `old-${i}.log`), '');
    log.prepare();
    expect(readdirSync(join(cache, 'logs'))).toHaveLength(KEEP_LOGS - 1);
  });
});

describe('pruneLogs', () => {
  it('keeps the newest logs by modification time and leaves other files alone', () => {
    cache = mkdtempSync(join(tmpdir(), 'tsdib-logs-'));
    for (const [name, age] of [['a.log', 30], ['b.log', 10], ['c.log', 20], ['notes.txt', 40]] as const) {
      const path = join(cache, name);
      writeFileSync(path, '');
      const t = Date.now() / 1000 - age;
      utimesSync(path, t, t);
    }
    pruneLogs(cache, 2);
    expect(readdirSync(cache).sort()).toEqual(['b.log', 'c.log', 'notes.txt']);
  });
});
