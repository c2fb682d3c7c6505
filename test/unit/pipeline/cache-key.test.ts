import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, cacheKeyInputs, describeKeyDifferences, keyEnvironment, type KeyInputsRequest } from '../../../src/pipeline/cache/cache-key.js';
import { isKeyedVariable } from '../../../src/pipeline/cache/key-variables.js';

let dir: string;
let element: string;

async function file(rel: string, text: string, mode = 0o755): Promise<void> {
  const p = join(element, rel);
  await mkdir(join(p, '..'), { recursive: true });
  await writeFile(p, text);
  await chmod(p, mode);
}

function request(over: Partial<KeyInputsRequest> = {}): KeyInputsRequest {
  return {
    elements: [{ name: 'demo', path: element }],
    env: { DIB_RELEASE: 'bookworm', ARCH: 'amd64', PATH: '/usr/bin:/bin', TMP_BUILD_DIR: '/tmp/tsdib_build.1', PWD: '/home/me' },
    packages: [],
    skipBase: false,
    clearEnv: false,
    ...over,
  };
}

const keyOf = async (over: Partial<KeyInputsRequest> = {}) => cacheKey(await cacheKeyInputs(request(over)));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdib-cache-key-'));
  element = join(dir, 'demo');
  await file('install.d/50-install', '#!/bin/bash\necho install\n');
  await file('environment.d/10-demo.bash', 'export DEMO=1\n', 0o644);
  await file('finalise.d/50-final', '#!/bin/bash\necho final\n');
  await file('cleanup.d/50-clean', '#!/bin/bash\necho clean\n');
  await file('static/etc/motd', 'hello\n', 0o644);
  await file('element-deps', 'base\n', 0o644);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('phase cache key', () => {
  it('is the same for the same inputs', async () => {
    expect(await keyOf()).toBe(await keyOf());
  });

  it.each([
    ['an install.d script', 'install.d/50-install'],
    ['an environment.d file', 'environment.d/10-demo.bash'],
    ['a static file', 'static/etc/motd'],
    ['element-deps', 'element-deps'],
  ])('changes when %s changes', async (_what, rel) => {
    const before = await keyOf();
    await file(rel, 'changed\n');
    expect(await keyOf()).not.toBe(before);
  });

  it('changes when a file is added or only its mode changes', async () => {
    const before = await keyOf();
    await chmod(join(element, 'install.d/50-install'), 0o644);
    const modeChanged = await keyOf();
    expect(modeChanged).not.toBe(before);
    await file('post-install.d/10-new', '#!/bin/bash\n');
    expect(await keyOf()).not.toBe(modeChanged);
  });

  it('changes when a symlink points elsewhere', async () => {
    await file('bin/a', 'a\n');
    await file('bin/b', 'b\n');
    await symlink('bin/a', join(element, 'install.d/60-link'));
    const before = await keyOf();
    await rm(join(element, 'install.d/60-link'));
    await symlink('bin/b', join(element, 'install.d/60-link'));
    expect(await keyOf()).not.toBe(before);
  });

  it.each(['finalise.d/50-final', 'cleanup.d/50-clean', 'block-device.d/50-bd', 'pre-finalise.d/50-pre', 'tests/check.sh'])(
    'does not change when %s (after the snapshot, or never merged) changes',
    async (rel) => {
      const before = await keyOf();
      await file(rel, 'edited\n');
      expect(await keyOf()).toBe(before);
    },
  );

  it('changes when an element is added or the order changes', async () => {
    const other = join(dir, 'other');
    await mkdir(join(other, 'install.d'), { recursive: true });
    const one = await keyOf();
    const two = await keyOf({ elements: [{ name: 'demo', path: element }, { name: 'other', path: other }] });
    const swapped = await keyOf({ elements: [{ name: 'other', path: other }, { name: 'demo', path: element }] });
    expect(new Set([one, two, swapped]).size).toBe(3);
  });

  it('does not depend on where the element lives, only on its content', async () => {
    const before = await keyOf();
    const { cp } = await import('node:fs/promises');
    const moved = join(dir, 'moved', 'demo');
    await cp(element, moved, { recursive: true, preserveTimestamps: true });
    expect(await keyOf({ elements: [{ name: 'demo', path: moved }] })).toBe(before);
  });

  it.each([
    ['DIB_RELEASE changes', { DIB_RELEASE: 'trixie' }],
    ['a new DIB_ variable is set', { DIB_FOO: '1' }],
    ['ARCH changes', { ARCH: 'arm64' }],
    ['a variable an element script refers to is set', { DEMO_MIRROR: 'http://mirror.example/debian' }],
  ])('changes when %s', async (_what, extra) => {
    await file('root.d/10-base', '#!/bin/bash\necho "${DEMO_MIRROR:-default}"\n');
    const base = request().env;
    expect(await keyOf({ env: { ...base, ...extra } })).not.toBe(await keyOf());
  });

  it.each([
    ['a shell reference', 'echo $http_proxy'],
    ['a braced reference with a default', 'echo ${http_proxy:-none}'],
    ['[[ -v ]]', '[[ -v http_proxy ]] && echo set'],
    ["Python's os.environ.get", "import os\nos.environ.get('http_proxy')"],
    ["Python's os.environ[]", 'import os\nos.environ["http_proxy"]'],
  ])('keys a variable an element refers to by %s', async (_what, text) => {
    const env = { ...request().env, http_proxy: 'http://proxy:3128' };
    expect(await keyOf({ env })).toBe(await keyOf());
    await file('install.d/60-proxy', `#!/bin/bash\n${text}\n`);
    expect(await keyOf({ env })).not.toBe(await keyOf());
  });

  it('does not key a variable named only by a hook that runs after the snapshot', async () => {
    await file('finalise.d/60-proxy', '#!/bin/bash\necho $http_proxy\n');
    expect(await keyOf({ env: { ...request().env, http_proxy: 'http://proxy:3128' } })).toBe(await keyOf());
  });

  it.each([
    ['the workspace paths', { TMP_BUILD_DIR: '/tmp/tsdib_build.2', TMP_MOUNT_PATH: '/tmp/x/mnt', TARGET_ROOT: '/tmp/x/mnt' }],
    ['the shell session', { PWD: '/elsewhere', OLDPWD: '/', SHLVL: '3', TERM: 'dumb', SSH_CONNECTION: '1 2 3 4' }],
    ['the outputs and the command line', { IMAGE_NAME: 'out/other', IMAGE_TYPES: 'tar', DIB_ARGS: '-t tar', DIB_ENV: 'x' }],
    ['element locations', { ELEMENTS_PATH: '/a:/b', IMAGE_ELEMENT_YAML: 'demo: /a/demo\n' }],
    ['a CI runner\'s variables', { CI: 'true', GITHUB_RUN_ID: '4711', GITHUB_ACTIONS: 'true', RUNNER_TEMP: '/home/runner/work/_temp', BUILD_NUMBER: '12' }],
    ['HOME and the order of PATH', { HOME: '/home/runner', PATH: '/bin:/usr/bin:/opt/node/bin' }],
    ['the checkout and cache paths', { _LIB: '/home/runner/work/tsdib/lib/dib', DIB_IMAGE_CACHE: '/home/runner/.cache/tsdib' }],
    ['a variable no element refers to', { http_proxy: 'http://proxy:3128', LANG: 'de_DE.UTF-8' }],
  ])('does not change with %s', async (_what, extra) => {
    const base = request().env;
    expect(await keyOf({ env: { ...base, ...extra } })).toBe(await keyOf());
  });

  it.each([
    ['-p packages', { packages: ['vim'] }],
    ['-n', { skipBase: true }],
    ['-c', { clearEnv: true }],
  ])('changes with the flag %s', async (_what, over) => {
    expect(await keyOf(over)).not.toBe(await keyOf());
  });

  it('changes when a file a variable names changes (e.g. DIB_DEV_USER_AUTHORIZED_KEYS)', async () => {
    const keys = join(dir, 'authorized_keys');
    await writeFile(keys, 'ssh-ed25519 AAAA one\n');
    const env = { ...request().env, DIB_DEV_USER_AUTHORIZED_KEYS: keys };
    const before = await keyOf({ env });
    await writeFile(keys, 'ssh-ed25519 AAAA two\n');
    expect(await keyOf({ env })).not.toBe(before);
  });

  it('keys a variable naming a file by the content, not the path', async () => {
    const one = join(dir, 'a', 'authorized_keys');
    const two = join(dir, 'b', 'authorized_keys');
    await mkdir(join(one, '..'));
    await mkdir(join(two, '..'));
    await writeFile(one, 'ssh-ed25519 AAAA one\n');
    await writeFile(two, 'ssh-ed25519 AAAA one\n');
    const base = request().env;
    expect(await keyOf({ env: { ...base, DIB_DEV_USER_AUTHORIZED_KEYS: one } })).toBe(await keyOf({ env: { ...base, DIB_DEV_USER_AUTHORIZED_KEYS: two } }));
  });

  it('keeps only hashes of variable values (no secrets on disk)', async () => {
    const env = await keyEnvironment({ DIB_TOKEN: 's3cret-value', PWD: '/x' }, new Set(['PWD']));
    expect(Object.keys(env)).toEqual(['DIB_TOKEN']);
    expect(JSON.stringify(env)).not.toContain('s3cret');
  });

  it('keys DIB_ variables, tsdib\'s own and referenced ones; never paths or session variables', () => {
    const referenced = new Set(['http_proxy', 'PATH', 'TMP_MOUNT_PATH', '_LIB']);
    const keyed = (n: string) => isKeyedVariable(n, referenced);
    expect(['DIB_RELEASE', 'DIB_FOO', 'ARCH', 'IMAGE_ELEMENT', 'SOURCE_DATE_EPOCH', 'http_proxy'].filter(keyed)).toHaveLength(6);
    expect(['PATH', 'HOME', 'PWD', 'TMP_MOUNT_PATH', '_LIB', 'DIB_IMAGE_CACHE', 'DIB_ARGS', 'GITHUB_RUN_ID', 'CI', 'LANG'].filter(keyed)).toEqual([]);
  });
});

