#!/usr/bin/env node
// Prepares a checkout to build images or run the tests: npm dependencies, the TypeScript build,
// and (as root) the host packages via `tsdib doctor --install`. Runs before `npm test` and
// `npm run image`; every step is skipped when already done, so it is cheap to run again.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--for-tests');
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

const installedLock = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installedLock) || mtime(join(root, 'package-lock.json')) > mtime(installedLock)) {
  sh('npm', ['ci', '--no-audit', '--no-fund']);
}
// Skip the compile when dist/ is newer than every source file: a rebuild rewrites dist/ under any
// tsdib process already running from it (the test suite runs this while other tests use dist/).
const stamp = join(root, 'dist', '.build-stamp');
const newestSource = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newestSource(p) : mtime(p));
  }, 0);
if (mtime(stamp) <= Math.max(newestSource(join(root, 'src')), mtime(join(root, 'tsconfig.json')), mtime(join(root, 'scripts', 'build.mjs')), mtime(installedLock))) {
  sh(process.execPath, ['scripts/build.mjs']);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

// the tests' tools, or what `npm run image` builds and the README's next step (tsdib boot) runs
const doctor = ['dist/cli/main.js', 'doctor', ...(forTests ? ['--for-tests'] : ['debian', 'vm', '-t', 'qcow2,tar', '--boot'])];
if (process.getuid?.() === 0) {
  sh(process.execPath, [...doctor, '--install']);
} else {
  console.error('prepare: not root, so host packages are only checked, not installed');
  try {
    sh(process.execPath, doctor);
  } catch {
    // doctor printed what is missing; tests that need those tools skip and say why
  }
}
