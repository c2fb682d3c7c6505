// tar, tgz and squashfs of a root tree (through writeOutputs, in parallel): listings match the tree,
// numeric owners, xattrs and ACLs survive, /proc /sys /dev keep only the directories, both tar and
// tgz are kept, squashfs is written although it is not the first type, and the checksum files
// verify with md5sum -c / sha256sum -c. Docker without an engine fails clearly.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTsdibError } from '../../../src/errors.js';
import { hostTimings } from '../../../src/host/exec.js';
import { writeOutputs, type OutputResult } from '../../../src/output/write-outputs.js';
import { hasCommand, isRoot, skipOnHost, skipUnless } from '../../helpers/resources.js';

interface Entry {
  path: string;
  perms: string;
  owner: string;
  size?: number;
  link?: string;
}

const TYPE_CHAR: Array<[(s: Stats) => boolean, string]> = [
  [(s) => s.isDirectory(), 'd'],
  [(s) => s.isSymbolicLink(), 'l'],
  [(s) => s.isFIFO(), 'p'],
  [(s) => s.isCharacterDevice(), 'c'],
  [(s) => s.isBlockDevice(), 'b'],
  [() => true, '-'],
];

function permString(mode: number, type: string): string {
  const rwx = ['r', 'w', 'x'];
  let s = type;
  for (let i = 8; i >= 0; i--) s += mode & (1 << i) ? (rwx[(8 - i) % 3] as string) : '-';
  return s;
}

/** What the tree should list as: contents of proc, sys and dev left out, the dirs kept (squashfs). */
function walk(root: string, rel = '.'): Entry[] {
  const out: Entry[] = [];
  const st = lstatSync(join(root, rel));
  const type = TYPE_CHAR.find(([t]) => t(st))?.[1] ?? '-';
  out.push({
    path: rel,
    perms: permString(st.mode, type),
    owner: `${st.uid}/${st.gid}`,
    ...(type === '-' ? { size: st.size } : {}),
    ...(type === 'l' ? { link: readlinkSync(join(root, rel)) } : {}),
  });
  if (type === 'd' && !['./proc', './sys', './dev'].includes(rel)) {
    for (const name of readdirSync(join(root, rel)).sort()) out.push(...walk(root, `${rel}/${name}`));
  }
  return out;
}

