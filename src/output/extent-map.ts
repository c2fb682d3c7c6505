/**
 * Where a sparse file has data, from the filesystem's extent map (FIEMAP, read with
 * `filefrag -v -e`). Node 20 has no `lseek(SEEK_DATA)`, and filefrag is as fast here
 * (reference/formats.md §1.5). The map only tells where holes are: data extents still need zero
 * detection, and `unwritten` (fallocated) extents are kept as data because pages written into them
 * may not have reached the disk yet.
 */
import { run } from '../host/exec.js';
import { log } from '../log.js';

/** A byte range [start, end) of a file that may hold data. */
export interface Extent {
  start: number;
  end: number;
}

const HEADER = /^File size of .* is (\d+) \((\d+) blocks? of (\d+) bytes\)/m;
// "   0:      256..     271:          0..         0:      0:   last,unknown_loc,delalloc"
// The length column is 0 for delalloc extents, so the logical range (inclusive) is what counts.
const EXTENT = /^\s*\d+:\s*(\d+)\.\.\s*(\d+):/;

/** Parses `filefrag -v -e` output into merged, sorted byte ranges clipped to the file size. */
export function parseFilefrag(text: string, fileSize: number): Extent[] {
  const h = HEADER.exec(text);
  if (!h) throw new Error('filefrag output has no "File size of" line');
  const blockSize = Number(h[3]);
  const raw: Extent[] = [];
  for (const line of text.split('\n')) {
    const m = EXTENT.exec(line);
    if (!m) continue;
    const start = Number(m[1]) * blockSize;
    const end = Math.min(fileSize, (Number(m[2]) + 1) * blockSize);
    if (end > start) raw.push({ start, end });
  }
  raw.sort((a, b) => a.start - b.start);
  const merged: Extent[] = [];
  for (const e of raw) {
    const last = merged[merged.length - 1];
    if (last && e.start <= last.end) last.end = Math.max(last.end, e.end);
    else merged.push({ ...e });
  }
  return merged;
}

/**
 * The data ranges of `path`, or undefined when the filesystem cannot tell (no FIEMAP, e.g. tmpfs,
 * or filefrag missing): then the caller reads the whole file and relies on zero detection.
 */
export async function dataExtents(path: string, fileSize: number): Promise<Extent[] | undefined> {
  if (fileSize === 0) return [];
  try {
    const out = await run('filefrag', ['-v', '-e', path], { step: 'filefrag' });
    return parseFilefrag(out, fileSize);
  } catch (e) {
    log.debug(`no extent map for ${path} (${e instanceof Error ? e.message : String(e)}); reading it whole`);
    return undefined;
  }
}
