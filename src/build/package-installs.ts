/**
 * DIB's package-installs, computed in TypeScript: every element's package-installs.yaml (or .json)
 * is read, each package's conditions are checked (arch, not-arch, when, installtype), and the
 * packages to install and to uninstall are grouped by phase. The lists are written into the hooks
 * tree as `package-installs/<phase>.install` and `.uninstall`, one package a line; the
 * package-installs element's hooks run `install-packages` with them at DIB's point in each phase.
 *
 * Entry forms (as DIB): `pkg:` (null), `pkg: {phase, uninstall, arch, not-arch, when, installtype}`,
 * or `pkg: [ {…}, {…} ]` (each item is considered on its own).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { elementInvalid } from '../errors.js';
import type { Element } from '../elements/element.js';

export const PACKAGE_PHASES = ['pre-install.d', 'install.d', 'post-install.d'] as const;
export type PackagePhase = (typeof PACKAGE_PHASES)[number];

export interface PackageLists {
  install: Record<PackagePhase, string[]>;
  uninstall: Record<PackagePhase, string[]>;
}

interface Entry {
  phase?: unknown;
  uninstall?: unknown;
  arch?: unknown;
  'not-arch'?: unknown;
  when?: unknown;
  installtype?: unknown;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', ppc64le: 'ppc64el' };
const normArch = (a: string) => ARCH_ALIASES[a] ?? a;
const list = (v: unknown): string[] => (v === undefined || v === null ? [] : String(v).split(',').map((s) => s.trim()).filter(Boolean));

/** DIB's `when`: "VAR = value" or "VAR != value" (a list: all must hold); unset VAR is "". */
export function whenHolds(when: unknown, env: Readonly<Record<string, string>>, file: string): boolean {
  if (when === undefined || when === null) return true;
  const conditions = Array.isArray(when) ? when.map(String) : [String(when)];
  return conditions.every((c) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=)\s*(.*?)\s*$/.exec(c);
    if (!m) throw elementInvalid(`${file}: when: "${c}" is not "VAR = value" or "VAR != value"`, { file });
    const [, name = '', op, value] = m;
    const actual = env[name] ?? '';
    return op === '=' ? actual === value : actual !== value;
  });
}

/** The install type an element's packages follow: DIB_INSTALLTYPE_<element> or the default. */
function installTypeOf(element: string, env: Readonly<Record<string, string>>): string {
  return env[`DIB_INSTALLTYPE_${element.replace(/-/g, '_')}`] ?? env['DIB_DEFAULT_INSTALLTYPE'] ?? 'source';
}

function entryApplies(e: Entry, element: string, arch: string, env: Readonly<Record<string, string>>, file: string): boolean {
  const a = normArch(arch);
  const archList = list(e.arch).map(normArch);
  if (archList.length > 0 && !archList.includes(a)) return false;
  if (list(e['not-arch']).map(normArch).includes(a)) return false;
  if (e.installtype !== undefined && e.installtype !== null && String(e.installtype) !== installTypeOf(element, env)) return false;
  return whenHolds(e.when, env, file);
}

async function readPackageFile(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8');
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw elementInvalid(`${file}: cannot be parsed: ${e instanceof Error ? e.message : String(e)}`, { file, cause: e });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw elementInvalid(`${file}: expected a map of package names`, { file });
  return data as Record<string, unknown>;
}

/** Computes the per-phase install and uninstall lists of all elements, in element then file order. */
export async function computePackageLists(elements: readonly Element[], arch: string, env: Readonly<Record<string, string>>): Promise<PackageLists> {
  const empty = () => Object.fromEntries(PACKAGE_PHASES.map((p) => [p, [] as string[]])) as Record<PackagePhase, string[]>;
  const lists: PackageLists = { install: empty(), uninstall: empty() };
  for (const element of elements) {
    for (const file of element.packageInstalls) {
      const data = await readPackageFile(file);
      for (const [pkg, value] of Object.entries(data)) {
        const entries: Entry[] = value === null || value === undefined ? [{}] : Array.isArray(value) ? (value as Entry[]) : [value as Entry];
        for (const e of entries) {
          if (typeof e !== 'object' || e === null) throw elementInvalid(`${file}: ${pkg}: expected a map of options`, { file, element: element.name });
          if (!entryApplies(e, element.name, arch, env, file)) continue;
          const phase = String(e.phase ?? 'install.d');
          if (!(PACKAGE_PHASES as readonly string[]).includes(phase)) {
            throw elementInvalid(`${file}: ${pkg}: phase "${phase}" is not one of ${PACKAGE_PHASES.join(', ')}`, { file, element: element.name });
          }
          const uninstall = e.uninstall === true || String(e.uninstall).toLowerCase() === 'true';
          const target = (uninstall ? lists.uninstall : lists.install)[phase as PackagePhase];
          if (!target.includes(pkg)) target.push(pkg);
        }
      }
    }
  }
  return lists;
}

/** Writes `<hooksPath>/package-installs/<phase>.install|uninstall`. */
export async function writePackageLists(lists: PackageLists, hooksPath: string): Promise<void> {
  const dir = join(hooksPath, 'package-installs');
  await mkdir(dir, { recursive: true });
  for (const phase of PACKAGE_PHASES) {
    await writeFile(join(dir, `${phase}.install`), lists.install[phase].map((p) => `${p}\n`).join(''));
    await writeFile(join(dir, `${phase}.uninstall`), lists.uninstall[phase].map((p) => `${p}\n`).join(''));
  }
}
