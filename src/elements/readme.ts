/**
 * A one-line summary of an element from its README: the first line of text, skipping blank
 * lines, headings (reStructuredText title + underline/overline, Markdown `#` lines) and rst
 * directives/comments (`.. x::`). Inline literal markup (``x``, `x`) is unwrapped.
 */
import { readFile } from 'node:fs/promises';

/** An rst title underline/overline: one punctuation character repeated (at least twice). */
const ADORNMENT = /^([=\-~`#"^+*:.'_<>])\1+\s*$/;

export function readmeSummary(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trimEnd());
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? '';
    if (line.trim() === '' || ADORNMENT.test(line) || line.startsWith('..') || line.startsWith('#')) continue;
    if (ADORNMENT.test(next)) {
      i++; // a title: skip it and its underline
      continue;
    }
    return line.trim().replace(/``([^`]*)``/g, '$1').replace(/`([^`]*)`/g, '$1');
  }
  return undefined;
}

/** The summary of the README at `file`, or undefined when it is missing or has no text. */
export async function readReadmeSummary(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : readmeSummary(text);
}
