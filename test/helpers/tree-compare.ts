// Compares the file trees of two root-filesystem tarballs (e.g. one made by DIB, one by tsdib).
//
// The tar is parsed here, header by header (ustar, GNU long names/links, PAX records incl. binary
// xattrs, base-256 numbers), so names with spaces or newlines, symlink targets, hard links and
// device nodes come out exactly; gzip-compressed tars are read too. Each entry becomes a normalized
// record; entries matching the volatile list (files that differ between two DIB builds of the same
// inputs, see VOLATILE) are left out or compared without their size. mtimes are never compared.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One tar member as read from the archive (path normalized: absolute, no trailing slash). */
export interface TarEntry {
  path: string;
  type: EntryType;
  /** permission bits incl. setuid/setgid/sticky (mode & 0o7777) */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** symlink target (verbatim) or, for a hard link, the normalized path it links to */
  linkTarget?: string;
  devMajor?: number;
  devMinor?: number;
  /** extended attributes, values hex-encoded */
  xattrs?: Record<string, string>;
}

/**
 * A normalized record for comparison. Hard links are resolved: every member of a hard-link set is
 * a 'file' with the set's size and `hardlinkGroup` = the smallest path of the set, so the result
 * does not depend on which member the archiver met first.
 */
export interface TreeRecord {
  path: string;
  type: Exclude<EntryType, 'hardlink'>;
  mode: number;
  uid: number;
  gid: number;
  /** regular files only; absent when a volatile rule says "size" */
  size?: number;
  linkTarget?: string;
  dev?: string;
  hardlinkGroup?: string;
  xattrs?: Record<string, string>;
}

/**
 * A rule for files that legitimately differ between two builds of the same inputs.
 * - `entry`: the path and everything below it is not compared at all (present or not).
 * - `below`: the path itself is compared, everything below it is not.
 * - `size`: the entry is compared except for its size.
 * Patterns are absolute paths; `*` matches within one path component, `**` across components.
 */
export interface VolatileRule {
  pattern: string;
  what: 'entry' | 'below' | 'size';
  why: string;
}

/**
 * Paths not compared (or compared without their size). Derived from building
 * `disk-image-create -t tar debian-minimal` (bookworm) repeatedly on one host and diffing the
 * tarballs with no rules at all (docs/dib-compat-notes.md §8): only the first group differed.
 * The other two groups follow from how the output is named and made, not from chance. Everything
 * usually called volatile (logs, apt lists, machine-id, ld.so.cache, debconf databases, dpkg *-old
 * files) was identical between DIB runs and is deliberately still compared, so a core that leaves a
 * log untruncated or an apt list behind is caught.
 */
export const VOLATILE: VolatileRule[] = [
  // -- differed between two DIB runs of identical inputs
  {
    pattern: '/dev',
    what: 'below',
    why: "DIB makes the tar while the host's /dev is still bind-mounted on the target (finalise_base unmounts only /tmp), so the tar holds the host's device nodes of that moment (loop devices come and go)",
  },
  {
    pattern: '/etc/iscsi/initiatorname.iscsi',
    what: 'size',
    why: "open-iscsi's postinst writes a random initiator name whose hex part is not zero-padded: 11 or 12 digits (348 or 349 bytes) from one run to the next",
  },
  {
    pattern: '/boot/initrd.img-*',
    what: 'size',
    why: 'the initramfs (gzip-compressed cpio made by update-initramfs) embeds build times; its size changed by ~100 bytes between runs',
  },
  // -- named after, or containing, the output path (-o), which differs between any two builds
  {
    pattern: '/etc/dib-manifests/dib-manifest-dpkg-*',
    what: 'entry',
    why: 'the dpkg element writes dib-manifest-dpkg-$(basename IMAGE_NAME)',
  },
  {
    pattern: '/etc/dib-manifests/dib_arguments',
    what: 'size',
    why: 'the manifests element stores the command line, which contains the output path',
  },
  {
    pattern: '/etc/dib-manifests/dib_environment',
    what: 'size',
    why: 'the manifests element stores `export | grep DIB_` of the caller: DIB_ARGS holds the output path',
  },
  // -- an artefact of DIB making every tar from a filesystem it formatted
  {
    pattern: '/lost+found',
    what: 'entry',
    why: 'DIB copies the tree into a fresh ext4 filesystem and tars its mount, so its tar has /lost+found (0700); a tar written from the tree directly has none',
  },
];

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

