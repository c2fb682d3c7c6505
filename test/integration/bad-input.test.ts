// Every bad input — block-device config, element, flag, environment, output path — is rejected by
// the real `tsdib` build command before any disk work: exit 2, at most four lines on stderr naming
// the offending value, no stack trace, and nothing left on disk (no file in the TMPDIR it was
// given, no output, no image cache, no loop device, no mount).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { loopsAndMountsUnder } from '../helpers/host-state.js';
import { FIXTURE_ELEMENTS, offlineBuildEnv, PLAIN_EXT4 } from '../helpers/offline-build.js';
import { hasLoop, skipUnless } from '../helpers/resources.js';

const skip = skipUnless(hasLoop, 'bad input is rejected before disk work', 'needs root (a read-only mount, loop-device checks)');

/** An MBR (or GPT) disk with `partitions` (YAML list items, indented 6) and an ext4 root on `root`. */
function disk(label: 'mbr' | 'gpt', partitions: string): string {
  return `
- local_loop:
    name: image0
- partitioning:
    base: image0
    label: ${label}
    partitions:
${partitions}
- mkfs:
    name: mkfs_root
    base: root
    type: ext4
    mount:
      mount_point: /
`;
}

const MBR_PRIMARY = (name: string) => `      - name: ${name}\n        flags: [primary]\n        size: 10MiB\n`;

interface BadInput {
  /** What is wrong, for the test title. */
  what: string;
  /** Arguments after the elements (default: -t tar -o <out>/img). */
  args?: (dir: CaseDirs) => string[];
  elements?: string[];
  /** Environment on top of the defaults (undefined unsets). */
  env?: (dir: CaseDirs) => Record<string, string | undefined>;
  /** Written before the run: file name (in the case dir) → content. */
  files?: Record<string, string>;
  /** The error code expected on stderr. */
  code: string;
  /** Text the message must contain: the offending file/field/value. */
  names: (dir: CaseDirs) => string;
}

interface CaseDirs {
  /** The case's own directory (outside TMPDIR). */
  root: string;
  /** TMPDIR given to tsdib: must stay empty. */
  tmp: string;
  /** Where -o points: must stay empty. */
  out: string;
  /** DIB_IMAGE_CACHE: must not be created. */
  cache: string;
  /** A read-only directory (a read-only tmpfs mounted for this file). */
  readOnly: string;
}

