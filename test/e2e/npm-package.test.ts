// The npm package as a user gets it: from a fresh clone, `npm ci && npm pack` (prepack builds
// dist/), then `npm install -g` of the tarball into a temp prefix, and the clone removed. The
// installed `tsdib` answers --version and plans `debian vm` from `/` (finding its own elements),
// `man tsdib` finds its page, and `tsdib completion` prints a completion script.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

let dir: string;
let prefix: string;
let tarball: string;
let listing: string[];
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function run(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string> }): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: 15 * 60_000, maxBuffer: 64 * 1024 ** 2 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(-3000)}`);
  return r;
}

/** The installed tsdib, run from `/` with the temp prefix's bin first on PATH. */
function tsdib(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(join(prefix, 'bin', 'tsdib'), args, {
    cwd: '/',
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}`, DIB_IMAGE_CACHE: join(dir, 'cache') },
    timeout: 120_000,
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdib-npm-package-'));
  prefix = join(dir, 'prefix');
  const clone = join(dir, 'clone');
  const t0 = performance.now();
  run('git', ['clone', '--quiet', REPO_ROOT, clone], { cwd: dir });
  // a private npm cache would download everything again; the user's cache is what a user has
  run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone });
  const packed = run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: clone });
  const info = (JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!;
  tarball = join(dir, info.filename);
  listing = info.files.map((f) => f.path);
  run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { cwd: dir });
  rmSync(clone, { recursive: true, force: true });
  process.stdout.write(`npm package: clone, npm ci, pack and global install took ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}, 20 * 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the npm package from a fresh clone', () => {
  it('is built by npm pack (prepack) and holds dist/, the elements, LICENSE and the man page', () => {
    expect(existsSync(tarball)).toBe(true);
    for (const f of ['dist/cli/main.js', 'dist/vendor/execa.js', 'elements/debian/element-deps', 'lib/dib/die', 'LICENSE', 'man/tsdib.1', 'package.json']) expect(listing).toContain(f);
    expect(listing.filter((f) => f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);
  });

  it('installs a tsdib that prints its version from /', () => {
    const r = tsdib(['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('plans debian vm from / with its own built-in elements', () => {
    const r = tsdib(['plan', 'debian', 'vm']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(prefix, 'lib', 'node_modules', 'tsdib', 'elements', 'debian'));
    expect(r.stdout).toMatch(/Phase cache: /);
  });

  it('installs the man page where `man tsdib` finds it', () => {
    const page = join(prefix, 'share', 'man', 'man1', 'tsdib.1');
    expect(existsSync(page)).toBe(true);
    const r = spawnSync('man', ['-w', 'tsdib'], { encoding: 'utf8', env: { ...process.env, MANPATH: join(prefix, 'share', 'man') } });
    expect(r.status, r.stderr).toBe(0);
    // npm links the page to the package's man/tsdib.1, and man -w names the file the link resolves to
    expect(realpathSync(r.stdout.trim())).toBe(realpathSync(page));
  });

  it('prints a shell completion script with `tsdib completion`', () => {
    const r = tsdib(['completion']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('--get-yargs-completions');
    expect(r.stdout).toMatch(/complete .*tsdib/);
  });
});
