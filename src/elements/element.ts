/**
 * The element model: what one element directory offers, read once. Only the expanded elements are
 * read in full; discovery only knows names and paths (see discover.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { elementInvalid } from '../errors.js';
import { isPhase, PHASES, type Phase } from './phases.js';
import { readListFile } from './list-file.js';

/** Where an element lives; `path` is the resolved real path (as DIB reports it). */
export interface ElementLocation {
  name: string;
  path: string;
}

export interface Element extends ElementLocation {
  /** `element-deps`, in file order. */
  deps: string[];
  /** `element-provides`, in file order (virtual names, e.g. `operating-system`). */
  provides: string[];
  /** The phase directories the element has, in run order. */
  phases: Phase[];
  /** `environment.d/`, when present. */
  environmentDir: string | undefined;
  /** `package-installs.yaml` / `package-installs.json` files (read by the package-installs element). */
  packageInstalls: string[];
  /** `pkg-map`, when present. */
  pkgMap: string | undefined;
  /** `README.rst`, `README.md` or `README`, when present. */
  readme: string | undefined;
  /** `block-device-default.yaml`, when present. */
  blockDeviceDefault: string | undefined;
  /** `block-device-<arch>.yaml` files by arch (e.g. `ppc64el`). */
  blockDeviceByArch: Record<string, string>;
}

const README_NAMES = ['README.rst', 'README.md', 'README'] as const;

interface Entry {
  name: string;
  isDir: boolean;
  isFile: boolean;
}

/** Entries of a directory with symlinks followed (a dangling link is neither file nor dir). */
export async function listEntries(dir: string): Promise<Entry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw elementInvalid(`${dir} cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'not a directory' : (code ?? String(e))})`, { path: dir });
  }
  return Promise.all(
    names.map(async (name) => {
      const s = await stat(join(dir, name)).catch(() => undefined);
      return { name, isDir: s?.isDirectory() ?? false, isFile: s?.isFile() ?? false };
    }),
  );
}

/** Reads everything tsdib needs to know about the element at `loc.path`. */
export async function readElement(loc: ElementLocation): Promise<Element> {
  const entries = await listEntries(loc.path);
  const files = new Set(entries.filter((e) => e.isFile).map((e) => e.name));
  const dirs = new Set(entries.filter((e) => e.isDir).map((e) => e.name));
  const file = (name: string): string | undefined => (files.has(name) ? join(loc.path, name) : undefined);
  const blockDeviceByArch: Record<string, string> = {};
  for (const f of [...files].sort()) {
    const m = /^block-device-(.+)\.yaml$/.exec(f);
    if (m && m[1] !== 'default') blockDeviceByArch[m[1]!] = join(loc.path, f);
  }
  const [deps, provides] = await Promise.all([
    readListFile(join(loc.path, 'element-deps')),
    readListFile(join(loc.path, 'element-provides')),
  ]);
  const readmeName = README_NAMES.find((n) => files.has(n));
  return {
    name: loc.name,
    path: loc.path,
    deps,
    provides,
    phases: [...dirs].filter(isPhase).sort((a, b) => phaseIndex(a) - phaseIndex(b)),
    environmentDir: dirs.has('environment.d') ? join(loc.path, 'environment.d') : undefined,
    packageInstalls: ['package-installs.yaml', 'package-installs.json'].filter((n) => files.has(n)).map((n) => join(loc.path, n)),
    pkgMap: file('pkg-map'),
    readme: readmeName === undefined ? undefined : join(loc.path, readmeName),
    blockDeviceDefault: file('block-device-default.yaml'),
    blockDeviceByArch,
  };
}

function phaseIndex(p: Phase): number {
  return PHASES.indexOf(p);
}
