/**
 * The variable names an element set's files refer to: `$NAME`, `${NAME…}`, `${!NAME}`, `[[ -v NAME ]]`,
 * `printenv NAME`, and Python's `os.environ['NAME']`, `os.environ.get('NAME')`, `os.getenv('NAME')`.
 * The phase-cache key takes a non-DIB_* variable of the hooks' environment only when some element
 * (or tsdib's hook library) names it, so a CI runner's GITHUB_RUN_ID or a shuffled PATH does not
 * change the key, while `http_proxy` read by an element's script does.
 *
 * A reference hidden behind indirection the patterns cannot see (`env | grep`, a program reading
 * its own variables) is not found; such a variable can be given a DIB_* name, or the cache
 * bypassed with `--no-cache`.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { globby } from 'globby';

const NAME = '[A-Za-z_][A-Za-z0-9_]*';

const REFERENCE_PATTERNS: readonly RegExp[] = [
  new RegExp(`\\$\\{?[#!]?(${NAME})`, 'g'),
  new RegExp(`\\[\\[?\\s+-v\\s+(${NAME})`, 'g'),
  new RegExp(`\\bprintenv\\s+(${NAME})`, 'g'),
  new RegExp(`environ\\s*(?:\\.get\\s*\\(|\\[)\\s*['"](${NAME})['"]`, 'g'),
  new RegExp(`getenv\\s*\\(\\s*['"](${NAME})['"]`, 'g'),
];

/** Files larger than this are data, not scripts. */
const SCANNED_FILE_MAX_BYTES = 1024 ** 2;

/** The names `text` refers to as variables. */
export function variableReferences(text: string): Set<string> {
  const names = new Set<string>();
  for (const re of REFERENCE_PATTERNS) for (const m of text.matchAll(re)) names.add(m[1]!);
  return names;
}

/**
 * Every variable name referred to by a text file under the given directories, except under the
 * top-level entries `skipTopLevel` names (phases after the snapshot, never-merged folders).
 */
export async function referencedVariables(dirs: readonly string[], skipTopLevel: ReadonlySet<string> = new Set()): Promise<Set<string>> {
  const names = new Set<string>();
  const ignore = [...skipTopLevel].map((d) => `${d}/**`).concat(['**/*.pyc', '**/__pycache__/**']);
  for (const dir of dirs) {
    const files = await globby('**', { cwd: dir, dot: true, onlyFiles: true, followSymbolicLinks: true, ignore }).catch(() => [] as string[]);
    for (const rel of files.sort()) {
      const path = join(dir, rel);
      const s = await stat(path).catch(() => undefined);
      if (!s?.isFile() || s.size > SCANNED_FILE_MAX_BYTES) continue;
      const data = await readFile(path).catch(() => undefined);
      if (!data || data.includes(0)) continue;
      for (const n of variableReferences(data.toString('utf8'))) names.add(n);
    }
  }
  return names;
}
