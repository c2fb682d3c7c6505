// The worked example of docs and README, examples/elements/welcome-banner, built into a Debian VM
// and booted: its package, config file and service show their effect on the serial console.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { skipUnless } from '../helpers/resources.js';
import { runBuild, tail, type BuildRun } from './helpers/build.js';
import { e2eMissing } from './helpers/requirements.js';
import { BOOT_TIMEOUT_MS as BOOT_TIMEOUT, tsdibBoot } from './helpers/tsdib-boot.js';

const missing = e2eMissing();
const skip = skipUnless(missing === undefined, 'e2e example element', missing ?? '');

describe.skipIf(skip)('examples/elements/welcome-banner in `tsdib debian vm welcome-banner`', () => {
  let dir: string;
  let build: BuildRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsdib-e2e-example-'));
    build = await runBuild(['debian', 'vm', 'welcome-banner', '-t', 'qcow2', '-o', join(dir, 'welcome')], {
      env: { ELEMENTS_PATH: join(REPO_ROOT, 'examples', 'elements'), DIB_WELCOME_MESSAGE: 'tsdib example 42' },
    });
    process.stdout.write(`debian vm welcome-banner built in ${build.seconds.toFixed(0)} s (exit ${build.status})\n`);
  }, 30 * 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds and leaves nothing behind', () => {
    expect(build.status, tail(build.output)).toBe(0);
    expect(build.leaked).toEqual({ loops: [], mounts: [], workspaces: [] });
  });

  it('boots and its service prints the configured message with the installed figlet on the console', async () => {
    expect(build.status).toBe(0);
    const r = await tsdibBoot(join(dir, 'welcome.qcow2'), 'bios', { expect: /WELCOME-BANNER: tsdib example 42 \(figlet \d+\)/, logDir: dir, logName: 'console.log' });
    process.stdout.write(`welcome-banner: banner ${r.reached ? 'seen' : 'not seen'} after ${r.seconds.toFixed(0)} s\n`);
    expect(r.reached, r.report).toBe(true);
  }, BOOT_TIMEOUT + 60_000);
});
