// DIB's own element tree (Debian's python3-diskimage-builder, unmodified) on ELEMENTS_PATH for the
// e2e builds that use it: where it is, what a test needs to run it, and the environment.
import { existsSync } from 'node:fs';
import { hasCommand } from '../../helpers/resources.js';
import { e2eMissing } from './requirements.js';

export const DIB_ELEMENTS = '/usr/lib/python3/dist-packages/diskimage_builder/elements';

/** Why DIB's tree cannot be built here, or undefined. */
export function dibTreeMissing(): string | undefined {
  const e2e = e2eMissing();
  if (e2e) return e2e;
  if (!existsSync(DIB_ELEMENTS)) return `${DIB_ELEMENTS} missing (Debian: apt-get install python3-diskimage-builder)`;
  for (const c of ['debootstrap', 'sudo']) if (!hasCommand(c)) return `needs ${c} (tsdib doctor --for-tests --install)`;
  return undefined;
}

// Not DIB_DEBOOTSTRAP_CACHE: tsdib's phase cache already skips root.d (debootstrap) when nothing
// changed. (DIB writes its tarball in place; tsdib runs that hook under a lock in DIB_IMAGE_CACHE
// when the tarball is in play, so concurrent builds do not tear it: src/pipeline/run-hooks.ts.)
/** DIB's tree on ELEMENTS_PATH. */
export const DIB_TREE_ENV: Readonly<Record<string, string>> = { ELEMENTS_PATH: DIB_ELEMENTS };

/** The expectation that DIB's element of this name was used (tsdib warns that it overrides the built-in). */
export const overridesBuiltin = (element: string) => `element ${element}: ${DIB_ELEMENTS}/${element} overrides`;