interface CompiledRule extends VolatileRule {
  re: RegExp;
}

function compile(rules: VolatileRule[]): CompiledRule[] {
  return rules.map((r) => ({ ...r, re: globToRegExp(r.pattern) }));
}

/** 'skip' = not compared; 'size' = compared without size; undefined = compared fully. */
function volatility(path: string, rules: CompiledRule[]): { how: 'skip' | 'size'; rule: VolatileRule } | undefined {
  let sizeRule: VolatileRule | undefined;
  for (const r of rules) {
    if (r.what === 'entry') {
      if (r.re.test(path)) return { how: 'skip', rule: r };
      // everything below an excluded entry is excluded too
      for (let p = parentOf(path); p !== undefined; p = parentOf(p)) if (r.re.test(p)) return { how: 'skip', rule: r };
    } else if (r.what === 'below') {
      for (let p = parentOf(path); p !== undefined; p = parentOf(p)) if (r.re.test(p)) return { how: 'skip', rule: r };
    } else if (r.re.test(path)) sizeRule = r;
  }
  return sizeRule ? { how: 'size', rule: sizeRule } : undefined;
}

function parentOf(path: string): string | undefined {
  if (path === '/') return undefined;
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

// ------------------------------------------------------------------------------------------------
// tar reading

/** Normalizes a member name: `./etc/x/`, `etc/x`, `/etc/x` → `/etc/x`; `.` and `./` → `/`. */
export function normalizeTarPath(name: string): string {
  let p = name;
  while (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/^\/+/, '').replace(/\/+$/, '');
  if (p === '.' || p === '') return '/';
  return '/' + p;
}

class ChunkReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private done = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<boolean> {
    while (this.have < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        this.chunks.push(r.value);
        this.have += r.value.length;
      }
    }
    return this.have >= n;
  }

  /** Exactly n bytes, or null at a clean end of input; throws on a truncated read. */
  async read(n: number): Promise<Buffer | null> {
    if (!(await this.fill(n))) {
      if (this.have === 0) return null;
      throw new Error(`tar: truncated archive (wanted ${n} bytes, ${this.have} left)`);
    }
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.have = rest.length;
    return out;
  }

  async skip(n: number): Promise<void> {
    while (n > 0) {
      if (this.have === 0 && !(await this.fill(1))) throw new Error('tar: truncated archive while skipping data');
      const head = this.chunks[0]!;
      if (head.length <= n) {
        n -= head.length;
        this.have -= head.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = head.subarray(n);
        this.have -= n;
        n = 0;
      }
    }
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

function cstr(buf: Buffer, off: number, len: number): Buffer {
  const b = buf.subarray(off, off + len);
  const z = b.indexOf(0);
  return z < 0 ? b : b.subarray(0, z);
}

function num(buf: Buffer, off: number, len: number): number {
  const b = buf.subarray(off, off + len);
  if (b[0]! & 0x80) {
    // GNU base-256: big-endian two's complement with the top bit as the marker
    let v = BigInt(b[0]! & 0x7f);
    if (b[0]! & 0x40) v -= 0x80n; // negative
    for (let i = 1; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
    return Number(v);
  }
  const s = cstr(buf, off, len).toString('latin1').trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const c = i >= 148 && i < 156 ? 32 : h[i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  const stored = num(h, 148, 8);
  return stored === unsigned || stored === signed;
}

/** PAX records are `LEN KEY=VALUE\n` with LEN counting bytes; values may be binary (xattrs). */
function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(data.subarray(i, sp).toString('latin1'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.subarray(sp + 1, i + len - 1); // drop the trailing \n
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out.set(rec.subarray(0, eq).toString('utf8'), Buffer.from(rec.subarray(eq + 1)));
    i += len;
  }
  return out;
}

const pad512 = (n: number): number => (512 - (n % 512)) % 512;

/** Options for walking a tar. `wantData(path)` selects members whose data is handed to `onData`. */
export interface WalkOptions {
  wantData?: (path: string) => boolean;
  onData?: (entry: TarEntry, data: Buffer) => void;
}

async function openTarSource(tarFile: string): Promise<AsyncIterable<Buffer>> {
  const fh = await open(tarFile, 'r');
  const magic = Buffer.alloc(2);
  await fh.read(magic, 0, 2, 0);
  await fh.close();
  const raw = createReadStream(tarFile, { highWaterMark: 1 << 20 });
  if (magic[0] === 0x1f && magic[1] === 0x8b) return raw.pipe(createGunzip());
  return raw;
}

/** Reads every member of a (possibly gzip-compressed) tar file. */
export async function readTarEntries(tarFile: string, opts: WalkOptions = {}): Promise<TarEntry[]> {
  const reader = new ChunkReader(await openTarSource(tarFile));
  const entries: TarEntry[] = [];
  let globalPax = new Map<string, Buffer>();
  let pax = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const h = await reader.read(512);
      if (h === null) break;
      if (h.every((b) => b === 0)) break; // end-of-archive marker
      if (!checksumOk(h)) throw new Error(`tar: bad header checksum in ${tarFile} after ${entries.length} entries`);
      const typeflag = String.fromCharCode(h[156]!);
      const size = num(h, 124, 12);
      const dataPad = pad512(size);

      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        const data = (await reader.read(size)) ?? Buffer.alloc(0);
        await reader.skip(dataPad);
        if (typeflag === 'x') pax = new Map([...pax, ...parsePax(data)]);
        else if (typeflag === 'g') globalPax = new Map([...globalPax, ...parsePax(data)]);
        else if (typeflag === 'L') longName = cstr(data, 0, data.length).toString('utf8');
        else longLink = cstr(data, 0, data.length).toString('utf8');
        continue;
      }
      if (typeflag === 'V') {
        await reader.skip(size + dataPad);
        continue;
      }

      const attrs = new Map([...globalPax, ...pax]);
      const magic = h.subarray(257, 263).toString('latin1');
      let name = cstr(h, 0, 100).toString('utf8');
      if (magic === 'ustar\0') {
        const prefix = cstr(h, 345, 155).toString('utf8');
        if (prefix) name = `${prefix}/${name}`;
      }
      if (longName !== undefined) name = longName;
      if (attrs.has('path')) name = attrs.get('path')!.toString('utf8');
      // GNU tar's PAX sparse formats (0.1, 1.0: `tar --sparse --format=posix`) keep the real name apart
      if (attrs.has('GNU.sparse.name')) name = attrs.get('GNU.sparse.name')!.toString('utf8');
      let link = cstr(h, 157, 100).toString('utf8');
      if (longLink !== undefined) link = longLink;
      if (attrs.has('linkpath')) link = attrs.get('linkpath')!.toString('utf8');

      const sparseSize = attrs.get('GNU.sparse.realsize') ?? attrs.get('GNU.sparse.size');
      const realSize = sparseSize ? Number(sparseSize.toString()) : attrs.has('size') ? Number(attrs.get('size')!.toString()) : size;
      const type: EntryType | undefined = (
        {
          '0': 'file',
          '\0': 'file',
          '7': 'file',
          S: 'file',
          '1': 'hardlink',
          '2': 'symlink',
          '3': 'char',
          '4': 'block',
          '5': 'dir',
          '6': 'fifo',
        } as Record<string, EntryType>
      )[typeflag];
      if (type === undefined) throw new Error(`tar: unsupported member type '${typeflag}' for ${name}`);

      const entry: TarEntry = {
        path: normalizeTarPath(name),
        type,
        mode: num(h, 100, 8) & 0o7777,
        uid: attrs.has('uid') ? Number(attrs.get('uid')!.toString()) : num(h, 108, 8),
        gid: attrs.has('gid') ? Number(attrs.get('gid')!.toString()) : num(h, 116, 8),
        size: type === 'file' ? realSize : 0,
      };
      if (type === 'symlink') entry.linkTarget = link;
      if (type === 'hardlink') entry.linkTarget = normalizeTarPath(link);
      if (type === 'char' || type === 'block') {
        entry.devMajor = num(h, 329, 8);
        entry.devMinor = num(h, 337, 8);
      }
      const xattrs: Record<string, string> = {};
      for (const [k, v] of attrs) if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice('SCHILY.xattr.'.length)] = v.toString('hex');
      if (Object.keys(xattrs).length) entry.xattrs = xattrs;
      entries.push(entry);

      // data of the member in the archive (hard links and dirs carry none; GNU sparse: stored size)
      const stored = typeflag === '1' || typeflag === '5' ? 0 : size;
      if (stored > 0 && opts.wantData?.(entry.path) && opts.onData) {
        const data = (await reader.read(stored)) ?? Buffer.alloc(0);
        opts.onData(entry, data);
        await reader.skip(pad512(stored));
      } else await reader.skip(stored + pad512(stored));

      pax = new Map();
      longName = undefined;
      longLink = undefined;
    }
  } finally {
    await reader.close();
  }
  return entries;
}

