/**
 * With SOURCE_DATE_EPOCH, the last touch of the tree before it becomes the image (after `tidy`):
 * what a build leaves that differs between two builds of the same packages is removed or pinned
 * (docs/reproducible.md), then every time stamp newer than the epoch is clamped to it.
 */
import { lchown, lstat, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { clampTimes } from '../reproducible/clamp-times.js';
import { join } from 'node:path';

/** Files whose content is random or the build's moment, removed (systemd, ldconfig, apt, dpkg and debconf remake them). */
export const VOLATILE_FILES = [
  'var/lib/systemd/random-seed',
  'var/lib/random-seed',
  'var/cache/ldconfig/aux-cache',
  'var/cache/apt/pkgcache.bin',
  'var/cache/apt/srcpkgcache.bin',
  'var/lib/dpkg/status-old',
  'var/lib/dpkg/diversions-old',
  'var/lib/dpkg/statoverride-old',
  'var/cache/debconf/config.dat-old',
  'var/cache/debconf/templates.dat-old',
  'var/cache/debconf/passwords.dat-old',
];

/**
 * apt's download directories, shipped by the apt package owned by root; apt's sandbox makes them
 * _apt's when it downloads into them, which depends on what the apt cache already held.
 */
export const APT_PARTIAL_DIRS = ['var/lib/apt/lists/partial', 'var/cache/apt/archives/partial'];

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false);
}

/** /etc/shadow's "last password change" (days since 1970) set to the epoch's day where it is a number. */
export function pinShadowDays(shadow: string, epoch: number): string {
  const day = String(Math.floor(epoch / 86400));
  return shadow
    .split('\n')
    .map((line) => {
      const f = line.split(':');
      if (f.length < 3 || !/^\d+$/.test(f[2]!)) return line;
      f[2] = day;
      return f.join(':');
    })
    .join('\n');
}

export async function normaliseTree(root: string, epoch: number): Promise<void> {
  for (const f of VOLATILE_FILES) await rm(join(root, f), { force: true });
  const lists = join(root, 'var/lib/apt/lists');
  for (const e of await readdir(lists, { withFileTypes: true }).catch(() => [])) if (e.isFile() && e.name !== 'lock') await rm(join(lists, e.name), { force: true });
  for (const d of APT_PARTIAL_DIRS) {
    const st = await lstat(join(root, d)).catch(() => undefined);
    if (st?.isDirectory() && (st.uid !== 0 || st.gid !== 0)) await lchown(join(root, d), 0, 0);
  }
  // systemd makes a new one at first boot when it is empty (DIB's cleanup does the same)
  const machineId = join(root, 'etc/machine-id');
  if (await exists(machineId)) await truncate(machineId, 0);
  // shadow- is the utilities' backup: a base tarball cached from a build without SOURCE_DATE_EPOCH has its day
  for (const name of ['etc/shadow', 'etc/shadow-']) {
    const shadow = join(root, name);
    if (!(await exists(shadow))) continue;
    const text = await readFile(shadow, 'utf8');
    const pinned = pinShadowDays(text, epoch);
    if (pinned !== text) await writeFile(shadow, pinned);
  }
  await clampTimes(root, epoch);
}
