// The phase-cache key and the plan key `tsdib plan` prints are the same from two checkouts in
// different directories and under a CI runner's variables, and change with a DIB_* variable
// (issues 16 and 10/10). The checkouts are
// copies of this one's committed files plus its built dist/ (node_modules linked, not copied).
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli.js';

let dir: string;
let clones: string[];
let cacheDir: string;

/** Copies what a clone holds (the committed files under package.json's "files") and the built dist/. */
async function makeClone(target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const tracked = spawnSync('git', ['-C', REPO_ROOT, 'ls-files', '-z', 'elements', 'lib', 'package.json'], { encoding: 'utf8' });
  expect(tracked.status, tracked.stderr).toBe(0);
  for (const rel of tracked.stdout.split('\0').filter(Boolean)) {
    await mkdir(join(target, rel, '..'), { recursive: true });
    await cp(join(REPO_ROOT, rel), join(target, rel), { verbatimSymlinks: true });
  }
  await cp(join(REPO_ROOT, 'dist'), join(target, 'dist'), { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules'), join(target, 'node_modules'));
}

/**
 * The phase-cache key and the plan key `tsdib plan --json debian vm` prints (space-separated), run
 * from `/` with only `env` around it.
 */
function planKey(clone: string, env: Record<string, string>): string {
  const r = spawnSync(process.execPath, [join(clone, 'dist', 'cli', 'main.js'), 'plan', '--json', 'debian', 'vm'], {
    cwd: '/',
    encoding: 'utf8',
    env: { DIB_IMAGE_CACHE: cacheDir, ...env },
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const plan = JSON.parse(r.stdout) as { planKey: string; phaseCache: { status: string; key?: string } };
  expect(plan.phaseCache.status).toBe('build');
  expect(plan.planKey).toMatch(/^[0-9a-f]{64}$/);
  return `${plan.phaseCache.key!} ${plan.planKey}`;
}

const BASE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: '/root', LANG: 'C.UTF-8' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdib-clones-'));
  cacheDir = join(dir, 'cache');
  clones = [join(dir, 'one', 'tsdib'), join(dir, 'elsewhere', 'deeper', 'tsdib-copy')];
  for (const c of clones) await makeClone(c);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('phase-cache and plan keys across checkouts and CI runs', () => {
  it('is the same from two clones in different directories', () => {
    expect(planKey(clones[0]!, BASE_ENV)).toBe(planKey(clones[1]!, BASE_ENV));
  });

  it("is the same under a CI runner's variables, another HOME and another PATH order", () => {
    const ci = {
      ...BASE_ENV,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: '4711',
      GITHUB_WORKSPACE: clones[1]!,
      RUNNER_TEMP: join(dir, 'runner-temp'),
      HOME: join(dir, 'runner-home'),
      PATH: '/sbin:/usr/sbin:/bin:/usr/bin:/usr/local/bin',
      TERM: 'dumb',
    };
    expect(planKey(clones[1]!, ci)).toBe(planKey(clones[0]!, BASE_ENV));
  });

  it('changes with a DIB_ variable, and back', () => {
    const base = planKey(clones[0]!, BASE_ENV);
    const [basePhase, basePlan] = base.split(' ');
    for (const changed of [planKey(clones[0]!, { ...BASE_ENV, DIB_RELEASE: 'trixie' }), planKey(clones[1]!, { ...BASE_ENV, DIB_CACHE_BUST: '2026-12-05' })]) {
      const [phase, plan] = changed.split(' ');
      expect(phase).not.toBe(basePhase);
      expect(plan).not.toBe(basePlan);
    }
    expect(planKey(clones[1]!, BASE_ENV)).toBe(base);
  });
});
