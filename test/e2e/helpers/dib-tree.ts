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

// The builds that debootstrap add DIB_DEBOOTSTRAP_CACHE=1 and DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE=1:
// tsdib's phase cache skips root.d only while tsdib's code is unchanged, and DIB's tarball in
// DIB_IMAGE_CACHE survives a code change. (DIB writes that tarball in place; tsdib runs the hook
// under a lock when it is in play, so concurrent builds do not tear it: src/pipeline/run-hooks.ts.)
/** DIB's tree on ELEMENTS_PATH. */
export const DIB_TREE_ENV: Readonly<Record<string, string>> = { ELEMENTS_PATH: DIB_ELEMENTS };

/** The expectation that DIB's element of this name was used (tsdib warns that it overrides the built-in). */
export const overridesBuiltin = (element: string) => `element ${element}: ${DIB_ELEMENTS}/${element} overrides`;