// ------------------------------------------------------------------------------------------------
// normalization and comparison

export interface TreeOptions {
  /** rules for volatile paths; default VOLATILE */
  volatile?: VolatileRule[];
  /** compare regular file sizes (default true) */
  compareSize?: boolean;
}

/** Turns tar members into comparable records, keyed by path, volatile entries handled. */
export function normalizeEntries(entries: TarEntry[], opts: TreeOptions = {}): Map<string, TreeRecord> {
  const rules = compile(opts.volatile ?? VOLATILE);
  const compareSize = opts.compareSize ?? true;
  const byPath = new Map<string, TarEntry>();
  for (const e of entries) byPath.set(e.path, e); // a later member with the same name wins, as on extraction

  // hard-link sets: union of each link with its target
  const group = new Map<string, string[]>();
  for (const e of byPath.values()) {
    if (e.type !== 'hardlink') continue;
    const target = e.linkTarget!;
    const set = group.get(target) ?? [target];
    set.push(e.path);
    for (const p of set) group.set(p, set);
  }

  const out = new Map<string, TreeRecord>();
  for (const e of byPath.values()) {
    const v = volatility(e.path, rules);
    if (v?.how === 'skip') continue;
    let src = e;
    if (e.type === 'hardlink') src = byPath.get(e.linkTarget!) ?? e;
    const type = src.type === 'hardlink' ? 'file' : src.type;
    const rec: TreeRecord = { path: e.path, type, mode: e.mode, uid: e.uid, gid: e.gid };
    if (type === 'file' && compareSize && v?.how !== 'size') rec.size = src.size;
    if (type === 'symlink') rec.linkTarget = e.linkTarget!;
    if (type === 'char' || type === 'block') rec.dev = `${e.devMajor}:${e.devMinor}`;
    const set = group.get(e.path);
    if (set) rec.hardlinkGroup = [...set].sort()[0]!;
    if (src.xattrs) rec.xattrs = src.xattrs;
    out.set(e.path, rec);
  }
  return out;
}

