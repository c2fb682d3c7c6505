// Every bad input — block-device config, element, flag, environment, output path — is rejected by
// the real `tsdib` build command before any disk work: exit 2, at most four lines on stderr naming
// the offending value, no stack trace, and nothing left on disk (no file in the TMPDIR it was
// given, no output, no image cache, no loop device, no mount).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  { what: 'a zero --image-size', args: (d) => ['--image-size', '0', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '--image-size "0"' },
  { what: 'a non-numeric --mkfs-journal-size', args: (d) => ['--mkfs-journal-size', '8M', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '8M' },
  { what: 'an unknown option', args: (d) => ['--frobnicate', '-t', 'tar', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'frobnicate' },
  { what: '--qemu-img-options that is not key=value', args: (d) => ['-t', 'qcow2', '--qemu-img-options', 'compat', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '"compat"' },
  { what: '--qemu-img-options with a key no writer takes', args: (d) => ['-t', 'qcow2', '--qemu-img-options', 'colour=blue', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'colour' },
  { what: '--qemu-img-options meant for another format', args: (d) => ['-t', 'raw,tar', '--qemu-img-options', 'compat=0.10', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => 'compat' },
  { what: '-t docker without --docker-target', args: (d) => ['-t', 'docker', '-o', join(d.out, 'img')], code: 'FLAG_INVALID', names: () => '--docker-target' },
  // where the build writes
  { what: '-o below a file', files: { 'a-file': 'x\n' }, args: (d) => ['-t', 'tar', '-o', join(d.root, 'a-file', 'img')], code: 'OUTPUT_PATH_INVALID', names: (d) => join(d.root, 'a-file') },
  { what: '-o in a read-only directory', args: (d) => ['-t', 'tar', '-o', join(d.readOnly, 'img')], code: 'OUTPUT_PATH_INVALID', names: (d) => d.readOnly },
  { what: '--image-cache below a file', files: { 'a-file': 'x\n' }, args: (d) => ['-t', 'tar', '-o', join(d.out, 'img'), '--image-cache', join(d.root, 'a-file', 'cache')], code: 'OUTPUT_PATH_INVALID', names: (d) => join(d.root, 'a-file') },
  // environment
  { what: 'a non-numeric DIB_IMAGE_SIZE', env: () => ({ DIB_IMAGE_SIZE: 'huge' }), code: 'ENV_INVALID', names: () => 'DIB_IMAGE_SIZE="huge"' },
  { what: 'a non-numeric DIB_MIN_TMPFS', env: () => ({ DIB_MIN_TMPFS: 'lots' }), code: 'ENV_INVALID', names: () => 'DIB_MIN_TMPFS="lots"' },
  { what: 'a TMP_DIR that does not exist', env: (d) => ({ TMP_DIR: join(d.root, 'no-tmp') }), code: 'ENV_INVALID', names: (d) => join(d.root, 'no-tmp') },
  { what: 'a TMPDIR that does not exist', env: (d) => ({ TMPDIR: join(d.root, 'no-tmpdir') }), code: 'ENV_INVALID', names: (d) => join(d.root, 'no-tmpdir') },
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
