/**
 * The packages installed in a Debian or Ubuntu tree, read from its `var/lib/dpkg/status` (no host
 * command: the host may not be Debian, and the tree's own dpkg database is the truth). A tree
 * without dpkg has none.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestPackage } from './manifest.js';

/** Installed packages from the text of a dpkg status file (half-installed and removed ones left out). */
export function parseDpkgStatus(text: string): ManifestPackage[] {
  const packages: ManifestPackage[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of paragraph.split('\n')) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) fields.set(m[1]!, m[2]!.trim());
    }
    const name = fields.get('Package');
    if (!name || !/ installed$/.test(fields.get('Status') ?? '')) continue;
    const version = fields.get('Version');
    const arch = fields.get('Architecture');
    packages.push({ name, ...(version ? { version } : {}), ...(arch ? { arch } : {}) });
  }
  return packages;
}

export async function installedPackages(treeRoot: string): Promise<ManifestPackage[]> {
  const text = await readFile(join(treeRoot, 'var', 'lib', 'dpkg', 'status'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  return parseDpkgStatus(text);
}