/** Reads a tar file into normalized records (see TreeOptions). */
export async function readTree(tarFile: string, opts: TreeOptions = {}): Promise<Map<string, TreeRecord>> {
  return normalizeEntries(await readTarEntries(tarFile), opts);
}

const octal = (m: number): string => '0' + m.toString(8).padStart(3, '0');

function describe(r: TreeRecord): string {
  let s = `${r.type} ${octal(r.mode)} ${r.uid}:${r.gid}`;
  if (r.size !== undefined) s += ` size=${r.size}`;
  if (r.linkTarget !== undefined) s += ` -> ${r.linkTarget}`;
  if (r.dev) s += ` dev=${r.dev}`;
  if (r.hardlinkGroup) s += ` hardlink-set=${r.hardlinkGroup}`;
  return s;
}

/**
 * Differences between two trees, one readable line each, sorted by path:
 *   `only in A: /path (file 0644 0:0 size=3)`, `only in B: …`,
 *   `/path: mode 0644 != 0755; uid 0 != 100`.
 * An empty list means the trees are equal under the comparison.
 */
export function diffTrees(a: Map<string, TreeRecord>, b: Map<string, TreeRecord>, names: [string, string] = ['A', 'B']): string[] {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: string[] = [];
  for (const p of paths) {
    const x = a.get(p);
    const y = b.get(p);
    if (!x) {
      out.push(`only in ${names[1]}: ${p} (${describe(y!)})`);
      continue;
    }
    if (!y) {
      out.push(`only in ${names[0]}: ${p} (${describe(x)})`);
      continue;
    }
    const d: string[] = [];
    if (x.type !== y.type) d.push(`type ${x.type} != ${y.type}`);
    if (x.mode !== y.mode) d.push(`mode ${octal(x.mode)} != ${octal(y.mode)}`);
    if (x.uid !== y.uid) d.push(`uid ${x.uid} != ${y.uid}`);
    if (x.gid !== y.gid) d.push(`gid ${x.gid} != ${y.gid}`);
    if (x.size !== y.size) d.push(`size ${x.size ?? '-'} != ${y.size ?? '-'}`);
    if (x.linkTarget !== y.linkTarget) d.push(`link ${x.linkTarget ?? '-'} != ${y.linkTarget ?? '-'}`);
    if (x.dev !== y.dev) d.push(`dev ${x.dev ?? '-'} != ${y.dev ?? '-'}`);
    if (x.hardlinkGroup !== y.hardlinkGroup) d.push(`hardlink-set ${x.hardlinkGroup ?? '-'} != ${y.hardlinkGroup ?? '-'}`);
    const xa = JSON.stringify(x.xattrs ?? {});
    const ya = JSON.stringify(y.xattrs ?? {});
    if (xa !== ya) d.push(`xattrs ${xa} != ${ya}`);
    if (d.length) out.push(`${p}: ${d.join('; ')}`);
  }
  return out;
}

