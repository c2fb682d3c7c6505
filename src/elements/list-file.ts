/**
 * Reads `element-deps` and `element-provides`: one element name a line. Blank lines are ignored,
 * and unlike DIB (which would look for an element called "# x") so are `#` comments, whole-line
 * or trailing. A missing file is an empty list. Names keep file order, without repeats.
 */
import { elementInvalid } from '../errors.js';
import { readInputFile } from '../host/read-input-file.js';
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
  const r = await readInputFile(file);
  if (r.missing) return [];
  if (r.problem !== undefined) throw elementInvalid(`${file} ${r.problem}; it must be a text file with one element name a line`, { file });
  return parseListFile(r.text, file);
}
