/**
 * No file of src/ reaches itself through imports. Every import counts, type-only ones too
 * (`import type`, `export … from`, `import()` with a literal path): a type-only cycle still ties
 * the files' meanings together. Imports are read with the TypeScript compiler's own pre-processor
 * (no type checking), resolved `./x.js` → `./x.ts` or `./x/index.ts`, and the cycles are found by
 * a depth-first search over the whole graph.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { globbySync } from 'globby';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../../src');

/** The files of src/ that `file` imports. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const out: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = resolve(dirname(file), fileName).replace(/\.js$/, '');
    const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
    if (target && !out.includes(target)) out.push(target);
  }
  return out;
}

/** Each cycle of `graph` once, as the files in import order (first file repeated at the end). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') cycles.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return cycles;
}

describe('import cycles', () => {
  it('finds a cycle through a type-only import', () => {
    const a = '/x/a.ts';
    const b = '/x/b.ts';
    expect(importsOf(a, "import type { B } from './b.js';\nexport const x = 1;").length).toBe(0); // b.ts does not exist on disk
    expect(findCycles(new Map([[a, [b]], [b, [a]]]))).toEqual([[a, b, a]]);
    expect(findCycles(new Map([[a, [b]], [b, []]]))).toEqual([]);
  });

  it('reads type-only imports, re-exports and literal import() as imports', () => {
    const here = join(SRC, 'cli', 'main.ts');
    const text = "import type { X } from '../log.js';\nexport { y } from '../errors.js';\nconst m = await import('../host/exec.js');";
    expect(importsOf(here, text).map((f) => relative(SRC, f))).toEqual(['log.ts', 'errors.ts', 'host/exec.ts']);
  });

  it('src/ has no import cycle', () => {
    const files = globbySync('**/*.ts', { cwd: SRC, absolute: true });
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' → '));
    expect(cycles).toEqual([]);
  });
});