/** Convenience: diff two tar files under the same options. */
export async function diffTarFiles(a: string, b: string, opts: TreeOptions = {}): Promise<string[]> {
  const [ta, tb] = await Promise.all([readTree(a, opts), readTree(b, opts)]);
  return diffTrees(ta, tb, [a, b]);
}

/** Contents of one member of the tar (first match of the normalized path), or undefined. */
export async function readTarMember(tarFile: string, path: string): Promise<Buffer | undefined> {
  const want = normalizeTarPath(path);
  let found: Buffer | undefined;
  await readTarEntries(tarFile, {
    wantData: (p) => p === want,
    onData: (_e, d) => {
      found = Buffer.from(d);
    },
  });
  return found;
}

/**
 * Installed packages from a dpkg status file, `name=version` lines sorted by name, then architecture (`name:arch=version` for
 * a name installed for more than one architecture). Only stanzas whose Status is `… … installed`.
 */
export function parseDpkgStatus(text: string): string[] {
  const rows: { name: string; arch: string; version: string }[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const f = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) f.set(m[1]!, m[2]!);
    }
    const name = f.get('Package');
    if (!name || (f.get('Status') ?? '').split(/\s+/)[2] !== 'installed') continue;
    rows.push({ name, arch: f.get('Architecture') ?? '', version: f.get('Version') ?? '' });
  }
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  rows.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.arch < y.arch ? -1 : x.arch > y.arch ? 1 : 0));
  return rows.map((r) => ((count.get(r.name) ?? 0) > 1 ? `${r.name}:${r.arch}=${r.version}` : `${r.name}=${r.version}`));
}

/** Sorted `name=version` lines of the packages installed in the tarball's /var/lib/dpkg/status. */
export async function dpkgList(tarFile: string): Promise<string[]> {
  const status = await readTarMember(tarFile, '/var/lib/dpkg/status');
  if (!status) throw new Error(`${tarFile}: no /var/lib/dpkg/status in the archive`);
  return parseDpkgStatus(status.toString('utf8'));
}

/** Lines only in a or only in b, prefixed `- ` / `+ `. */
export function diffLists(a: string[], b: string[]): string[] {
  const sa = new Set(a);
  const sb = new Set(b);
  return [...a.filter((x) => !sb.has(x)).map((x) => `- ${x}`), ...b.filter((x) => !sa.has(x)).map((x) => `+ ${x}`)];
}
