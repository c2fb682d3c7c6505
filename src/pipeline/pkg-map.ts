/**
 * DIB's pkg-map: an element's `pkg-map` file (JSON) renames the packages that element asks for, by
 * distribution family, distribution and release. The most specific section wins: release, then
 * distro, then family, then default. A name mapped to "" is dropped; a name with no mapping is kept
 * (DIB's package-installs calls pkg-map with --missing-ok). A mapping may name several packages,
 * separated by spaces.
 *
 * tsdib resolves every element's map once, for the build's DISTRO_NAME and DIB_RELEASE, and writes
 * the result into the hooks tree (`package-installs/pkg-map/<element>`, `name<TAB>packages` a line)
 * for the `pkg-map` element's `pkg-map` command, which needs no Python in the image.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { elementInvalid } from '../errors.js';
import type { Element } from '../elements/element.js';

/** Package name → the packages it becomes ([] = dropped). */
export type PackageNameMap = ReadonlyMap<string, readonly string[]>;

/** DIB's families (pkg-map's os_family). */
const FAMILY_OF: Record<string, string> = {
  fedora: 'redhat',
  rhel: 'redhat',
  rhel7: 'redhat',
  centos: 'redhat',
  centos7: 'redhat',
  debian: 'debian',
  ubuntu: 'debian',
  opensuse: 'suse',
  gentoo: 'gentoo',
};

/** DIB's os_major_release: CentOS Stream's release names its major version. */
const majorRelease = (release: string) => (release === '8-stream' ? '8' : release);

export function distroFamily(distro: string): string | undefined {
  return FAMILY_OF[distro];
}

type Section = Record<string, unknown>;
const isObject = (v: unknown): v is Section => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkNames(names: unknown, where: string, file: string, element: string): Record<string, string> {
  if (!isObject(names)) throw elementInvalid(`${file}: ${where}: expected a map of package names to package names`, { file, element });
  for (const [name, value] of Object.entries(names)) {
    if (typeof value !== 'string') throw elementInvalid(`${file}: ${where}.${name}: expected a string (package names separated by spaces, or "" to drop it)`, { file, element });
  }
  return names as Record<string, string>;
}

/** Parses a pkg-map file and checks its shape (sections of maps of strings). */
export function parsePkgMap(text: string, file: string, element: string): Section {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw elementInvalid(`${file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { file, element, cause: e });
  }
  if (!isObject(data)) throw elementInvalid(`${file}: expected a JSON object with release, distro, family or default sections`, { file, element });
  for (const [section, value] of Object.entries(data)) {
    if (section === 'default') checkNames(value, section, file, element);
    else if (section === 'family' || section === 'distro') {
      if (!isObject(value)) throw elementInvalid(`${file}: ${section}: expected a map of ${section} names`, { file, element });
      for (const [key, names] of Object.entries(value)) checkNames(names, `${section}.${key}`, file, element);
    } else if (section === 'release') {
      if (!isObject(value)) throw elementInvalid(`${file}: release: expected a map of distro names`, { file, element });
      for (const [distro, releases] of Object.entries(value)) {
        if (!isObject(releases)) throw elementInvalid(`${file}: release.${distro}: expected a map of release names`, { file, element });
        for (const [release, names] of Object.entries(releases)) checkNames(names, `release.${distro}.${release}`, file, element);
      }
    }
    // other keys are ignored, as DIB's pkg-map ignores them
  }
  return data;
}

/** The name map for one distro and release, most specific section last (it wins). */
export function resolvePkgMap(data: Section, distro: string, release: string | undefined): Map<string, string[]> {
  const family = distroFamily(distro);
  const layers: unknown[] = [
    data['default'],
    family ? (data['family'] as Section | undefined)?.[family] : undefined,
    (data['distro'] as Section | undefined)?.[distro],
    release !== undefined ? ((data['release'] as Section | undefined)?.[distro] as Section | undefined)?.[majorRelease(release)] : undefined,
  ];
  const map = new Map<string, string[]>();
  for (const layer of layers) {
    if (!isObject(layer)) continue;
    for (const [name, value] of Object.entries(layer)) map.set(name, String(value).split(/\s+/).filter(Boolean));
  }
  return map;
}

/** The packages `name` becomes under `map` (itself when unmapped). */
export function mapPackage(map: PackageNameMap | undefined, name: string): readonly string[] {
  return map?.get(name) ?? [name];
}

/** Every element's resolved map (elements without a pkg-map file have none). */
export async function loadPkgMaps(elements: readonly Element[], env: Readonly<Record<string, string>>): Promise<Map<string, PackageNameMap>> {
  const distro = env['DISTRO_NAME'] ?? '';
  const maps = new Map<string, PackageNameMap>();
  for (const element of elements) {
    if (!element.pkgMap) continue;
    const text = await readFile(element.pkgMap, 'utf8');
    maps.set(element.name, resolvePkgMap(parsePkgMap(text, element.pkgMap, element.name), distro, env['DIB_RELEASE']));
  }
  return maps;
}

/** Writes `<hooksPath>/package-installs/pkg-map/<element>`: `name<TAB>package package…` per mapped name. */
export async function writePkgMaps(maps: ReadonlyMap<string, PackageNameMap>, hooksPath: string): Promise<void> {
  const dir = join(hooksPath, 'package-installs', 'pkg-map');
  await mkdir(dir, { recursive: true });
  for (const [element, map] of maps) {
    const lines = [...map].map(([name, packages]) => `${name}\t${packages.join(' ')}\n`);
    await writeFile(join(dir, element), lines.join(''));
  }
}
