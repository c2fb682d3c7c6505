/**
 * The parts of DIB's environment contract that only DIB's own element library relies on
 * (docs/dib-compat-notes.md §5): `_LIB` (our own small shell library in `lib/dib/`, never DIB's),
 * `DIB_ENV`, `DIB_ARGS`, `DIB_PYTHON_EXEC`, `LC_ALL=C`, the exported `die` function, and the
 * `ELEMENTS_PATH` hooks see. Also the variables `sudo -E` would drop on the way into the chroot.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element } from '../elements/element.js';

/** tsdib's shell library for `$_LIB` (shipped at the package root: `lib/dib/`). */
export function dibLibDir(): string {
  return fileURLToPath(new URL('../../lib/dib', import.meta.url));
}

/**
 * DIB_PYTHON_EXEC: the caller's value, else a python3 that can import yaml. DIB uses its own
 * interpreter (`sys.executable`); a pyenv shim first on PATH usually has no yaml, so the system
 * python is preferred.
 */
export function dibPythonExec(hostEnv: Readonly<Record<string, string | undefined>>): string {
  if (hostEnv['DIB_PYTHON_EXEC']) return hostEnv['DIB_PYTHON_EXEC'];
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

const shellQuote = (v: string) => `"${v.replace(/(["\\$`])/g, '\\$1')}"`;

/** DIB_ENV: what `export | grep ' DIB_.*='` prints for the caller's DIB_* variables (sorted). */
export function dibEnvText(vars: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(vars)
    .filter((k) => k.startsWith('DIB_') && vars[k] !== undefined)
    .sort()
    .map((k) => `declare -x ${k}=${shellQuote(vars[k]!)}`)
    .join('\n');
}

/**
 * The ELEMENTS_PATH hooks see. DIB exports the user's path plus its own element folder, and
 * package-installs-squash reads `package-installs.*` from *every* entry holding a folder of an
 * element's name: exporting tsdib's built-in folder when no element comes from it would add the
 * packages of built-ins the user's elements override. So the built-in folder is exported only when
 * an element of the build lives there.
 */
export function hooksElementsPath(searchPath: readonly string[], elements: readonly Element[]): string {
  if (searchPath.length === 0) return '';
  const builtin = searchPath[searchPath.length - 1]!;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const builtinReal = real(builtin);
  const usesBuiltin = elements.some((e) => dirname(e.path) === builtinReal || dirname(real(e.path)) === builtinReal);
  return (usesBuiltin ? searchPath : searchPath.slice(0, -1)).join(':');
}

/** DIB's `die` (lib/die), exported as a bash function: prints its arguments and exits non-zero. */
const DIE_FUNCTION = '() {  local rc=$?; set +o xtrace; echo "$@" >&2; [ "$rc" -ne 0 ] || rc=1; exit "$rc"\n}';

export interface DibCompatInput {
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** disk-image-create's arguments as given (DIB_ARGS). */
  argv: readonly string[];
  searchPath: readonly string[];
  elements: readonly Element[];
}

/** Variables added to every hook's environment (outside the chroot; chrootEnvironment filters). */
export function dibCompatVariables(input: DibCompatInput): Record<string, string> {
  const pythonExec = dibPythonExec(input.hostEnv);
  return {
    LC_ALL: 'C',
    _LIB: dibLibDir(),
    DIB_ARGS: input.argv.join(' '),
    // DIB computes DIB_ENV after setting DIB_ARGS; the python wrapper has set DIB_PYTHON_EXEC
    DIB_ENV: dibEnvText({ ...input.hostEnv, DIB_ARGS: input.argv.join(' '), DIB_PYTHON_EXEC: pythonExec }),
    DIB_PYTHON_EXEC: pythonExec,
    ELEMENTS_PATH: hooksElementsPath(input.searchPath, input.elements),
    'BASH_FUNC_die%%': DIE_FUNCTION,
  };
}

/** The chroot PATH DIB gives: sudo's secure_path, then the same list again (img-functions:49-61). */
export const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Variables `sudo -E` does not pass into DIB's chroot (exported functions, loader and python paths, shell start-up). */
export function droppedBySudo(name: string): boolean {
  return /^BASH_FUNC_/.test(name) || /^LD_/.test(name) || ['PYTHONPATH', 'PYTHONHOME', 'PS4', 'BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'IFS', 'CDPATH', 'GLOBIGNORE'].includes(name);
}
