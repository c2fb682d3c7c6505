/**
 * Reads `element-deps` and `element-provides`: one element name a line. Blank lines are ignored,
 * and unlike DIB (which would look for an element called "# x") so are `#` comments, whole-line
 * or trailing. A missing file is an empty list. Names keep file order, without repeats.
 */
import { readFile } from 'node:fs/promises';
import { checkElementName } from './element-name.js';

export function parseListFile(text: string, file: string): string[] {
  const names: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    checkElementName(line, `${file} line ${i + 1}`);
    if (!names.includes(line)) names.push(line);
  });
  return names;
}

export async function readListFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return parseListFile(text, file);
}
