/**
 * From the names a user typed to the ordered list of elements a build uses: DIB's `vm` default
 * (add a block-device element when none is named), `base` first unless skipped, discovery over
 * ELEMENTS_PATH + built-ins, then dependency expansion.
 */
import { log } from '../log.js';
import { discoverElements, elementSearchPath, type DiscoveredElements } from './discover.js';
import { readElement, type Element } from './element.js';
import { checkElementName } from './element-name.js';
import { expandElements } from './expand.js';

export interface ResolveOptions {
  /** Element names as given on the command line. */
  names: string[];
  /** Colon-separated search path; undefined means `process.env.ELEMENTS_PATH`, '' means none. */
  elementsPath?: string;
  /** `-n`: do not prepend `base`. */
  skipBase?: boolean;
  /** Target architecture (decides the `vm` default block-device element). */
  arch: string;
  /** Built-in elements folder (tests); default: the package's `elements/`. */
  builtinDir?: string;
}

export interface ResolvedElements {
  /** Expanded elements in resolution order (see expand.ts). */
  elements: Element[];
  /** The names expansion started from: `base` (unless -n), the user's names, the vm default. */
  requested: string[];
  /** Directories searched, highest priority first. */
  searchPath: string[];
  /** Provided (virtual) names and the element providing each. */
  providedBy: Record<string, string>;
  warnings: string[];
}

/**
 * DIB's backwards-compatibility rule: `vm` without any `block-device-*` element gets
 * `block-device-efi` on arm64 and `block-device-mbr` elsewhere. tsdib also counts a named element
 * that provides `block-device` (e.g. `zfs-root`), which DIB's name test would clash with.
 */
export function applyVmDefault(names: readonly string[], arch: string, providesBlockDevice: (name: string) => boolean = () => false): string[] {
  if (!names.includes('vm') || names.some((n) => n.startsWith('block-device-') || providesBlockDevice(n))) return [...names];
  return [...names, arch === 'arm64' || arch === 'aarch64' ? 'block-device-efi' : 'block-device-mbr'];
}

/** The names expansion starts from. */
export function requestedElements(names: readonly string[], opts: { skipBase?: boolean; arch: string; providesBlockDevice?: (name: string) => boolean }): string[] {
  for (const n of names) checkElementName(n, 'on the command line');
  const withVm = applyVmDefault(names, opts.arch, opts.providesBlockDevice);
  return opts.skipBase ? withVm : ['base', ...withVm];
}

function overrideWarnings(found: DiscoveredElements, used: readonly Element[]): string[] {
  const usedNames = new Set(used.map((e) => e.name));
  const warnings: string[] = [];
  for (const f of found.byName.values()) {
    for (const hidden of f.hides) {
      const text = `element ${f.name}: ${f.path} overrides ${hidden}`;
      if (usedNames.has(f.name)) warnings.push(text);
      else log.debug(text);
    }
  }
  return warnings;
}

export async function resolveElements(opts: ResolveOptions): Promise<ResolvedElements> {
  const searchPath = elementSearchPath(opts.elementsPath ?? process.env['ELEMENTS_PATH'], opts.builtinDir);
  const found = await discoverElements(searchPath);
  const cache = new Map<string, Promise<Element>>();
  const blockDeviceProviders = new Set<string>();
  for (const name of opts.names) {
    const loc = found.byName.get(name);
    if (!loc) continue;
    let p = cache.get(name);
    if (!p) cache.set(name, (p = readElement(loc)));
    if ((await p).provides.includes('block-device')) blockDeviceProviders.add(name);
  }
  const requested = requestedElements(opts.names, { ...opts, providesBlockDevice: (n) => blockDeviceProviders.has(n) });
  const { elements, providedBy } = await expandElements({
    requested,
    known: found.byName.keys(),
    searchPath,
    load: (name) => {
      const loc = found.byName.get(name);
      if (!loc) return Promise.resolve(undefined);
      let p = cache.get(name);
      if (!p) cache.set(name, (p = readElement(loc)));
      return p;
    },
  });
  const warnings = overrideWarnings(found, elements);
  for (const dir of found.ignored) log.debug(`ignored ${dir}: not a valid element name`);
  return { elements, requested, searchPath, providedBy: Object.fromEntries(providedBy), warnings };
}
