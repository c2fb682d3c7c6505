// Runs once before the suite: makes sure the compiled CLI the tests spawn is current.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  } catch (e) {
    if (process.env['TSDIB_TEST_ALLOW_TYPE_ERRORS'] !== '1') throw e;
    console.error('global-setup: type errors ignored (TSDIB_TEST_ALLOW_TYPE_ERRORS=1)');
  }
}
