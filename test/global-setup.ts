// Runs once before the suite: makes sure the compiled CLI the tests spawn is current.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/cli.js';

export default function setup(): void {
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    // tells scripts/prepare.mjs (run again by the README-command test) that dist/ is current
    writeFileSync(join(REPO_ROOT, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
  } catch (e) {
    if (process.env['TSDIB_TEST_ALLOW_TYPE_ERRORS'] !== '1') throw e;
    console.error('global-setup: type errors ignored (TSDIB_TEST_ALLOW_TYPE_ERRORS=1)');
  }
}
