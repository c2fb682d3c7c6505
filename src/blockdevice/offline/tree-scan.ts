/** Walks of a root tree for what an offline filesystem cannot hold. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Up to `limit` character or block device nodes below `dir` (paths relative to it, with a leading /). */
export async function findDeviceNodes(dir: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (found.length >= limit) return;
      const r = `${rel}/${e.name}`;
      if (e.isCharacterDevice() || e.isBlockDevice()) found.push(r);
      else if (e.isDirectory()) await walk(join(abs, e.name), r);
    }
  };
  await walk(dir, '');
  return found;
}
