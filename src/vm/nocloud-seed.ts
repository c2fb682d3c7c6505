/**
 * A NoCloud seed for cloud-init: a small vfat filesystem labelled CIDATA holding user-data and
 * meta-data (and network-config, vendor-data when given). Made from a directory with mkfs.vfat and
 * mtools, nothing mounted; a ready seed file (vfat or iso9660, e.g. from cloud-localds) is used as
 * it is once its label is checked.
 */
import { copyFile, readdir, readFile, stat, truncate, writeFile, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { flagInvalid } from '../errors.js';
import { runResult } from '../host/exec.js';
import { copyTreeIntoVfat, formatVfat } from '../host/vfat.js';

/** The files cloud-init's NoCloud source reads from a seed. */
export const SEED_FILES = ['user-data', 'meta-data', 'vendor-data', 'network-config'] as const;
const SEED_LABEL = 'CIDATA';
const MIN_SEED_BYTES = 2 * 1024 * 1024;

/** Checks `--seed` before anything starts; returns whether it is a directory or a ready file. */
export async function checkSeed(seed: string): Promise<'dir' | 'file'> {
  const st = await stat(seed).catch(() => undefined);
  if (!st) throw flagInvalid({ flag: '--seed', value: seed, problem: 'no such file or directory', hint: 'a directory with user-data and meta-data, or a seed image labelled CIDATA' });
  if (st.isDirectory()) {
    const names = await readdir(seed);
    if (!names.includes('user-data') && !names.includes('meta-data')) {
      throw flagInvalid({ flag: '--seed', value: seed, problem: 'the directory has neither user-data nor meta-data', hint: `NoCloud reads ${SEED_FILES.join(', ')}` });
    }
    return 'dir';
  }
  const label = await runResult('blkid', ['-p', '-o', 'value', '-s', 'LABEL', seed], { step: 'blkid seed', okExitCodes: [0, 2] });
  if (label.stdout.trim().toUpperCase() !== SEED_LABEL) {
    throw flagInvalid({
      flag: '--seed',
      value: seed,
      problem: `the file is no filesystem labelled ${SEED_LABEL} (found ${label.stdout.trim() ? `label "${label.stdout.trim()}"` : 'no label'}); cloud-init would not find it`,
      hint: 'pass the directory with user-data and meta-data instead, or make the seed with `cloud-localds`',
    });
  }
  return 'file';
}

/**
 * Writes `workDir/seed.img` from the seed directory. A missing meta-data gets an instance-id
 * derived from user-data (cloud-init runs its per-instance modules once per instance-id), a missing
 * user-data an empty one.
 */
export async function buildSeedImage(seedDir: string, workDir: string): Promise<string> {
  const staging = join(workDir, 'seed');
  await mkdir(staging);
  const present = new Set(await readdir(seedDir));
  let bytes = 0;
  for (const name of SEED_FILES) {
    if (!present.has(name)) continue;
    await copyFile(join(seedDir, name), join(staging, name));
    bytes += (await stat(join(staging, name))).size;
  }
  if (!present.has('user-data')) await writeFile(join(staging, 'user-data'), '');
  if (!present.has('meta-data')) {
    const userData = present.has('user-data') ? await readFile(join(seedDir, 'user-data')) : Buffer.alloc(0);
    const id = createHash('sha256').update(userData).digest('hex').slice(0, 16);
    await writeFile(join(staging, 'meta-data'), `instance-id: tsdib-${id}\nlocal-hostname: tsdib-guest\n`);
  }
  const image = join(workDir, 'seed.img');
  await writeFile(image, '');
  await truncate(image, Math.max(MIN_SEED_BYTES, Math.ceil((bytes * 2) / 1048576) * 1048576));
  await formatVfat(image, { label: SEED_LABEL });
  await copyTreeIntoVfat(image, 0, staging);
  return image;
}
