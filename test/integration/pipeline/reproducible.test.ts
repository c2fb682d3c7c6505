// Reproducible images, offline and fast: fake-os plus a `repro` element whose post-root.d hook makes
// files in a random order (shuf), a sparse file, a symlink and a hard link, in / and in the ESP; a GPT
// disk with a vfat ESP at /boot/efi and an ext4 root (DIB_BLOCK_DEVICE_CONFIG), assembled offline.
// 1. Two builds with one SOURCE_DATE_EPOCH, from two TMPDIRs (one workspace on tmpfs, one with
//    --no-tmpfs on the host's disk), at least 2 s apart (FAT's time unit), into two output
//    directories: the same sha256 for raw, qcow2, vhd, vmdk and tar.
// 2. A third build with another --seed: every disk output differs, and only in identifiers — the
//    same partition table bytes but for the disk/partition GUIDs and the CRCs over them (and the
//    protective MBR's signature), the same FAT bytes but for the volume id, the same ext4 superblock
//    (dumpe2fs -h) but for UUID, hash seed and checksum, the same files with the same contents,
//    owners, modes and times (debugfs rdump / mtools), the same tar.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configText, esp, FSTAB_ROOT, FSTAB_SECONDARY, rootPartition } from '../../fixtures/block-device/layouts.mjs';
import { CLI, REPO_ROOT } from '../../helpers/cli.js';
import { FIXTURE_ELEMENTS, offlineBuildEnv } from '../../helpers/offline-build.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';

const TOOLS = ['debugfs', 'dumpe2fs', 'mcopy', 'minfo', 'sfdisk', 'mkfs.vfat', 'qemu-img', 'shuf'];
const skip = skipUnless(process.getuid?.() === 0 && TOOLS.every(hasCommand), 'reproducible builds', `needs root (chroot phases) and ${TOOLS.join(', ')}`);

const EPOCH = '1700000000';
const TYPES = ['raw', 'qcow2', 'vhd', 'vmdk', 'tar'] as const;
const MiB = 1 << 20;
const SECTOR = 512;

// GPT: a 32 MiB vfat ESP at 1 MiB, ext4 root after it; ids left to the seed
const EFI_EXT4 = configText([
  { local_loop: { name: 'image0', size: '160MiB' } },
  {
    partitioning: {
      base: 'image0',
      label: 'gpt',
      partitions: [esp('32MiB', { label: 'ESP', fstab: FSTAB_SECONDARY }), rootPartition({ name: 'mkfs_root', type: 'ext4', label: 'cloudimg-rootfs', fstab: FSTAB_ROOT })],
    },
  },
]);
const ESP = { offset: 1 * MiB, size: 32 * MiB };
const ROOT_OFFSET = 33 * MiB;

const HOOK = `#!/bin/bash
set -eu -o pipefail
r="$TMP_MOUNT_PATH"
mkdir -p "$r/boot/efi/EFI/BOOT" "$r/srv/data" "$r/var/lib"
# the same names every build, made in a different order every build
for n in $(shuf -e alpha beta gamma delta epsilon zeta eta theta iota kappa lambda); do
  echo "$n" > "$r/srv/data/$n"
  mkdir -p "$r/srv/data/d-$n" "$r/boot/efi/EFI/$n"
  echo "$n" > "$r/srv/data/d-$n/file"
  echo "menuentry $n" > "$r/boot/efi/EFI/$n/grub.cfg"
  echo "$n" > "$r/boot/efi/EFI/BOOT/$n.cfg"
done
echo "a long name" > "$r/boot/efi/EFI/BOOT/A Long File Name.txt"
head -c 70000 /dev/zero | tr '\\0' 'x' > "$r/boot/efi/EFI/BOOT/BOOTX64.EFI"
truncate -s 16M "$r/var/lib/sparse"
printf 'data' | dd of="$r/var/lib/sparse" bs=1 seek=5000000 conv=notrunc status=none
ln -s ../srv/data/alpha "$r/etc/alpha-link"
ln "$r/srv/data/beta" "$r/srv/data/beta-hardlink"
chown 1234:5678 "$r/srv/data/gamma"
chmod 0640 "$r/srv/data/delta"
`;

interface Built {
  out: string;
  sums: Record<string, string>;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Byte offsets where two equal-length buffers differ. */
function differing(a: Buffer, b: Buffer): number[] {
  expect(a.length).toBe(b.length);
  const at: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) at.push(i);
  return at;
}

function readRange(path: string, offset: number, length: number): Buffer {
  const buf = readFileSync(path);
  return buf.subarray(offset, offset + length);
}

/** Every byte offset of `fields` ([start, length] pairs). */
const offsetsOf = (fields: Array<[number, number]>) => fields.flatMap(([s, n]) => Array.from({ length: n }, (_, i) => s + i));

/**
 * `find` listing of a tree: type, mode, owner, mtime, size, link target, content hash of each entry.
 * A symlink's mtime is left out: neither debugfs rdump nor mcopy sets it (it is the extraction's).
 */
