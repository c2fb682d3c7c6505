/**
 * Plan-step checks for DIB's own element tree on ELEMENTS_PATH: elements that cannot work with
 * tsdib or on this host, and a DIB_RELEASE the host's debootstrap has no script for. Both would
 * otherwise fail in a hook minutes into the build; here they stop it before the workspace (exit 2).
 */
import { realpath } from 'node:fs/promises';
import { builtinElementsDir } from '../elements/discover.js';
import { refusedDibElements } from '../elements/unsupported-dib-elements.js';
import { elementUnsupported, envInvalid } from '../errors.js';
import { debootstrapInstalled, debootstrapKnows, unknownReleaseFixes, type DistroFamily } from '../host/debootstrap-scripts.js';

interface PlannedElement {
  name: string;
  path: string;
}

/** A test for "this element is one of tsdib's built-ins" (paths are real paths). */
export async function isBuiltin(builtinDir: string = builtinElementsDir()): Promise<(e: PlannedElement) => boolean> {
  const real = await realpath(builtinDir).catch(() => builtinDir);
  return (e) => e.path === real || e.path.startsWith(`${real}/`);
}

/** Refuses the DIB elements of UNSUPPORTED_DIB_ELEMENTS in the expanded set, all named at once. */
export async function checkUnsupportedDibElements(elements: readonly PlannedElement[], builtinDir: string = builtinElementsDir()): Promise<void> {
  const real = await realpath(builtinDir).catch(() => builtinDir);
  const refused = await refusedDibElements(elements, real);
  if (refused.length === 0) return;
  const first = refused[0]!;
  const message =
    refused.length === 1
      ? `element ${first.element} (${first.path}) cannot be used here: ${first.reason}`
      : `${refused.length} elements cannot be used here: ${refused.map((r) => r.element).join(', ')}`;
  throw elementUnsupported(message, {
    element: first.element,
    elements: refused.map((r) => r.element),
    ...(refused.length > 1 ? { details: refused.map((r) => `${r.element} (${r.path}): ${r.reason}; instead: ${r.instead}`) } : {}),
    hint: refused.length === 1 ? first.instead : 'see docs/dib-differences.md, "DIB elements that do not work with tsdib"',
  });
}

/**
 * With DIB's `debootstrap` element in the set and DIB_RELEASE set by the caller, the host's
 * debootstrap must know that release, unless DIB_DEBIAN_DEBOOTSTRAP_SCRIPT names the script.
 */
export async function checkDebootstrapRelease(elements: readonly PlannedElement[], env: Readonly<Record<string, string | undefined>>, builtinDir: string = builtinElementsDir(), scriptsDir?: string): Promise<void> {
  const builtin = await isBuiltin(builtinDir);
  const fromDib = elements.filter((e) => !builtin(e));
  if (!fromDib.some((e) => e.name === 'debootstrap')) return;
  const release = env['DIB_RELEASE'];
  if (!release || env['DIB_DEBIAN_DEBOOTSTRAP_SCRIPT']) return;
  if (!debootstrapInstalled(scriptsDir) || debootstrapKnows(release, scriptsDir)) return;
  const family: DistroFamily = fromDib.some((e) => e.name === 'ubuntu-minimal' || e.name === 'ubuntu' || e.name === 'ubuntu-common') ? 'ubuntu' : 'debian';
  throw envInvalid({
    variable: 'DIB_RELEASE',
    value: release,
    problem: `the host's debootstrap has no script for ${release}, so DIB's debootstrap element cannot build it`,
    element: 'debootstrap',
    hint: unknownReleaseFixes(release, family, scriptsDir).join('; or '),
  });
}