const CASES: BadInput[] = [
  // block-device configs: syntax
  { what: 'malformed YAML in DIB_BLOCK_DEVICE_CONFIG', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: '- local_loop: [\n    name: image0' }), code: 'CONFIG_INVALID', names: () => 'DIB_BLOCK_DEVICE_CONFIG' },
  { what: 'malformed JSON in DIB_BLOCK_DEVICE_CONFIG', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: '[{"local_loop": {"name": "image0"}},' }), code: 'CONFIG_INVALID', names: () => 'DIB_BLOCK_DEVICE_CONFIG' },
  {
    what: 'malformed YAML in a DIB_BLOCK_DEVICE_CONFIG=file:// file',
    files: { 'broken.yaml': '- local_loop:\n    name: image0\n  - mkfs: {\n' },
    env: (d) => ({ DIB_BLOCK_DEVICE_CONFIG: `file://${join(d.root, 'broken.yaml')}` }),
    code: 'CONFIG_INVALID',
    names: (d) => join(d.root, 'broken.yaml'),
  },
  { what: 'a DIB_BLOCK_DEVICE_CONFIG=file:// file that does not exist', env: (d) => ({ DIB_BLOCK_DEVICE_CONFIG: `file://${join(d.root, 'missing.yaml')}` }), code: 'ENV_INVALID', names: (d) => join(d.root, 'missing.yaml') },
  {
    what: 'malformed JSON in a --block-device-config file',
    files: { 'broken.json': '{"local_loop": {"name": "image0"' },
    args: (d) => ['-t', 'tar', '-o', join(d.out, 'img'), '--block-device-config', join(d.root, 'broken.json')],
    env: () => ({ DIB_BLOCK_DEVICE_CONFIG: undefined }),
    code: 'CONFIG_INVALID',
    names: (d) => join(d.root, 'broken.json'),
  },
  // block-device configs: schema and semantics
  { what: 'a dangling base', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4.replace('base: image0', 'base: no_such_node') }), code: 'CONFIG_INVALID', names: () => 'no_such_node' },
  {
    what: 'a duplicate filesystem label',
    env: () => ({
      DIB_BLOCK_DEVICE_CONFIG: disk('mbr', `${MBR_PRIMARY('root')}${MBR_PRIMARY('data')}`).replace('    type: ext4\n', '    type: ext4\n    label: twin\n') +
        '- mkfs:\n    name: mkfs_data\n    base: data\n    type: ext4\n    label: twin\n',
    }),
    code: 'CONFIG_INVALID',
    names: () => 'twin',
  },
  { what: 'an ext4 label over 16 characters', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4.replace('    type: ext4\n', '    type: ext4\n    label: cloudimg-rootfs-xl\n') }), code: 'CONFIG_INVALID', names: () => 'cloudimg-rootfs-xl' },
  { what: 'a relative mount point', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4.replace('mount_point: /', 'mount_point: var/lib') }), code: 'CONFIG_INVALID', names: () => 'var/lib' },
  { what: 'a size with an unknown unit', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4.replace('    name: image0\n', '    name: image0\n    size: 2XB\n') }), code: 'CONFIG_INVALID', names: () => '2XB' },
  {
    what: 'five MBR primary partitions',
    env: () => ({ DIB_BLOCK_DEVICE_CONFIG: disk('mbr', ['root', 'p2', 'p3', 'p4', 'p5'].map(MBR_PRIMARY).join('')) }),
    code: 'CONFIG_INVALID',
    names: () => 'primary',
  },
  {
    what: 'an unknown GPT partition type',
    env: () => ({ DIB_BLOCK_DEVICE_CONFIG: disk('gpt', '      - name: root\n        type: "zz99"\n        size: 100%\n') }),
    code: 'CONFIG_INVALID',
    names: () => 'zz99',
  },
  { what: 'an unknown block-device plugin', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: `${PLAIN_EXT4}- frobnicate:\n    name: thing\n` }), code: 'CONFIG_INVALID', names: () => 'frobnicate' },
  { what: 'an unknown filesystem type', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4.replace('type: ext4', 'type: ntfs5') }), code: 'CONFIG_INVALID', names: () => 'ntfs5' },
  { what: 'mkfs opts of the wrong type', env: () => ({ DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4.replace('    type: ext4\n', '    type: ext4\n    opts: 7\n') }), code: 'CONFIG_INVALID', names: () => 'mkfs.opts' },
  {
    what: 'two nodes with the same name',
    env: () => ({ DIB_BLOCK_DEVICE_CONFIG: `${PLAIN_EXT4}- mkfs:\n    name: mkfs_root\n    base: image0\n    type: ext4\n` }),
    code: 'CONFIG_INVALID',
    names: () => 'mkfs_root',
  },
  // elements
  { what: 'an unknown element', elements: ['fake-os', 'no-such-element'], code: 'ELEMENT_NOT_FOUND', names: () => 'no-such-element' },
  { what: 'an element-deps entry naming a missing element', elements: ['fake-os', 'bad-deps'], code: 'ELEMENT_NOT_FOUND', names: () => 'no-such-element-anywhere' },
  { what: 'two elements providing operating-system', elements: ['fake-os', 'other-os'], code: 'ELEMENTS_CONFLICT', names: () => 'operating-system' },
  { what: 'no operating-system element', elements: ['fault'], code: 'NO_OPERATING_SYSTEM', names: () => 'operating-system' },
  { what: 'an element name with a slash', elements: ['fake-os', 'fault/install.d'], code: 'ELEMENT_INVALID', names: () => 'fault/install.d' },
  { what: 'an element name that climbs out with ..', elements: ['fake-os', '..'], code: 'ELEMENT_INVALID', names: () => '".."' },
  { what: 'the same hook name in two elements', elements: ['fake-os', 'fault', 'dup-hook'], code: 'HOOK_DUPLICATE', names: () => 'install.d/50-fault' },
  { what: 'a missing ELEMENTS_PATH entry', env: (d) => ({ ELEMENTS_PATH: `${FIXTURE_ELEMENTS}:${join(d.root, 'no-elements-here')}` }), code: 'ELEMENTS_PATH_INVALID', names: (d) => join(d.root, 'no-elements-here') },
  { what: 'an ELEMENTS_PATH entry that is a file', files: { 'not-a-dir': 'x\n' }, env: (d) => ({ ELEMENTS_PATH: `${FIXTURE_ELEMENTS}:${join(d.root, 'not-a-dir')}` }), code: 'ELEMENTS_PATH_INVALID', names: (d) => join(d.root, 'not-a-dir') },
  // flags
  { what: 'an unknown output type', args: (d) => ['-t', 'tar,qcow3', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'qcow3' },
  { what: 'an unknown architecture', args: (d) => ['-a', 'sparc64', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'sparc64' },
  { what: 'a non-numeric --image-size', args: (d) => ['--image-size', 'big', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'big' },
  { what: 'a zero --image-size', args: (d) => ['--image-size', '0', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '--image-size 0: ' },
  { what: 'a non-numeric --mkfs-journal-size', args: (d) => ['--mkfs-journal-size', '8M', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '8M' },
  { what: 'an unknown option', args: (d) => ['--frobnicate', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'unknown option: --frobnicate' },
  { what: '--qemu-img-options that is not key=value', args: (d) => ['-t', 'qcow2', '--qemu-img-options', 'compat', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '--qemu-img-options compat: ' },
  { what: '--qemu-img-options with a key no writer takes', args: (d) => ['-t', 'qcow2', '--qemu-img-options', 'colour=blue', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'colour' },
  { what: '--qemu-img-options meant for another format', args: (d) => ['-t', 'raw,tar', '--qemu-img-options', 'compat=0.10', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'compat' },
  { what: '--resume with --no-cache', args: (d) => ['--resume', '--no-cache', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '--resume: cannot be used with --no-cache' },
  { what: 'a --seed with a space', args: (d) => ['--seed', 'my seed', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '--seed "my seed": ' },
  { what: '-t docker without --docker-target', args: (d) => ['-t', 'docker', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '--docker-target' },
  // where the build writes
  { what: '-o below a file', files: { 'a-file': 'x\n' }, args: (d) => ['-t', 'tar', '-o', join(d.root, 'a-file', 'img')], code: 'OUTPUT_PATH_INVALID', names: (d) => join(d.root, 'a-file') },
  { what: '-o in a read-only directory', args: (d) => ['-t', 'tar', '-o', join(d.readOnly, 'img')], code: 'OUTPUT_PATH_INVALID', names: (d) => d.readOnly },
  { what: '--image-cache below a file', files: { 'a-file': 'x\n' }, args: (d) => ['-t', 'tar', '-o', join(d.out, 'img'), '--image-cache', join(d.root, 'a-file', 'cache')], code: 'OUTPUT_PATH_INVALID', names: (d) => join(d.root, 'a-file') },
  // environment
  { what: 'a non-numeric DIB_IMAGE_SIZE', env: () => ({ DIB_IMAGE_SIZE: 'huge' }), code: 'ENV_INVALID', names: () => 'DIB_IMAGE_SIZE=huge: ' },
  { what: 'a non-numeric DIB_MIN_TMPFS', env: () => ({ DIB_MIN_TMPFS: 'lots' }), code: 'ENV_INVALID', names: () => 'DIB_MIN_TMPFS=lots: ' },
  { what: 'a TMP_DIR that does not exist', env: (d) => ({ TMP_DIR: join(d.root, 'no-tmp') }), code: 'ENV_INVALID', names: (d) => join(d.root, 'no-tmp') },
  { what: 'a TMPDIR that does not exist', env: (d) => ({ TMPDIR: join(d.root, 'no-tmpdir') }), code: 'ENV_INVALID', names: (d) => join(d.root, 'no-tmpdir') },
  {
    // -t vmdk is probed with qemu-img in a temp directory during the checks: that must not turn the missing TMPDIR into an internal error
    what: 'a TMPDIR that does not exist, with -t vmdk',
    args: (d) => ['-t', 'vmdk', '-o', join(d.out, 'img')],
    env: (d) => ({ TMPDIR: join(d.root, 'no-tmpdir') }),
    code: 'ENV_INVALID',
    names: (d) => join(d.root, 'no-tmpdir'),
  },
  {
    what: 'an unknown data source in DIB_CLOUD_INIT_DATASOURCES (cloud-init-datasources)',
    elements: ['fake-os', 'cloud-init-datasources'],
    env: () => ({ DIB_CLOUD_INIT_DATASOURCES: 'NoCloud, NoSuchCloud' }),
    code: 'ENV_INVALID',
    names: () => '"NoSuchCloud" is not a cloud-init data source',
  },
  { what: 'a data source in the wrong case (cloud-init)', elements: ['fake-os', 'cloud-init'], env: () => ({ DIB_CLOUD_INIT_DATASOURCES: 'configdrive' }), code: 'ENV_INVALID', names: () => 'did you mean "ConfigDrive"' },
  { what: '--resume with TSDIB_PHASE_CACHE=0', args: (d) => ['--resume', '-t', 'tar', '-o', join(d.out, 'img')], env: () => ({ TSDIB_PHASE_CACHE: '0' }), code: 'ENV_INVALID', names: () => 'TSDIB_PHASE_CACHE=0: --resume needs the phase cache' },
  { what: 'a TSDIB_PHASE_CACHE_KEEP of 0', env: () => ({ TSDIB_PHASE_CACHE_KEEP: '0' }), code: 'ENV_INVALID', names: () => 'TSDIB_PHASE_CACHE_KEEP=0: expected a whole number > 0' },
  { what: 'a TSDIB_PHASE_CACHE_MAX_GIB with a unit', env: () => ({ TSDIB_PHASE_CACHE_MAX_GIB: '20G' }), code: 'ENV_INVALID', names: () => 'TSDIB_PHASE_CACHE_MAX_GIB=20G: expected a number > 0 (GiB' },
  { what: 'a TSDIB_SEED with a slash', env: () => ({ TSDIB_SEED: 'a/b' }), code: 'ENV_INVALID', names: () => 'TSDIB_SEED=a/b: ' },
  { what: 'a non-numeric SOURCE_DATE_EPOCH', env: () => ({ SOURCE_DATE_EPOCH: 'yesterday' }), code: 'ENV_INVALID', names: () => 'yesterday' },
  { what: 'an ACI_MANIFEST that is not JSON', files: { 'manifest.json': '{ acKind: oops\n' }, args: (d) => ['-t', 'aci', '-o', join(d.out, 'img')], env: (d) => ({ ACI_MANIFEST: join(d.root, 'manifest.json') }), code: 'ENV_INVALID', names: (d) => join(d.root, 'manifest.json') },
  {
    what: 'an ACI_MANIFEST whose name is not an AC identifier',
    files: { 'manifest.json': '{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "My Image"}\n' },
    args: (d) => ['-t', 'aci', '-o', join(d.out, 'img')],
    env: (d) => ({ ACI_MANIFEST: join(d.root, 'manifest.json') }),
    code: 'ENV_INVALID',
    names: () => 'name must match',
  },
];

/** Loop devices backed by a file below `dir`, and mount points below it. */
function hostResourcesUnder(dir: string): string[] {
  const { loops, mounts } = loopsAndMountsUnder(dir);
  return [...loops.map((dev) => `loop ${dev}`), ...mounts.map((m) => `mount ${m}`)];
}

describe.skipIf(skip)('bad input is rejected before any disk work', () => {
  let base: string;
  let readOnly: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tsdib-bad-input-'));
    readOnly = join(base, 'read-only');
    mkdirSync(readOnly);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k,mode=0755', 'tsdib-test-ro', readOnly]);
  });

  afterAll(() => {
    if (readOnly) spawnSync('umount', [readOnly]);
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('has a table of at least 30 bad inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c, i) => [i + 1, c.what, c] as const))('%i. %s: exit 2, a short message naming it, nothing on disk', (i, _what, c) => {
    const root = join(base, `case-${i}`);
    const dirs: CaseDirs = { root, tmp: join(root, 'tmp'), out: join(root, 'out'), cache: join(root, 'cache'), readOnly };
    mkdirSync(dirs.tmp, { recursive: true });
    mkdirSync(dirs.out);
    for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(root, name), text);
    const args = ['-n', ...(c.elements ?? ['fake-os']), ...(c.args ? c.args(dirs) : ['-t', 'tar', '-o', join(dirs.out, 'img')])];
    const env = offlineBuildEnv(dirs, {
      DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4,
      DIB_MIN_TMPFS: undefined,
      SOURCE_DATE_EPOCH: undefined,
      ...(c.env ? c.env(dirs) : {}),
    });
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    const shown = `stderr:\n${r.stderr}`;

    expect(r.status, shown).toBe(2);
    expect(lines.length, shown).toBeGreaterThan(0);
    expect(lines.length, shown).toBeLessThanOrEqual(4);
    expect(lines[0], shown).toMatch(new RegExp(`^error ${c.code}: `));
    expect(r.stderr, shown).toContain(c.names(dirs));
    expect(lines.filter((l) => /^\s+at /.test(l)), shown).toEqual([]);
    expect(r.stdout).toBe('');

    expect(readdirSync(dirs.tmp), 'TMPDIR must stay empty').toEqual([]);
    expect(readdirSync(dirs.out), 'no output may be written').toEqual([]);
    expect(existsSync(dirs.cache), 'the image cache must not be created').toBe(false);
    expect(readdirSync(readOnly)).toEqual([]);
    expect(hostResourcesUnder(base).filter((x) => x !== `mount ${readOnly}`)).toEqual([]);
  });
});

// The second, wider corpus (issue 15): inputs a new user tried that once ended in a stack trace,
// a hang, a late failure after the workspace was made, or a silent acceptance. Each must be
// refused up front: exit 2, a message naming the file, flag or variable (and field), no stack
// trace, and nothing on disk — no workspace in its TMPDIR, no output, no image cache (so no log dir).

/** An element written into the case's own elements directory: file name → content, or a directory/FIFO. */
type ElementFile = string | { dir: true } | { fifo: true };

interface WiderCase {
  /** The class of the issue and what is wrong, for the test title. */
  what: string;
  /** tsdib's arguments (default: a fake-os tar build writing to out/img). */
  args?: (d: WiderDirs) => string[];
  /** Elements after -n (default fake-os). */
  elements?: string[];
  /** Environment on top of the defaults (undefined unsets). */
  env?: (d: WiderDirs) => Record<string, string | undefined>;
  /** Elements to write under d.elements: element → path in it → content. */
  elementFiles?: Record<string, Record<string, ElementFile>>;
  /** Set-up beyond files, e.g. a FIFO or a large file. */
  setup?: (d: WiderDirs) => void;
  /** Run as the unprivileged user nobody (setpriv). */
  asNobody?: boolean;
  /** Fragments stderr must contain: the file/flag/variable and what is wrong. */
  names: (d: WiderDirs) => string[];
  /** Fragments stderr must not contain (a second, noisy message about the same mistake). */
  absent?: string[];
}

interface WiderDirs extends CaseDirs {
  /** The case's own elements directory (on ELEMENTS_PATH after the fixtures). */
  elements: string;
}

const out = (d: WiderDirs) => join(d.out, 'img');
const build = (...extra: string[]) => (d: WiderDirs) => ['-t', 'tar', '-o', out(d), ...extra];
const withConfig = (config: string) => () => ({ DIB_BLOCK_DEVICE_CONFIG: config });

/** A YAML "billion laughs": 9^8 copies of one string through nested aliases. */
const ALIAS_BOMB = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');

/** A GPT disk with a 1 GiB root (and `more`, more partitions) and an ext4 root. */
function gptDisk(more = ''): string {
  return `
- local_loop:
    name: image0
- partitioning:
    base: image0
    label: gpt
    partitions:
      - name: root
        size: 1GiB
${more}- mkfs:
    name: mkfs_root
    base: root
    type: ext4
    mount:
      mount_point: /
`;
}

const ZPOOL_ROOT = (poolProperties: string) => `
- local_loop:
    name: image0
- partitioning:
    base: image0
    label: gpt
    partitions:
      - name: zfs
        size: 100%
- zpool:
    name: pool
    base: zfs
    pool_properties: ${poolProperties}
    datasets:
      - name: ROOT
        mountpoint: /
`;

const WIDER: WiderCase[] = [
  // stack traces
  { what: 'stack trace: a YAML alias bomb in DIB_BLOCK_DEVICE_CONFIG', env: withConfig(ALIAS_BOMB), names: () => ['DIB_BLOCK_DEVICE_CONFIG', 'aliases expand too far'] },
  { what: 'stack trace: a phase directory that is a regular file', elements: ['fake-os', 'phase-file'], elementFiles: { 'phase-file': { 'install.d': 'echo hi\n' } }, names: (d) => [join(d.elements, 'phase-file', 'install.d'), 'must be a directory'] },
  { what: 'stack trace: element-deps that is a directory', elements: ['fake-os', 'deps-dir'], elementFiles: { 'deps-dir': { 'element-deps': { dir: true } } }, names: (d) => [join(d.elements, 'deps-dir', 'element-deps'), 'is a directory'] },
  { what: 'stack trace: element-deps that is a FIFO', elements: ['fake-os', 'deps-fifo'], elementFiles: { 'deps-fifo': { 'element-deps': { fifo: true } } }, names: (d) => [join(d.elements, 'deps-fifo', 'element-deps'), 'is a FIFO'] },
  {
    what: 'stack trace: an unreadable element directory (as nobody, who is also told a build needs root)',
    elements: ['fake-os', 'unreadable'],
    elementFiles: { unreadable: { 'element-deps': '' } },
    setup: (d) => chmodSync(join(d.elements, 'unreadable'), 0o000),
    asNobody: true,
    names: (d) => [`${join(d.elements, 'unreadable')} cannot be read`, 'ROOT_REQUIRED'],
  },
  { what: 'stack trace: --json-events naming a directory', args: (d) => build('--json-events', d.root)(d), names: (d) => [`--json-events ${d.root}`, 'is a directory'] },
  { what: 'stack trace: --json-events into a missing directory', args: (d) => build('--json-events', join(d.root, 'missing', 'ev.json'))(d), names: (d) => ['--json-events', `${join(d.root, 'missing')} does not exist`] },
  { what: 'stack trace: element new --dir naming a file', setup: (d) => writeFileSync(join(d.root, 'a-file'), 'x\n'), args: (d) => ['element', 'new', 'my-element', '--dir', join(d.root, 'a-file')], names: (d) => [`--dir ${join(d.root, 'a-file')}`, 'not a directory'] },
  // hangs
  {
    what: 'hang: DIB_BLOCK_DEVICE_CONFIG=file:// naming a FIFO',
    setup: (d) => execFileSync('mkfifo', [join(d.root, 'config.fifo')]),
    env: (d) => ({ DIB_BLOCK_DEVICE_CONFIG: `file://${join(d.root, 'config.fifo')}` }),
    names: (d) => ['DIB_BLOCK_DEVICE_CONFIG', `${join(d.root, 'config.fifo')} is a FIFO`],
  },
  {
    what: 'hang: a 10 MB DIB_BLOCK_DEVICE_CONFIG file',
    setup: (d) => writeFileSync(join(d.root, 'big.yaml'), `${PLAIN_EXT4}${'# padding padding padding padding padding padding padding padding\n'.repeat(160_000)}`),
    env: (d) => ({ DIB_BLOCK_DEVICE_CONFIG: `file://${join(d.root, 'big.yaml')}` }),
    names: (d) => ['DIB_BLOCK_DEVICE_CONFIG', `${join(d.root, 'big.yaml')} is 10`, 'at most 1.0 MiB'],
  },
  {
    what: 'hang: a --block-device-config of 1500 filesystems (checks compare entries with each other)',
    setup: (d) => writeFileSync(join(d.root, 'many.yaml'), PLAIN_EXT4 + Array.from({ length: 1500 }, (_, i) => `- mkfs:\n    name: fs${i}\n    base: image0\n    type: ext4\n`).join('')),
    args: (d) => build('--block-device-config', join(d.root, 'many.yaml'))(d),
    env: () => ({ DIB_BLOCK_DEVICE_CONFIG: undefined }),
    names: (d) => [join(d.root, 'many.yaml'), 'at most 1000'],
  },
  {
    what: 'late: 1500 GPT partitions (found only once the image size was known)',
    env: withConfig(gptDisk(Array.from({ length: 1500 }, (_, i) => `      - name: p${i}\n        size: 1MiB\n`).join(''))),
    names: () => ['partitions[128]', '1501 partitions; a GPT holds 128'],
  },
  // late failures
  { what: 'late: a malformed package-installs.yaml', elements: ['fake-os', 'pkg-bad'], elementFiles: { 'pkg-bad': { 'package-installs.yaml': 'vim: [bar\n' } }, names: (d) => [join(d.elements, 'pkg-bad', 'package-installs.yaml'), 'not valid YAML'] },
  { what: 'late: a package-installs.yaml of the wrong shape', elements: ['fake-os', 'pkg-shape'], elementFiles: { 'pkg-shape': { 'package-installs.yaml': '- vim\n- curl\n' } }, names: (d) => [join(d.elements, 'pkg-shape', 'package-installs.yaml')] },
  { what: 'late: a malformed pkg-map', elements: ['fake-os', 'pkg-map-bad'], elementFiles: { 'pkg-map-bad': { 'pkg-map': '{"family": {"debian": ' } }, names: (d) => [join(d.elements, 'pkg-map-bad', 'pkg-map'), 'not valid JSON'] },
  { what: 'late: an environment.d syntax error', elements: ['fake-os', 'env-bad'], elementFiles: { 'env-bad': { 'environment.d/10-bad.bash': 'export FOO=(\n' } }, names: (d) => [join(d.elements, 'env-bad', 'environment.d', '10-bad.bash'), 'bash syntax error'] },
  { what: 'late: a build as a user who is not root', asNobody: true, names: () => ['ROOT_REQUIRED', 'needs root', 'nobody'] },
  { what: 'late: -o into /proc', args: () => ['-t', 'tar', '-o', '/proc/sys/kernel/tsdib-img'], names: () => ['-o /proc/sys/kernel/tsdib-img', 'kernel pseudo filesystem'] },
  { what: 'late: DIB_RELEASE=doesnotexist (the Debian mirror is asked)', elements: ['debian-minimal'], env: () => ({ DIB_RELEASE: 'doesnotexist', DIB_BLOCK_DEVICE_CONFIG: undefined }), names: () => ['DIB_RELEASE=doesnotexist', 'no such release'] },
  {
    what: 'late: two filesystems on one partition (found by the second mkfs, during the build)',
    setup: (d) => writeFileSync(join(d.root, 'two-fs.yaml'), gptDisk() + '- mkfs:\n    name: mkfs_data\n    base: root\n    type: xfs\n    mount:\n      mount_point: /data\n'),
    args: (d) => build('--block-device-config', join(d.root, 'two-fs.yaml'))(d),
    env: () => ({ DIB_BLOCK_DEVICE_CONFIG: undefined }),
    names: (d) => [join(d.root, 'two-fs.yaml'), '[3].mkfs.base', '"mkfs_data" and "mkfs_root" ([2].mkfs) are both made on partition "root"'],
  },
  { what: 'late: an xfs partition of 200 MiB (mkfs.xfs refused it during the build)', env: withConfig(gptDisk('      - name: data\n        size: 200MiB\n') + '- mkfs:\n    name: mkfs_data\n    base: data\n    type: xfs\n    mount:\n      mount_point: /data\n'), names: () => ['[3].mkfs.base', 'xfs "mkfs_data" on partition "data" of 200 MiB: xfs needs at least 300 MiB'] },
  { what: 'late: a local_loop of 1 KiB (mkfs failed during the build)', env: withConfig(PLAIN_EXT4.replace('    name: image0\n', '    name: image0\n    size: 1KiB\n')), names: () => ['DIB_BLOCK_DEVICE_CONFIG', '[0].local_loop.size', 'needs at least 1 MiB'] },
  {
    what: 'accepted: a filesystem on a disk that also has a partition table',
    env: withConfig(`${gptDisk()}- mkfs:\n    name: mkfs_disk\n    base: image0\n    type: ext4\n`),
    names: () => ['DIB_BLOCK_DEVICE_CONFIG', '"mkfs_disk" and a partition table ([1].partitioning) are both made on local_loop "image0"'],
  },
  {
    what: 'accepted: an LVM PV on a partition that also has a filesystem',
    env: withConfig(`${gptDisk()}- lvm:\n    name: lvm\n    base: [root]\n    pvs:\n      - name: pv\n        base: root\n    vgs:\n      - name: vg\n        base: [pv]\n    lvs:\n      - name: lv_x\n        base: vg\n        size: 100M\n`),
    names: () => ['DIB_BLOCK_DEVICE_CONFIG', 'LVM PV "pv" and "mkfs_root" ([2].mkfs) are both made on partition "root"'],
  },
  // accepted before
  { what: 'accepted: a mount point with a space', env: withConfig(PLAIN_EXT4.replace('mount_point: /', 'mount_point: /my data')), names: () => ['DIB_BLOCK_DEVICE_CONFIG', 'mount_point', '"/my data" has a blank'] },
  {
    what: 'accepted: /var and /var/ both mounted',
    env: withConfig(gptDisk('      - name: var\n        size: 1GiB\n') + '- mkfs:\n    name: mkfs_var\n    base: var\n    type: ext4\n    mount:\n      mount_point: /var/\n- mount:\n    name: mount_var2\n    base: mkfs_var\n    mount_point: /var\n'),
    names: () => ['[3].mkfs.mount.mount_point', 'not in normal form', 'mount point "/var" specified more than once'],
  },
  { what: 'accepted: zpool ashift 99', env: withConfig(ZPOOL_ROOT('{ ashift: 99 }')), names: () => ['pool_properties.ashift', 'ashift 99'] },
  { what: 'accepted: an unknown zpool pool property', env: withConfig(ZPOOL_ROOT('{ colour: blue }')), names: () => ['pool_properties.colour', '"colour" is not a pool property'] },
  {
    what: 'accepted: swap mounted at /',
    env: withConfig(gptDisk('      - name: swp\n        size: 100MiB\n') + '- mkfs:\n    name: mkfs_swap\n    base: swp\n    type: swap\n    mount:\n      mount_point: /\n'),
    names: () => ['[3].mkfs.mount.mount_point', 'swap ("mkfs_swap") is not mounted'],
    absent: ['specified more than once', 'a second root'],
  },
  { what: 'accepted: a local_loop name that leaves the image directory', env: withConfig(PLAIN_EXT4.replaceAll('image0', '../../escape')), names: () => ['[0].local_loop.name', '"../../escape"'] },
  { what: 'accepted: a local_loop directory outside the workspace', env: withConfig(PLAIN_EXT4.replace('name: image0', 'name: image0\n    directory: /etc')), names: () => ['[0].local_loop.directory', 'outside the build\'s workspace'] },
  { what: 'accepted: no filesystem mounted at /', env: withConfig(PLAIN_EXT4.replace('mount_point: /', 'mount_point: /srv')), names: () => ['DIB_BLOCK_DEVICE_CONFIG', 'nothing is mounted at /'] },
  { what: 'accepted: partitions larger than --image-size', env: withConfig(gptDisk('      - name: data\n        size: 1GiB\n')), args: build('--image-size', '1'), names: () => ['partitions[0]', 'on a 1073741824-byte disk'] },
  { what: 'accepted: an absurd --image-size', args: build('--image-size', '100000'), names: () => ['--image-size 100000: ', 'too large'] },
  { what: 'accepted: an absurd --image-extra-size', args: build('--image-extra-size', '999999999'), names: () => ['--image-extra-size 999999999: ', 'too large'] },
  { what: 'accepted: an absurd --max-online-resize', args: build('--max-online-resize', '99999999999999999999'), names: () => ['--max-online-resize', 'too large'] },
  { what: 'accepted: an absurd --mkfs-journal-size', args: build('--mkfs-journal-size', '99999999'), names: () => ['--mkfs-journal-size 99999999: ', 'too large'] },
  {
    what: 'accepted: an output whose target is a directory',
    setup: (d) => mkdirSync(join(d.root, 'taken', 'img.tar'), { recursive: true }),
    args: (d) => ['-t', 'tar', '-o', join(d.root, 'taken', 'img')],
    names: (d) => [`${join(d.root, 'taken', 'img.tar')} exists and is a directory`],
  },
  { what: 'accepted: an output path with a newline', args: (d) => ['-t', 'tar', '-o', `${out(d)}\nx`], names: () => ['-o', 'control character'] },
  // in out/: the run must not make the file (no output is checked), nor write the refusal into it
  { what: 'accepted: a --json-events path with a newline', args: (d) => build('--json-events', join(d.out, 'ev\nx.json'))(d), names: () => ['--json-events', 'control character'] },
  { what: 'accepted: a --logfile path with a newline', args: (d) => build('--logfile', join(d.out, 'log\nx.txt'))(d), names: () => ['--logfile', 'control character'] },
  { what: 'accepted: -o .', args: () => ['-t', 'tar', '-o', '.'], names: () => ['-o .: ', 'needs a file name part'] },
  { what: 'accepted: --checksum=maybe', args: build('--checksum=maybe'), names: () => ['--checksum maybe: ', 'takes no value'] },
  { what: 'accepted: --logfile naming a directory', args: (d) => build('--logfile', d.root)(d), names: (d) => [`--logfile ${d.root}`, 'is a directory'] },
  { what: 'accepted: a docker target that is not a reference', args: (d) => ['-t', 'docker', '--docker-target', 'Bad Name:!!', '-o', out(d)], names: () => ['--docker-target', 'not a valid tag'] },
  { what: 'accepted: a package name that is an option', args: build('-p', 'vim,--force-yes'), names: () => ['-p "--force-yes"', 'not a package name'] },
  { what: 'accepted: DIB_DEBUG_TRACE=lots', env: () => ({ DIB_DEBUG_TRACE: 'lots' }), names: () => ['DIB_DEBUG_TRACE=lots: ', 'whole number'] },
  { what: 'accepted: a SOURCE_DATE_EPOCH beyond 2^63', env: () => ({ SOURCE_DATE_EPOCH: '99999999999999999999' }), names: () => ['SOURCE_DATE_EPOCH=99999999999999999999', 'after the year 9999'] },
  { what: 'accepted: --ramdisk-element ../../etc', args: build('--ramdisk-element', '../../etc'), names: () => ['--ramdisk-element ../../etc: ', 'path separator'] },
  { what: 'accepted: doctor -t bogus', args: () => ['doctor', '-t', 'bogus'], names: () => ['-t bogus: unknown output type'] },
  { what: 'accepted: cache prune --max-size 20G, each bad flag said', args: () => ['cache', 'prune', '--max-size', '20G', '--keep', 'two'], names: () => ['--max-size 20G: expected a number >= 0', '--keep two: expected a whole number >= 0'] },
  { what: 'accepted: cache prune --all with --keep (--all ignored it and removed everything)', args: () => ['cache', 'prune', '--all', '--keep', '3'], names: () => ['--all: cannot be used with --keep'] },
  // unclear
  { what: 'unclear: FS_TYPE=ntfs names FS_TYPE, not the built-in config', env: () => ({ FS_TYPE: 'ntfs', DIB_BLOCK_DEVICE_CONFIG: undefined }), names: () => ['FS_TYPE=ntfs: ', 'must be one of'] },
  { what: 'unclear: worker --lock-seconds abc is named as typed (was NaN), before Redis is asked', args: () => ['worker', '--redis', 'redis://127.0.0.1:9', '--lock-seconds', 'abc'], names: () => ['--lock-seconds abc: ', 'expected a number >= 2 (seconds)'] },
  { what: 'accepted: worker --lock-seconds 99999', args: () => ['worker', '--redis', 'redis://127.0.0.1:9', '--lock-seconds', '99999'], names: () => ['--lock-seconds 99999: ', 'too large; at most 3600'] },
  { what: 'accepted: worker --lock-seconds 0', args: () => ['worker', '--redis', 'redis://127.0.0.1:9', '--lock-seconds', '0'], names: () => ['--lock-seconds 0: ', 'expected a number >= 2'] },
  { what: 'unclear: worker --concurrency abc is named as typed', args: () => ['worker', '--redis', 'redis://127.0.0.1:9', '--concurrency', 'abc'], names: () => ['--concurrency abc: ', 'expected a whole number >= 1'] },
  { what: 'unclear: a --root-label too long names --root-label', args: build('--root-label', 'waytoolongforext4label'), names: () => ['--root-label waytoolongforext4label: ', 'ext4 allows 16'] },
];

function writeElement(root: string, files: Record<string, ElementFile>): void {
  mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    const at = join(root, path);
    mkdirSync(dirname(at), { recursive: true });
    if (typeof content === 'string') writeFileSync(at, content);
    else if ('dir' in content) mkdirSync(at);
    else execFileSync('mkfifo', [at]);
  }
}

describe.skipIf(skip)('the wider corpus: each class of issue 15 is refused before any work', () => {
  let base: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tsdib-bad-input-wider-'));
    // cases run as nobody must reach their directories
    chmodSync(base, 0o755);
  });

  afterAll(() => {
    if (!base) return;
    spawnSync('chmod', ['-R', 'u+rwx', base]);
    rmSync(base, { recursive: true, force: true });
  });

  it('has a case for each class: stack traces, hangs, late failures, accepted values, unclear messages', () => {
    for (const cls of ['stack trace:', 'hang:', 'late:', 'accepted:', 'unclear:']) expect(WIDER.filter((c) => c.what.startsWith(cls)).length).toBeGreaterThan(0);
  });

  it.each(WIDER.map((c, i) => [i + 1, c.what, c] as const))('%i. %s: exit 2, a message naming it, nothing on disk', (i, _what, c) => {
    const root = join(base, `case-${i}`);
    const dirs: WiderDirs = { root, tmp: join(root, 'tmp'), out: join(root, 'out'), cache: join(root, 'cache'), readOnly: '', elements: join(root, 'elements') };
    for (const d of [dirs.tmp, dirs.out, dirs.elements]) mkdirSync(d, { recursive: true });
    for (const [name, files] of Object.entries(c.elementFiles ?? {})) writeElement(join(dirs.elements, name), files);
    c.setup?.(dirs);
    if (c.asNobody) for (const d of [root, dirs.tmp, dirs.out, dirs.elements]) chmodSync(d, 0o777);
    const args = c.args && ['element', 'doctor', 'worker', 'cache'].includes(c.args(dirs)[0] ?? '') ? c.args(dirs) : ['-n', ...(c.elements ?? ['fake-os']), ...(c.args ? c.args(dirs) : build()(dirs))];
    const env = offlineBuildEnv(
      { ...dirs, elements: `${FIXTURE_ELEMENTS}:${dirs.elements}` },
      { DIB_BLOCK_DEVICE_CONFIG: PLAIN_EXT4, DIB_MIN_TMPFS: undefined, SOURCE_DATE_EPOCH: undefined, HOME: root, ...(c.env ? c.env(dirs) : {}) },
    );
    const [cmd, argv] = c.asNobody ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
    const r = spawnSync(cmd, argv, { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
    const shown = `stderr:\n${r.stderr}`;

    expect(r.status, shown).toBe(2);
    expect(r.stderr, shown).toMatch(/^error [A-Z_]+: /);
    for (const fragment of c.names(dirs)) expect(r.stderr, shown).toContain(fragment);
    for (const fragment of c.absent ?? []) expect(r.stderr, shown).not.toContain(fragment);
    expect(r.stderr.split('\n').filter((l) => /^\s+at /.test(l)), shown).toEqual([]);
    expect(r.stderr, shown).not.toContain('INTERNAL');

    expect(readdirSync(dirs.tmp), 'no workspace in TMPDIR').toEqual([]);
    expect(readdirSync(dirs.out), 'no output').toEqual([]);
    expect(existsSync(dirs.cache), 'no image cache (and so no log dir in it)').toBe(false);
    expect(hostResourcesUnder(root)).toEqual([]);
  });
});