function treeListing(dir: string): string[] {
  const lines = execFileSync('find', [dir, '-mindepth', '1', '-printf', '%P\\0%y %m %U:%G %T@ %s %l\\0'], { encoding: 'utf8', maxBuffer: 64 * MiB }).split('\0');
  const out: string[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const path = lines[i]!;
    const meta = lines[i + 1]!;
    const fields = meta.split(' ');
    if (fields[0] === 'l') fields[3] = '-';
    out.push(`${path} ${fields.join(' ')}${meta.startsWith('f ') ? ` ${sha256(join(dir, path))}` : ''}`);
  }
  return out.sort();
}

/** dumpe2fs -h of the root filesystem with the seeded fields masked (and the raw values). */
function extHeader(image: string): { masked: string; fields: Record<string, string> } {
  const text = execFileSync('dumpe2fs', ['-h', `${image}?offset=${ROOT_OFFSET}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const fields: Record<string, string> = {};
  const masked = text.replace(/^(Filesystem UUID|Directory Hash Seed|Checksum):\s+(.*)$/gm, (_, k: string, v: string) => {
    fields[k] = v;
    return `${k}: <seeded>`;
  });
  return { masked, fields };
}

describe.skipIf(skip)('reproducible builds (offline assembly, fake-os)', () => {
  let base: string;
  let elements: string;
  const built: Record<'a' | 'b' | 'seeded', Built> = {} as never;

  const build = (name: keyof typeof built, opts: { tmp: string; flags?: string[] }): Built => {
    const out = join(base, `out-${name}`);
    const cache = join(base, `cache-${name}`);
    for (const d of [out, cache, opts.tmp]) mkdirSync(d, { recursive: true });
    const env = offlineBuildEnv({ tmp: opts.tmp, cache, elements }, { DIB_BLOCK_DEVICE_CONFIG: EFI_EXT4, SOURCE_DATE_EPOCH: EPOCH, TSDIB_SEED: undefined });
    const args = ['--offline-assembly', '--no-cache', '--mkfs-journal-size', '8', ...(opts.flags ?? []), '-t', TYPES.join(','), '-n', 'fake-os', 'repro', '-o', join(out, 'img')];
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', maxBuffer: 64 * MiB, timeout: 240_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const sums: Record<string, string> = {};
    for (const t of TYPES) sums[t] = sha256(join(out, `img.${t}`));
    return { out, sums };
  };
  const image = (name: keyof typeof built, type = 'raw') => join(built[name].out, `img.${type}`);

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tsdib-repro-'));
    elements = join(base, 'elements');
    mkdirSync(join(elements, 'repro', 'post-root.d'), { recursive: true });
    writeFileSync(join(elements, 'repro', 'element-deps'), 'fake-os\n');
    writeFileSync(join(elements, 'repro', 'README.md'), '# repro\n\nTest element of the reproducible-builds test.\n');
    writeFileSync(join(elements, 'repro', 'post-root.d', '50-repro-tree'), HOOK);
    chmodSync(join(elements, 'repro', 'post-root.d', '50-repro-tree'), 0o755);
    execFileSync('cp', ['-a', join(FIXTURE_ELEMENTS, 'fake-os'), join(elements, 'fake-os')]);

    const started = Date.now();
    // the workspace of build a is tsdib's own tmpfs; b's is a directory on the host's disk (--no-tmpfs)
    built.a = build('a', { tmp: join(base, 'tmp-a') });
    // FAT keeps times in 2 s units: make sure the clock has moved past one
    while (Date.now() - started < 2100) execFileSync('sleep', ['0.2']);
    built.b = build('b', { tmp: join(base, 'tmp-b'), flags: ['--no-tmpfs'] });
    built.seeded = build('seeded', { tmp: join(base, 'tmp-seeded'), flags: ['--seed', 'another-seed'] });
  }, 600_000);

  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('gives the same sha256 for raw, qcow2, vhd, vmdk and tar from two TMPDIRs (tmpfs and disk) at two times', () => {
    expect(built.b.sums).toEqual(built.a.sums);
  });

  it('with another seed, every disk output differs and the tar (the tree) does not', () => {
    for (const t of ['raw', 'qcow2', 'vhd', 'vmdk'] as const) expect(built.seeded.sums[t], t).not.toBe(built.a.sums[t]);
    expect(built.seeded.sums.tar).toBe(built.a.sums.tar);
  });

  it('with another seed, the partition table differs only in the GUIDs, the CRCs over them and the MBR signature', () => {
    const dump = (name: keyof typeof built) =>
      execFileSync('sfdisk', ['--dump', image(name)], { encoding: 'utf8' })
        .replaceAll(image(name), 'IMG')
        .replace(/^label-id: .*$/m, 'label-id: <seeded>')
        .replace(/uuid=[0-9A-F-]+/g, 'uuid=<seeded>');
    expect(dump('seeded')).toBe(dump('a'));
    const size = readFileSync(image('a')).length;
    // protective MBR + primary header + entries, and the backup entries + header at the end
    const head = 34 * SECTOR;
    const tail = 33 * SECTOR;
    const hdrFields: Array<[number, number]> = [[16, 4], [56, 16], [88, 4]]; // header CRC, disk GUID, entries CRC
    const entryGuids = (at: number): Array<[number, number]> => Array.from({ length: 128 }, (_, i): [number, number] => [at + i * 128 + 16, 16]);
    const allowedHead = new Set(offsetsOf([[440, 4], ...hdrFields.map(([s, n]): [number, number] => [SECTOR + s, n]), ...entryGuids(2 * SECTOR)]));
    const allowedTail = new Set(offsetsOf([...entryGuids(0), ...hdrFields.map(([s, n]): [number, number] => [32 * SECTOR + s, n])]));
    const headDiff = differing(readRange(image('a'), 0, head), readRange(image('seeded'), 0, head));
    const tailDiff = differing(readRange(image('a'), size - tail, tail), readRange(image('seeded'), size - tail, tail));
    expect(headDiff.filter((o) => !allowedHead.has(o))).toEqual([]);
    expect(tailDiff.filter((o) => !allowedTail.has(o))).toEqual([]);
    // and the seeded fields did change: the disk GUID in both headers, both partitions' GUIDs
    for (const o of [SECTOR + 56, 2 * SECTOR + 16, 2 * SECTOR + 128 + 16]) expect(headDiff, `offset ${o}`).toContain(o);
    expect(tailDiff).toContain(32 * SECTOR + 56);
  });

  it('with another seed, the ESP differs only in its volume id and holds the same files', () => {
    const a = readRange(image('a'), ESP.offset, ESP.size);
    const s = readRange(image('seeded'), ESP.offset, ESP.size);
    // BS_VolID: 0x27 in a FAT12/16 boot sector, 0x43 in FAT32's (and its backup at sector 6)
    const fat32 = a.subarray(0x52, 0x5a).toString('latin1').startsWith('FAT32');
    const volId: Array<[number, number]> = fat32 ? [[0x43, 4], [6 * SECTOR + 0x43, 4]] : [[0x27, 4]];
    const diff = differing(a, s);
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.filter((o) => !offsetsOf(volId).includes(o))).toEqual([]);
    const serial = (name: keyof typeof built) => /serial number: (\w+)/.exec(execFileSync('minfo', ['-i', `${image(name)}@@${ESP.offset}`], { encoding: 'utf8', env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } }))?.[1];
    expect(serial('seeded')).not.toBe(serial('a'));
    // mtools' own view of the files: names, sizes and times, and every file's bytes
    const files = (name: keyof typeof built) => {
      const dest = mkdtempSync(join(base, `esp-${name}-`));
      execFileSync('mcopy', ['-s', '-p', '-m', '-n', '-i', `${image(name)}@@${ESP.offset}`, '::/EFI', dest], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
      return treeListing(dest).map((l) => l.replace(/ \d+:\d+ /, ' '));
    };
    const listed = files('a');
    expect(listed.some((l) => l.startsWith('EFI/BOOT/A Long File Name.txt '))).toBe(true);
    expect(listed.filter((l) => l.startsWith('EFI/lambda/grub.cfg ')).length).toBe(1);
    expect(files('seeded')).toEqual(listed);
  });

  it('with another seed, the ext4 root differs only in UUID, hash seed and checksums and holds the same files', () => {
    const a = extHeader(image('a'));
    const s = extHeader(image('seeded'));
    expect(s.masked).toBe(a.masked);
    for (const k of ['Filesystem UUID', 'Directory Hash Seed']) expect(s.fields[k], k).not.toBe(a.fields[k]);
    const rdump = (name: keyof typeof built) => {
      const dest = mkdtempSync(join(base, `root-${name}-`));
      execFileSync('debugfs', ['-R', `rdump / ${dest}`, `${image(name)}?offset=${ROOT_OFFSET}`], { stdio: 'ignore' });
      return treeListing(dest);
    };
    const listed = rdump('a');
    // what the hook made is there: the sparse file's size, the symlink, the owner and mode it set
    const sparse = createHash('sha256').update(Buffer.concat([Buffer.alloc(5_000_000), Buffer.from('data'), Buffer.alloc(16 * MiB - 5_000_004)])).digest('hex');
    expect(listed).toContain(`var/lib/sparse f 644 0:0 ${EPOCH}.0000000000 ${16 * MiB}  ${sparse}`);
    expect(listed.find((l) => l.startsWith('etc/alpha-link '))).toMatch(/^etc\/alpha-link l 777 0:0 - \d+ \.\.\/srv\/data\/alpha$/);
    expect(listed.find((l) => l.startsWith('srv/data/gamma '))).toMatch(/ 1234:5678 /);
    expect(rdump('seeded')).toEqual(listed);
  });
});