describe('describeKeyDifferences', () => {
  it('names the changed file, variable and flag', async () => {
    const was = await cacheKeyInputs(request());
    await file('install.d/50-install', '#!/bin/bash\necho changed\n');
    await file('install.d/60-new', '#!/bin/bash\n');
    const now = await cacheKeyInputs(request({ env: { ...request().env, DIB_RELEASE: 'trixie' }, packages: ['vim'] }));
    const diff = describeKeyDifferences(was, now);
    expect(diff).toContain('flag -p: "" → "vim"');
    expect(diff).toContain('element demo: install.d/50-install changed');
    expect(diff).toContain('element demo: install.d/60-new added');
    expect(diff).toContain('environment DIB_RELEASE changed');
  });

  it('is empty for equal inputs', async () => {
    expect(describeKeyDifferences(await cacheKeyInputs(request()), await cacheKeyInputs(request()))).toEqual([]);
  });

  it('gives a rootless build (a tree without device nodes) its own key, and leaves the root key as it was', async () => {
    const root = await keyOf();
    expect(await keyOf({ rootless: false })).toBe(root);
    expect(await keyOf({ rootless: true })).not.toBe(root);
    const diff = describeKeyDifferences(await cacheKeyInputs(request()), await cacheKeyInputs(request({ rootless: true })));
    expect(diff.join('\n')).toContain('rootless');
  });
});
