import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computePlanKey } from '../../../src/pipeline/plan-key.js';
import { toBuildOptions } from '../../../src/cli/build-options.js';
import { makePlan } from '../../../src/elements/plan.js';

let dir: string;

async function file(tree: string, rel: string, text: string, mode = 0o755): Promise<void> {
  const p = join(dir, tree, 'demo', rel);
  await mkdir(join(p, '..'), { recursive: true });
  await writeFile(p, text);
  await chmod(p, mode);
}

/** The plan key of `tsdib -n demo` with ELEMENTS_PATH=<dir>/<tree> and `env`. */
async function keyOf(tree: string, env: Record<string, string> = {}, argv: Record<string, unknown> = {}): Promise<string> {
  const opts = await toBuildOptions({ elements: ['demo'], a: 'amd64', n: true, ...argv });
  const hostEnv = { PATH: '/usr/bin:/bin', HOME: `/home/${tree}`, ELEMENTS_PATH: join(dir, tree), ...env };
  const plan = await makePlan({ ...opts, env: hostEnv });
  return computePlanKey(opts, plan, hostEnv);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdib-plan-key-'));
  await file('a', 'install.d/50-install', '#!/bin/bash\necho "$DEMO_GREETING"\n');
  await file('a', 'finalise.d/50-final', '#!/bin/bash\necho final\n');
  await file('a', 'static/etc/motd', 'hello\n', 0o644);
  await file('a', 'element-provides', 'operating-system\n', 0o644);
  await cp(join(dir, 'a'), join(dir, 'b'), { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plan key', () => {
  it('is the same for two copies of one element tree in different directories (and homes)', async () => {
    const a = await keyOf('a');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyOf('b')).toBe(a);
  });

  it.each([
    ['an install.d script', 'install.d/50-install'],
    ['a finalise.d script (after the phase-cache snapshot)', 'finalise.d/50-final'],
    ['a static file', 'static/etc/motd'],
  ])('changes when %s changes', async (_what, rel) => {
    const before = await keyOf('b');
    await file('b', rel, 'changed\n');
    expect(await keyOf('b')).not.toBe(before);
  });

  it('changes with a DIB_* variable and a variable an element names, not with an unrelated one', async () => {
    const base = await keyOf('a');
    expect(await keyOf('a', { DIB_RELEASE: 'trixie' })).not.toBe(base);
    expect(await keyOf('a', { DEMO_GREETING: 'hi' })).not.toBe(base);
    expect(await keyOf('a', { SOMETHING_ELSE: 'x', PWD: '/elsewhere' })).toBe(base);
  });

  it('changes with the output types, the block-device config and image-shaping flags', async () => {
    const base = await keyOf('a');
    expect(await keyOf('a', {}, { t: 'raw' })).not.toBe(base);
    expect(await keyOf('a', { DIB_BLOCK_DEVICE_CONFIG: '- local_loop:\n    name: image0\n' })).not.toBe(base);
    expect(await keyOf('a', {}, { 'image-size': '2' })).not.toBe(base);
    expect(await keyOf('a', {}, { o: 'elsewhere/name' })).toBe(base);
  });
});
