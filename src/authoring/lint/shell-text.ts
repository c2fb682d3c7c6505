/**
 * Small readings of shell text shared by the script rules: the interpreter line, comment lines,
 * and which shell options a script's top-level `set` lines turn on.
 */
import type { LintFile } from './types.js';

/** The first line when it is a `#!` line. */
export function shebang(file: LintFile): string | undefined {
  const first = file.lines[0];
  return first !== undefined && first.startsWith('#!') ? first : undefined;
}

/** A bash script in dib-lint's sense: its `#!` line names /bin/bash. */
export function isBashScript(file: LintFile): boolean {
  return shebang(file)?.includes('#!/bin/bash') ?? false;
}

/** A Python script (dib-lint hands these to flake8 and skips its shell checks). */
export function isPythonScript(file: LintFile): boolean {
  const line = shebang(file);
  return line !== undefined && /python|dib-python/.test(line);
}

export function isCommentLine(line: string): boolean {
  return /^\s*#/.test(line);
}

/** Documentation and data files, which get no script checks (as dib-lint: .rst, .yaml, .py; plus .md, .json). */
export function isDocOrData(file: LintFile): boolean {
  return /\.(rst|md|yaml|yml|py|json)$/.test(file.rel);
}

/** Scripts (executable files) and READMEs: where dib-lint looks for tabs and a missing final newline. */
export function isScriptOrReadme(file: LintFile): boolean {
  return file.text !== undefined && (file.executable || /(^|\/)README(\.(rst|md))?$/.test(file.rel));
}

const LONG_OPTION: Record<string, string> = { errexit: 'e', nounset: 'u', xtrace: 'x' };

/**
 * Shell options turned on by `set` lines starting in column 0 (where they apply to the whole
 * script), each with the first line that sets it: single letters (`e`, `u`, `x`) and `-o` names
 * (`pipefail`; `errexit`, `nounset`, `xtrace` are also recorded as their letters).
 */
export function setOptions(lines: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  const add = (name: string, line: number) => {
    if (!found.has(name)) found.set(name, line);
  };
  lines.forEach((text, i) => {
    const m = /^set\s+(.*)$/.exec(text);
    if (!m) return;
    const words = m[1]!.replace(/\s#.*$/, '').split(/\s+/).filter(Boolean);
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      if (!/^-[A-Za-z]+$/.test(word)) continue;
      for (const letter of word.slice(1)) {
        if (letter === 'o') {
          const name = words[w + 1];
          if (name !== undefined) {
            add(name, i + 1);
            if (LONG_OPTION[name]) add(LONG_OPTION[name], i + 1);
            w++;
          }
        } else add(letter, i + 1);
      }
    }
  });
  return found;
}
