/**
 * The `-t` table of docs/outputs.md, from the writers table, so a new writer shows up in the docs
 * (and a removed one leaves them).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OUTPUT_TYPES, OUTPUT_WRITERS } from '../output/writers.js';
import type { OutputWriter } from '../output/writer.js';
import { blockMarkers, replaceBlock, table } from './markdown.js';

const MARKERS = blockMarkers('output-types', 'OUTPUT_WRITERS in src/output/writers.ts');

/** Disk formats we stream first, then qemu-img's, then the tree formats. */
function rank(w: OutputWriter): number {
  if (w.needs === 'tree') return 2;
  return w.streaming ? 0 : 1;
}

export function outputTypesTable(): string {
  const writers = OUTPUT_TYPES.map((t) => OUTPUT_WRITERS[t]!).sort((a, b) => rank(a) - rank(b));
  return table(
    ['`-t`', 'file', 'made from', 'written by'],
    writers.map((w) => [
      `\`${w.format}\``,
      w.producesFile ? `\`NAME.${w.extension}\`` : `image \`--${w.format}-target\``,
      w.needs === 'raw' ? 'raw disk image' : 'root tree',
      w.writtenBy,
    ]),
  );
}

/** docs/outputs.md with its generated table brought up to date (the rest is hand-written). */
export async function renderOutputsDoc(repoRoot: string): Promise<string> {
  return replaceBlock(await readFile(join(repoRoot, 'docs', 'outputs.md'), 'utf8'), 'docs/outputs.md', MARKERS, outputTypesTable());
}