/** Parses `tar -tvv --numeric-owner` / `unsquashfs -lln` lines. */
function parseListing(text: string, prefix: RegExp): Entry[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^(\S+)\s+(\d+\/\d+)\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
      if (!m) throw new Error(`unparsed listing line: ${line}`);
      const perms = (m[1] as string).replace(/[+.]$/, '');
      let name = m[4] as string;
      let link: string | undefined;
      if (perms.startsWith('l')) [name, link] = name.split(' -> ') as [string, string];
      const path = name.replace(prefix, '.').replace(/\/$/, '') || '.';
      return { path: path === '' ? '.' : path, perms, owner: m[2] as string, ...(perms.startsWith('-') ? { size: Number(m[3]) } : {}), ...(link ? { link } : {}) };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `tar -tvv --numeric-owner` of an archive (gzip detected by tar). */
const list = (archive: string): string => execFileSync('tar', ['-tvv', '--numeric-owner', '-f', archive], { encoding: 'utf8' });

const byPath = (e: Entry[]): Entry[] => [...e].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

let dir: string;
let tree: string;
let results: OutputResult[];
const hasXattr = hasCommand('setfattr') && hasCommand('getfattr');
const hasAcl = hasCommand('setfacl') && hasCommand('getfacl');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsdib-tree-writers-'));
  tree = join(dir, 'tree');
  for (const d of ['etc', 'usr/bin', 'var/lib', 'proc/1', 'sys/kernel', 'dev/pts', 'tmp']) mkdirSync(join(tree, d), { recursive: true });
  writeFileSync(join(tree, 'etc/hostname'), 'tsdib\n');
  writeFileSync(join(tree, 'usr/bin/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  symlinkSync('../../etc/hostname', join(tree, 'usr/bin/link'));
  execFileSync('mkfifo', [join(tree, 'var/lib/fifo')]);
  execFileSync('truncate', ['-s', '3M', join(tree, 'var/lib/sparse')]);
  writeFileSync(join(tree, 'proc/1/status'), 'should not be archived\n');
  writeFileSync(join(tree, 'sys/kernel/x'), 'nor this\n');
  writeFileSync(join(tree, 'dev/console'), 'nor this\n');
  if (hasXattr) execFileSync('setfattr', ['-n', 'user.tsdib', '-v', 'hello', join(tree, 'etc/hostname')]);
  if (hasAcl) execFileSync('setfacl', ['-m', 'u:1234:r', join(tree, 'etc/hostname')]);
  if (isRoot) {
    chownSync(join(tree, 'usr/bin/tool'), 1234, 5678);
    chownSync(join(tree, 'var/lib'), 4242, 4343);
  }
  results = await writeOutputs({ rootTree: tree, imageName: join(dir, 'out/img'), types: ['squashfs', 'tar', 'tgz'], compress: true, checksum: true });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tree outputs', () => {
  it('returns one result per type, in order, with paths DIB uses (squashfs → .squash)', () => {
    expect(results.map((r) => [r.type, r.path.slice(dir.length + 1)])).toEqual([
      ['squashfs', 'out/img.squash'],
      ['tar', 'out/img.tar'],
      ['tgz', 'out/img.tgz'],
    ]);
    for (const r of results) {
      expect(r.bytes).toBe(lstatSync(r.path).size);
      expect(lstatSync(r.path).mode & 0o777).toBe(0o644);
    }
    expect(readdirSync(join(dir, 'out')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('tar -tvv --numeric-owner lists exactly the tree, without ./proc and ./sys (as DIB) and /dev empty', () => {
    const listing = execFileSync('tar', ['-tvv', '--numeric-owner', '-f', join(dir, 'out/img.tar')], { encoding: 'utf8' });
    // as DIB's tar: no ./proc or ./sys at all; /dev kept, empty
    expect(parseListing(listing, /^\./)).toEqual(byPath(walk(tree)).filter((e) => e.path !== './proc' && e.path !== './sys'));
    expect(listing).not.toContain('./proc/');
    expect(listing).toContain('./dev/\n');
    expect(listing).not.toContain('status');
    if (skipUnless(isRoot, 'numeric owner check', 'not root, cannot chown')) return;
    expect(listing).toMatch(/1234\/5678 .* \.\/usr\/bin\/tool/);
  });

  it('tgz holds the same listing as tar (and the tar was kept)', () => {
    const a = execFileSync('tar', ['-tvv', '--numeric-owner', '-f', join(dir, 'out/img.tar')], { encoding: 'utf8' });
    const b = execFileSync('tar', ['-tzvv', '--numeric-owner', '-f', join(dir, 'out/img.tgz')], { encoding: 'utf8' });
    expect(b).toBe(a);
  });

  it('tgz goes through pigz when it is installed and through $DIB_GZIP_BIN when set; both unpack to the tar', async () => {
    // listings, not bytes: GNU tar names a sparse member's header after its own PID (docs/outputs.md)
    const list = (tarBytes: Buffer): string =>
      execFileSync('tar', ['-tvv', '--numeric-owner', '-f', '-'], { input: tarBytes, encoding: 'utf8' });
    const plain = list(readFileSync(join(dir, 'out/img.tar')));
    const viaGzip = await writeOutputs({ rootTree: tree, imageName: join(dir, 'out/gz'), types: ['tgz'], compress: true, checksum: false, gzipBin: 'gzip' });
    expect(list(gunzipSync(readFileSync(viaGzip[0]!.path)))).toBe(plain);
    expect(list(gunzipSync(readFileSync(join(dir, 'out/img.tgz'))))).toBe(plain);
    if (skipUnless(hasCommand('pigz'), 'tgz through pigz', 'pigz is not installed (gzip was used)')) return;
    expect(hostTimings.entries().map(([step]) => step)).toEqual(expect.arrayContaining(['tar | pigz', 'tar | gzip']));
  });

  it('aci holds the tree under rootfs/ and the manifest (ACI_MANIFEST, or a minimal one) as the last member', async () => {
    const treeListing = list(join(dir, 'out/img.tar'));
    const manifestFile = join(dir, 'aci-manifest.json');
    const given = '{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/tsdib-test"}\n';
    writeFileSync(manifestFile, given);
    const [withGiven] = await writeOutputs({ rootTree: tree, imageName: join(dir, 'out/given'), types: ['aci'], compress: true, checksum: false, aciManifest: manifestFile });
    const [withDefault] = await writeOutputs({ rootTree: tree, imageName: join(dir, 'out/My_Image'), types: ['aci'], compress: true, checksum: false, arch: 'arm64', env: {} });
    for (const r of [withGiven!, withDefault!]) {
      expect(r.path.endsWith('.aci')).toBe(true);
      const members = list(r.path).trimEnd().split('\n');
      // GNU tar reads it to the end (exit 0) and the manifest comes last, owned by 0/0
      expect(members.at(-1)).toMatch(/^-rw-r--r-- 0\/0 .* manifest$/);
      const rootfs = members.slice(0, -1).map((line) => line.replace(' rootfs/', ' ./'));
      expect(`${rootfs.join('\n')}\n`).toBe(treeListing);
    }
    const extract = (file: string) => execFileSync('tar', ['-xOf', file, 'manifest'], { encoding: 'utf8' });
    expect(extract(withGiven!.path)).toBe(given);
    expect(JSON.parse(extract(withDefault!.path))).toEqual({
      acKind: 'ImageManifest',
      acVersion: '0.8.11',
      name: 'my-image',
      labels: [
        { name: 'os', value: 'linux' },
        { name: 'arch', value: 'aarch64' },
      ],
    });
  });

  it('xattrs and ACLs survive a tar round trip', () => {
    if (skipUnless(hasXattr && hasAcl, 'xattr/ACL round trip', 'setfattr/setfacl missing')) return;
    const x = join(dir, 'extract');
    mkdirSync(x);
    execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--acls', '-xpf', join(dir, 'out/img.tar'), '-C', x]);
    expect(execFileSync('getfattr', ['-n', 'user.tsdib', '--only-values', join(x, 'etc/hostname')], { encoding: 'utf8' })).toBe('hello');
    expect(execFileSync('getfacl', ['-n', join(x, 'etc/hostname')], { encoding: 'utf8' })).toContain('user:1234:r--');
  });

  it('unsquashfs -lln lists exactly the tree, and xattrs survive', () => {
    const listing = execFileSync('unsquashfs', ['-lln', join(dir, 'out/img.squash')], { encoding: 'utf8' });
    const entries = parseListing(listing, /^squashfs-root/);
    // squashfs sizes of directories and links differ from the tree's; compare what both define
    expect(entries).toEqual(byPath(walk(tree)));
    if (skipUnless(hasXattr, 'squashfs xattr check', 'getfattr missing')) return;
    const x = join(dir, 'unsquash');
    execFileSync('unsquashfs', ['-q', '-d', x, join(dir, 'out/img.squash')]);
    expect(execFileSync('getfattr', ['-n', 'user.tsdib', '--only-values', join(x, 'etc/hostname')], { encoding: 'utf8' })).toBe('hello');
  });

  it('checksum files verify with md5sum -c and sha256sum -c in the output dir', () => {
    const out = join(dir, 'out');
    for (const [tool, ext] of [['md5sum', 'md5'], ['sha256sum', 'sha256']] as const) {
      const files = results.map((r) => `${r.path.slice(out.length + 1)}.${ext}`);
      const r = spawnSync(tool, ['-c', ...files], { cwd: out, encoding: 'utf8' });
      expect(r.stdout.trim().split('\n')).toEqual(results.map((x) => `${x.path.slice(out.length + 1)}: OK`));
      expect(r.status).toBe(0);
    }
    for (const r of results) {
      const hex = execFileSync('sha256sum', [r.path], { encoding: 'utf8' }).split(' ')[0];
      expect(r.sha256).toBe(hex);
    }
  });
});

describe('docker output', () => {
  it('without --docker-target: FLAG_INVALID before anything is written', async () => {
    const err = await writeOutputs({ rootTree: tree, imageName: join(dir, 'd/img'), types: ['docker'], compress: true, checksum: false }).catch((e: unknown) => e);
    expect(isTsdibError(err) && err.code).toBe('FLAG_INVALID');
    expect(isTsdibError(err) && err.message).toContain('--docker-target');
  });

  it('without a running engine: OUTPUT_FAILED saying so', async () => {
    const engine = spawnSync('docker', ['version', '--format', '{{.Server.Version}}']).status === 0;
    if (skipOnHost(!engine, 'docker failure test', 'a docker engine is running here')) return;
    const err = await writeOutputs({
      rootTree: tree, imageName: join(dir, 'd/img'), types: ['docker'], compress: true, checksum: false, dockerTarget: 'tsdib/test:latest',
    }).catch((e: unknown) => e);
    expect(isTsdibError(err) && err.code).toBe('OUTPUT_FAILED');
    expect(isTsdibError(err) && err.message).toContain('running docker engine');
  });
});
