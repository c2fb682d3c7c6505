/**
 * DIB's end-of-build tidy of the mounted image (after cleanup.d): the image's resolv.conf back in
 * place, /tmp emptied, every file under /var/log truncated, every *.log file under /root removed.
 */
import { readdir, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { blockDeviceFailed } from '../errors.js';
import { mountsUnder } from '../host/mount.js';
import { restoreResolvConf } from './resolv-conf.js';

async function entries(dir: string): Promise<import('node:fs').Dirent[]> {
  return readdir(dir, { withFileTypes: true }).catch(() => []);
}

async function truncateFilesUnder(dir: string): Promise<void> {
  for (const e of await entries(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await truncateFilesUnder(p);
    else if (e.isFile()) await truncate(p, 0);
  }
}

export async function tidyImage(root: string): Promise<void> {
  await restoreResolvConf(root);
  const tmp = join(root, 'tmp');
  const mounted = await mountsUnder(tmp);
  if (mounted.length > 0) throw blockDeviceFailed(`cannot empty ${tmp}: still mounted below it: ${mounted.join(', ')}`);
  for (const e of await entries(tmp)) await rm(join(tmp, e.name), { recursive: true, force: true });
  await truncateFilesUnder(join(root, 'var/log'));
  await removeLogsUnder(join(root, 'root'));
}

/** DIB's `find /root -name \*.log -type f -delete`: at any depth, not following symlinks. */
async function removeLogsUnder(dir: string): Promise<void> {
  for (const e of await entries(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await removeLogsUnder(p);
    else if (e.isFile() && e.name.endsWith('.log')) await rm(p, { force: true });
  }
}
