/**
 * apt's downloaded packages, kept between builds in `$DIB_IMAGE_CACHE/apt-archives/<key>`. A build
 * never shares that directory live (two chroots running apt on one archives dir fight over its
 * lock): it gets its own copy in the workspace, bound at /var/cache/apt/archives, and the packages
 * it downloaded are copied back afterwards (to a temp name, then renamed, so a parallel build never
 * sees half a file).
 */
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

async function debsIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.deb')).sort();
}

/** Copies the cached packages into `workDir` (made if missing). */
export async function seedAptArchives(cacheDir: string, workDir: string): Promise<void> {
  await mkdir(join(workDir, 'partial'), { recursive: true });
  for (const name of await debsIn(cacheDir)) await copyFile(join(cacheDir, name), join(workDir, name));
}

/** Copies the packages `workDir` has and the cache lacks back into the cache; returns how many. */
export async function harvestAptArchives(workDir: string, cacheDir: string): Promise<number> {
  await mkdir(cacheDir, { recursive: true });
  const cached = new Set(await debsIn(cacheDir));
  let n = 0;
  for (const name of await debsIn(workDir)) {
    if (cached.has(name)) continue;
    const tmp = join(cacheDir, `.${name}.${process.pid}.tmp`);
    try {
      await copyFile(join(workDir, name), tmp);
      await rename(tmp, join(cacheDir, name));
      n++;
    } finally {
      await rm(tmp, { force: true });
    }
  }
  return n;
}
