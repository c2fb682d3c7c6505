/**
 * DIB's package-installs, computed in TypeScript: every element's package-installs.yaml (or .json)
 * is read, each package's conditions are checked (arch, not-arch, when, installtype), and the
 * packages to install and to uninstall are grouped by phase. The lists are written into the hooks
 * tree as `package-installs/<phase>.install` and `.uninstall`, one package a line; the
 * package-installs element's hooks run `install-packages` with them at DIB's point in each phase.
 *
 * Entry forms (as DIB): `pkg:` (null or ''), `pkg: {phase, uninstall, build-only, arch, not-arch,
 * when, installtype, dib_python_version}`, or `pkg: [ {…}, {…} ]` (each item is considered on its
 * own). `build-only` puts the package on both lists of its phase (installed, then removed by the
 * phase's uninstall hook). DIB's semantics, tested in test/unit/pipeline/package-installs-dib.test.ts;
 * deliberate differences (`uninstall: false`, arch names with spaces) in docs/dib-differences.md.
 * Names are translated by the declaring element's pkg-map (pkg-map.ts) for DISTRO_NAME/DIB_RELEASE.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { elementInvalid } from '../errors.js';
import type { Element } from '../elements/element.js';
import { mapPackage, type PackageNameMap } from './pkg-map.js';
import { PACKAGE_PHASES, WHEN_CONDITION } from '../elements/package-installs-shape.js';

export { PACKAGE_PHASES };
export type PackagePhase = (typeof PACKAGE_PHASES)[number];

export interface PackageLists {
  install: Record<PackagePhase, string[]>;
  uninstall: Record<PackagePhase, string[]>;
}

interface Entry {
  phase?: unknown;
  uninstall?: unknown;
  'build-only'?: unknown;
  dib_python_version?: unknown;
  arch?: unknown;
  'not-arch'?: unknown;
  when?: unknown;
  installtype?: unknown;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', ppc64le: 'ppc64el' };
const normArch = (a: string) => ARCH_ALIASES[a] ?? a;
const list = (v: unknown): string[] => (v === undefined || v === null ? [] : String(v).split(',').map((s) => s.trim()).filter(Boolean));

/** DIB's `when`: "VAR = value" or "VAR != value" (a list: all must hold); an unset VAR is an error, as in DIB. */
export function whenHolds(when: unknown, env: Readonly<Record<string, string>>, file: string): boolean {
  if (when === undefined || when === null) return true;
  const conditions = Array.isArray(when) ? when.map(String) : [String(when)];
  return conditions.every((c) => {
    const m = WHEN_CONDITION.exec(c);
    if (!m) throw elementInvalid(`${file}: when: "${c}" is not "VAR = value" or "VAR != value"`, { file });
    const [, name = '', op, value] = m;
    const actual = env[name];
    if (actual === undefined) {
      throw elementInvalid(`${file}: when: "${c}": the variable ${name} is not set`, {
        file,
        hint: `set ${name}, or give it a default in the element's environment.d (export ${name}=\${${name}:-})`,
      });
    }
    return op === '=' ? actual === value : actual !== value;
  });
}

/** The install type an element's packages follow: DIB_INSTALLTYPE_<element> or the default. */
function installTypeOf(element: string, env: Readonly<Record<string, string>>): string {
  return env[`DIB_INSTALLTYPE_${element.replace(/-/g, '_')}`] ?? env['DIB_DEFAULT_INSTALLTYPE'] ?? 'source';
}

function entryApplies(e: Entry, element: string, arch: string, env: Readonly<Record<string, string>>, file: string): boolean {
  const a = normArch(arch);
  if (e.arch !== undefined && e.arch !== null && e['not-arch'] !== undefined && e['not-arch'] !== null) {
    throw elementInvalid(`${file}: both arch and not-arch are given (DIB: "package-installs configuration error")`, { file, element });
  }
  const archList = list(e.arch).map(normArch);
  if (archList.length > 0 && !archList.includes(a)) return false;
  if (list(e['not-arch']).map(normArch).includes(a)) return false;
  if (e.installtype !== undefined && e.installtype !== null && String(e.installtype) !== installTypeOf(element, env)) return false;
  const py = e.dib_python_version === undefined || e.dib_python_version === null ? '' : String(e.dib_python_version);
  if (py !== '' && py !== (env['DIB_PYTHON_VERSION'] ?? '')) return false;
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

/**
 * Computes the per-phase install and uninstall lists of all elements, in element then file order.
 * Each element's names go through that element's pkg-map (`pkgMaps`, by element name), as DIB's
 * package-installs does: a name mapped to "" is dropped, one mapped to several names adds them all.
 */
export async function computePackageLists(
  elements: readonly Element[],
  arch: string,
  env: Readonly<Record<string, string>>,
  pkgMaps: ReadonlyMap<string, PackageNameMap> = new Map(),
): Promise<PackageLists> {
  const empty = () => Object.fromEntries(PACKAGE_PHASES.map((p) => [p, [] as string[]])) as Record<PackagePhase, string[]>;
  const lists: PackageLists = { install: empty(), uninstall: empty() };
  for (const element of elements) {
    for (const file of element.packageInstalls) {
      const data = await readPackageFile(file);
      for (const [pkg, value] of Object.entries(data)) {
        // as DIB: an empty value ('' or null) is one entry with no options
        const entries: Entry[] = !value ? [{}] : Array.isArray(value) ? (value as Entry[]) : [value as Entry];
        for (const e of entries) {
          if (typeof e !== 'object' || e === null) throw elementInvalid(`${file}: ${pkg}: expected a map of options`, { file, element: element.name });
          if (!entryApplies(e, element.name, arch, env, file)) continue;
          const phase = String(e.phase ?? 'install.d');
          if (!(PACKAGE_PHASES as readonly string[]).includes(phase)) {
            throw elementInvalid(`${file}: ${pkg}: phase "${phase}" is not one of ${PACKAGE_PHASES.join(', ')}`, { file, element: element.name });
          }
          // build-only: installed for the build, removed at the end of the phase (both lists)
          const buildOnly = e['build-only'] !== undefined;
          const uninstall = e.uninstall === true || String(e.uninstall).toLowerCase() === 'true';
          const targets = buildOnly ? [lists.install, lists.uninstall] : [uninstall ? lists.uninstall : lists.install];
          for (const t of targets) {
            const target = t[phase as PackagePhase];
            for (const name of mapPackage(pkgMaps.get(element.name), pkg)) if (!target.includes(name)) target.push(name);
          }
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
