/**
 * `npm run docs`: writes the generated reference pages into the repo. With `--check`, writes
 * nothing and exits 1 listing the stale pages (for CI).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateDocs, REPO_ROOT } from './generate-docs.js';

async function main(check: boolean): Promise<number> {
  const stale: string[] = [];
  for (const [rel, text] of Object.entries(await generateDocs())) {
    const file = join(REPO_ROOT, rel);
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === text) continue;
    stale.push(rel);
    if (check) continue;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  for (const rel of stale) process.stdout.write(`${check ? 'stale' : 'wrote'} ${rel}\n`);
  if (stale.length === 0) process.stdout.write('docs are up to date\n');
  return check && stale.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.includes('--check'));
