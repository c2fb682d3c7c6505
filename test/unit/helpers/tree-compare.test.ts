// The tar-tree comparison used by the DIB parity test: parsing (GNU, POSIX/pax, ustar, gzip),
// normalization (hard links, volatile paths) and the readable diff. Tars are made with GNU tar on
// small trees in a temp dir (no root needed); device nodes and odd header encodings are written by
// hand because creating them for real needs root.
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diffLists,
  diffTarFiles,
  diffTrees,
  dpkgList,
  normalizeEntries,
  normalizeTarPath,
  parseDpkgStatus,
  readTarEntries,
  readTarMember,
  readTree,
  type TarEntry,
} from '../../helpers/tree-compare.js';

let dir: string;
// over 100 bytes in all (GNU long name / pax path / ustar prefix), each component short enough for ustar
const LONG_DIR = 'usr/share/' + ['a', 'b', 'c'].map((c) => c.repeat(30)).join('/');
const LONG_TARGET = '../../' + 'x'.repeat(150);

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** A small root tree: spaces, long names, symlinks (short and long), a hard link, a fifo, modes. */
function makeTree(root: string): void {
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  mkdirSync(join(root, LONG_DIR), { recursive: true });
  mkdirSync(join(root, 'var/log/apt'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  mkdirSync(join(root, 'empty dir'), { recursive: true });
  writeFileSync(join(root, 'etc/hostname'), 'debian\n');
  writeFileSync(join(root, 'etc/name with spaces.conf'), 'x=1\n');
  writeFileSync(join(root, LONG_DIR, 'file.txt'), 'long\n');
  writeFileSync(join(root, 'usr/bin/perl'), 'perl binary');
  linkSync(join(root, 'usr/bin/perl'), join(root, 'usr/bin/perl5.36.0'));
  writeFileSync(join(root, 'usr/bin/sudo'), 'sudo');
  chmodSync(join(root, 'usr/bin/sudo'), 0o4755);
  symlinkSync('hostname', join(root, 'etc/host-link'));
  symlinkSync(LONG_TARGET, join(root, 'etc/long-link'));
  mkfifo(join(root, 'var/fifo'));
  writeFileSync(join(root, 'var/log/apt/history.log'), '');
  writeFileSync(join(root, 'tmp/leftover'), 'x');
  writeFileSync(
    join(root, 'var/lib/dpkg/status'),
    [
      'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\nDescription: x\n multi-line\n',
      'Package: apt\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.6.2\n',
      'Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.0\n',
      'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n',
      'Package: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.36-9\n',
      'Package: apt-transport-https\nStatus: install ok installed\nArchitecture: all\nVersion: 2.6.2\n',
    ].join('\n'),
  );
}

/** GNU tar of `root` with numeric owners 0:0 (as a root build would have). */
function tarOf(root: string, out: string, extra: string[] = [], members: string[] = ['.']): string {
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', out, ...extra, ...members]);
  return out;
}

// ---- a hand-written ustar writer for what GNU tar cannot make without root -------------------------
function octalField(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0') + '\0';
}
function header(o: { name: string; type: string; mode?: number; uid?: number; gid?: number; size?: number; link?: string; major?: number; minor?: number; base256Uid?: bigint }): Buffer {
  const h = Buffer.alloc(512);
  h.write(o.name, 0, 100, 'utf8');
  h.write(octalField(o.mode ?? 0o644, 8), 100, 'latin1');
  if (o.base256Uid !== undefined) {
    h[108] = 0x80;
    let v = o.base256Uid;
    for (let i = 115; i > 108; i--) {
      h[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  } else h.write(octalField(o.uid ?? 0, 8), 108, 'latin1');
  h.write(octalField(o.gid ?? 0, 8), 116, 'latin1');
  h.write(octalField(o.size ?? 0, 12), 124, 'latin1');
  h.write(octalField(0, 12), 136, 'latin1');
  h.write(o.type, 156, 1, 'latin1');
  if (o.link) h.write(o.link, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.write(octalField(o.major ?? 0, 8), 329, 'latin1');
  h.write(octalField(o.minor ?? 0, 8), 337, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}
function withData(h: Buffer, data: Buffer): Buffer[] {
  return [h, data, Buffer.alloc((512 - (data.length % 512)) % 512)];
}
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdib-tree-compare-'));
  makeTree(join(dir, 'root'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('normalizeTarPath', () => {
  it('makes member names absolute without trailing slashes', () => {
    expect(normalizeTarPath('./')).toBe('/');
    expect(normalizeTarPath('.')).toBe('/');
    expect(normalizeTarPath('./etc/')).toBe('/etc');
    expect(normalizeTarPath('etc/passwd')).toBe('/etc/passwd');
    expect(normalizeTarPath('/etc/passwd')).toBe('/etc/passwd');
  });
});

describe('readTarEntries', () => {
  for (const format of ['gnu', 'posix', 'ustar'] as const) {
    it(`reads a ${format} tar: spaces, long names, links, fifo, setuid`, async () => {
      // ustar cannot hold a symlink target over 100 bytes
      const extra = format === 'ustar' ? ['--exclude=./etc/long-link'] : [];
      const tar = tarOf(join(dir, 'root'), join(dir, `t-${format}.tar`), [`--format=${format}`, ...extra]);
      const byPath = new Map((await readTarEntries(tar)).map((e) => [e.path, e]));
      expect(byPath.get('/')).toMatchObject({ type: 'dir', uid: 0, gid: 0 });
      expect(byPath.get('/etc/name with spaces.conf')).toMatchObject({ type: 'file', size: 4, mode: 0o644 });
      expect(byPath.get('/empty dir')).toMatchObject({ type: 'dir' });
      expect(`/${LONG_DIR}/file.txt`.length).toBeGreaterThan(100);
      expect(byPath.get(`/${LONG_DIR}/file.txt`)).toMatchObject({ type: 'file', size: 5 });
      expect(byPath.get('/etc/host-link')).toMatchObject({ type: 'symlink', linkTarget: 'hostname' });
      if (format !== 'ustar') expect(byPath.get('/etc/long-link')).toMatchObject({ type: 'symlink', linkTarget: LONG_TARGET });
      expect(byPath.get('/usr/bin/sudo')).toMatchObject({ type: 'file', mode: 0o4755 });
      expect(byPath.get('/var/fifo')).toMatchObject({ type: 'fifo' });
      const links = [byPath.get('/usr/bin/perl')!, byPath.get('/usr/bin/perl5.36.0')!];
      expect(links.map((l) => l.type).sort()).toEqual(['file', 'hardlink']);
      const hl = links.find((l) => l.type === 'hardlink')!;
      expect(['/usr/bin/perl', '/usr/bin/perl5.36.0']).toContain(hl.linkTarget);
    });
  }

  it('agrees with `tar -tv` on every member (type, mode, owner)', async () => {
    const tar = tarOf(join(dir, 'root'), join(dir, 'tv.tar'));
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', tar], { encoding: 'utf8' }).trim().split('\n');
    const entries = await readTarEntries(tar);
    expect(entries.length).toBe(listing.length);
    const ch: Record<string, string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', fifo: 'p', char: 'c', block: 'b' };
    entries.forEach((e, i) => {
      const line = listing[i]!;
      expect(line[0]).toBe(ch[e.type]);
      expect(line.split(/\s+/)[1]).toBe(`${e.uid}/${e.gid}`);
    });
  });

  it('reads gzip-compressed tars the same as plain ones', async () => {
    const tar = tarOf(join(dir, 'root'), join(dir, 'z.tar'));
    const tgz = join(dir, 'z.tgz');
    execFileSync('sh', ['-c', `gzip -c ${tar} > ${tgz}`]);
    expect(await readTarEntries(tgz)).toEqual(await readTarEntries(tar));
  });

  it('reads device nodes, base-256 owners and binary xattrs from pax records', async () => {
    const cap = Buffer.from('0100000200200000000000000000000000000000', 'hex'); // contains NUL and '\n'-free binary
    const pax = Buffer.concat([paxRecord('SCHILY.xattr.security.capability', cap), paxRecord('path', Buffer.from('usr/bin/ping with space'))]);
    const parts = [
      header({ name: './', type: '5', mode: 0o755 }),
      header({ name: './dev/console', type: '3', mode: 0o600, major: 5, minor: 1 }),
      header({ name: './dev/loop0', type: '4', mode: 0o660, gid: 6, major: 7, minor: 0 }),
      header({ name: './home/big', type: '5', mode: 0o700, base256Uid: 4294967294n }),
      ...withData(header({ name: './PaxHeaders/ping', type: 'x', size: pax.length }), pax),
      ...withData(header({ name: './usr/bin/ping', type: '0', mode: 0o755, size: 3 }), Buffer.from('elf')),
      Buffer.alloc(1024),
    ];
    const tar = join(dir, 'hand.tar');
    writeFileSync(tar, Buffer.concat(parts));
    const byPath = new Map((await readTarEntries(tar)).map((e) => [e.path, e]));
    expect(byPath.get('/dev/console')).toMatchObject({ type: 'char', mode: 0o600, devMajor: 5, devMinor: 1 });
    expect(byPath.get('/dev/loop0')).toMatchObject({ type: 'block', gid: 6, devMajor: 7, devMinor: 0 });
    expect(byPath.get('/home/big')).toMatchObject({ type: 'dir', uid: 4294967294 });
    expect(byPath.get('/usr/bin/ping with space')).toMatchObject({ type: 'file', size: 3, xattrs: { 'security.capability': cap.toString('hex') } });
    expect(byPath.has('/usr/bin/ping')).toBe(false);
    // our test writer agrees with GNU tar
    const listed = execFileSync('tar', ['--numeric-owner', '-tvf', tar], { encoding: 'utf8' });
    expect(listed).toMatch(/^c.* 0\/0 +5,1 .*\.\/dev\/console$/m);
  });

  it('rejects a damaged header', async () => {
    const tar = tarOf(join(dir, 'root'), join(dir, 'bad.tar'));
    const buf = readFileSync(tar);
    buf[0] = buf[0]! ^ 0xff;
    const bad = join(dir, 'bad2.tar');
    writeFileSync(bad, buf);
    await expect(readTarEntries(bad)).rejects.toThrow(/bad header checksum/);
  });

  it('extracts one member', async () => {
    const tar = tarOf(join(dir, 'root'), join(dir, 'm.tar'));
    expect((await readTarMember(tar, '/etc/hostname'))?.toString()).toBe('debian\n');
    expect(await readTarMember(tar, '/etc/nope')).toBeUndefined();
  });
});

describe('normalizeEntries / diffTrees', () => {
  it('finds no difference between two tars of the same tree', async () => {
    const root = join(dir, 'root');
    expect(await diffTarFiles(tarOf(root, join(dir, 'same1.tar')), tarOf(root, join(dir, 'same2.tar'), ['--format=posix']))).toEqual([]);
  });

  it('reports a mode change', async () => {
    const root = join(dir, 'modes');
    makeTree(root);
    const a = tarOf(root, join(dir, 'mode-a.tar'));
    chmodSync(join(root, 'etc/hostname'), 0o600);
    const b = tarOf(root, join(dir, 'mode-b.tar'));
    expect(await diffTarFiles(a, b)).toEqual(['/etc/hostname: mode 0644 != 0600']);
  });

  it('reports owner, size, link target, type and presence differences', async () => {
    const root = join(dir, 'many');
    makeTree(root);
    const a = tarOf(root, join(dir, 'many-a.tar'));
    writeFileSync(join(root, 'etc/hostname'), 'debian-longer\n');
    rmSync(join(root, 'etc/host-link'));
    symlinkSync('elsewhere', join(root, 'etc/host-link'));
    rmSync(join(root, 'var/fifo'));
    writeFileSync(join(root, 'var/fifo'), '');
    writeFileSync(join(root, 'etc/new'), '');
    rmSync(join(root, 'etc/name with spaces.conf'));
    const b = join(dir, 'many-b.tar');
    execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', b, '--exclude=./usr/bin/sudo', '.']);
    execFileSync('tar', ['--numeric-owner', '--owner=1000', '--group=1000', '-C', root, '-rf', b, './usr/bin/sudo']);
    const d = await diffTarFiles(a, b);
    expect(d).toEqual([
      '/etc/host-link: link hostname != elsewhere',
      '/etc/hostname: size 7 != 14',
      `only in ${a}: /etc/name with spaces.conf (file 0644 0:0 size=4)`,
      `only in ${b}: /etc/new (file 0644 0:0 size=0)`,
      '/usr/bin/sudo: uid 0 != 1000; gid 0 != 1000',
      '/var/fifo: type fifo != file; size - != 0',
    ]);
  });

  it('treats hard-link sets the same whichever member comes first', async () => {
    const root = join(dir, 'root');
    const a = tarOf(root, join(dir, 'hl-a.tar'), [], ['./usr/bin/perl', './usr/bin/perl5.36.0']);
    const b = tarOf(root, join(dir, 'hl-b.tar'), [], ['./usr/bin/perl5.36.0', './usr/bin/perl']);
    const ta = await readTree(a);
    expect(ta.get('/usr/bin/perl5.36.0')).toEqual({ path: '/usr/bin/perl5.36.0', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 11, hardlinkGroup: '/usr/bin/perl' });
    expect(diffTrees(ta, await readTree(b))).toEqual([]);
  });

  it('ignores volatile paths but nothing else', async () => {
    const root = join(dir, 'vol');
    makeTree(root);
    mkdirSync(join(root, 'dev'));
    mkdirSync(join(root, 'boot'));
    mkdirSync(join(root, 'etc/dib-manifests'));
    writeFileSync(join(root, 'boot/initrd.img-6.1.0-56-amd64'), 'cpio-a');
    writeFileSync(join(root, 'etc/dib-manifests/dib-manifest-dpkg-dib1'), '{}');
    const a = tarOf(root, join(dir, 'vol-a.tar'));
    writeFileSync(join(root, 'boot/initrd.img-6.1.0-56-amd64'), 'cpio-longer'); // size ignored
    writeFileSync(join(root, 'dev/loop9'), ''); // below /dev ignored (DIB tars the host's /dev)
    rmSync(join(root, 'etc/dib-manifests/dib-manifest-dpkg-dib1'));
    writeFileSync(join(root, 'etc/dib-manifests/dib-manifest-dpkg-dib2'), '{}'); // named after -o
    mkdirSync(join(root, 'lost+found'));
    const b = tarOf(root, join(dir, 'vol-b.tar'));
    expect(await diffTarFiles(a, b)).toEqual([]);
    // but the usual suspects are compared: a log that is not truncated, a stray file in /tmp
    chmodSync(join(root, 'boot/initrd.img-6.1.0-56-amd64'), 0o600); // mode of a size-only rule still counts
    writeFileSync(join(root, 'var/log/apt/history.log'), 'Start-Date: now\n');
    rmSync(join(root, 'dev'), { recursive: true }); // the /dev directory itself is compared
    const c = tarOf(root, join(dir, 'vol-c.tar'));
    expect(await diffTarFiles(a, c)).toEqual([
      '/boot/initrd.img-6.1.0-56-amd64: mode 0644 != 0600',
      `only in ${a}: /dev (dir 0755 0:0)`,
      '/var/log/apt/history.log: size 0 != 16',
    ]);
    // and with no volatile rules at all every difference shows
    expect(await diffTarFiles(a, b, { volatile: [] })).toHaveLength(5);
  });

  it('can leave sizes out entirely', () => {
    const e = (size: number): TarEntry[] => [{ path: '/f', type: 'file', mode: 0o644, uid: 0, gid: 0, size }];
    expect(diffTrees(normalizeEntries(e(1), { compareSize: false }), normalizeEntries(e(2), { compareSize: false }))).toEqual([]);
    expect(diffTrees(normalizeEntries(e(1)), normalizeEntries(e(2)))).toEqual(['/f: size 1 != 2']);
  });
});

describe('dpkgList', () => {
  it('lists installed packages as sorted name=version lines', async () => {
    const tar = tarOf(join(dir, 'root'), join(dir, 'dpkg.tar'));
    expect(await dpkgList(tar)).toEqual(['apt=2.6.2', 'apt-transport-https=2.6.2', 'libc6:amd64=2.36-9', 'libc6:i386=2.36-9', 'zlib1g=1:1.2.13.dfsg-1']);
  });

  it('fails clearly when the tar has no dpkg status', async () => {
    const root = join(dir, 'nodpkg');
    mkdirSync(join(root, 'etc'), { recursive: true });
    await expect(dpkgList(tarOf(root, join(dir, 'nodpkg.tar')))).rejects.toThrow(/no \/var\/lib\/dpkg\/status/);
  });

  it('parses a status file and diffs lists', () => {
    expect(parseDpkgStatus('Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nStatus: purge ok not-installed\n')).toEqual(['a=1']);
    expect(diffLists(['a=1', 'b=2'], ['a=1', 'b=3'])).toEqual(['- b=2', '+ b=3']);
  });
});
