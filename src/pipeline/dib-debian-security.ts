/**
 * Security-archive defaults for DIB's own `debian-minimal` (Debian's python3-diskimage-builder
 * 3.13). Its environment.d points apt at `http://security.debian.org/` with the suite
 * `<release>/updates` for every release but bullseye; that layout ended with buster, so on bookworm
 * (and DIB's default `stable`) `apt-get update` fails on it in root.d. When DIB's element is in the
 * build and the caller set neither DIB_DEBIAN_SECURITY_MIRROR nor DIB_DEBIAN_SECURITY_SUBPATH, hooks
 * get the layout Debian has used since bullseye: `<mirror>/debian-security <release>-security`.
 */
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Element } from '../elements/element.js';

/** Releases DIB's defaults are right for (the `/updates` layout, and bullseye which DIB special-cases); testing and unstable have no security suite in DIB. */
const DIB_DEFAULTS_WORK = new Set(['jessie', 'stretch', 'buster', 'bullseye', 'testing', 'unstable', 'sid']);

export const DEBIAN_SECURITY_MIRROR = 'http://security.debian.org/debian-security';

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** The two variables to add to the hooks' environment (none when they are not needed). */
export function dibDebianSecurityDefaults(elements: readonly Element[], builtinDir: string, hostEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const builtin = real(builtinDir);
  const dibDebian = elements.some((e) => e.name === 'debian-minimal' && dirname(real(e.path)) !== builtin);
  if (!dibDebian) return {};
  if (hostEnv['DIB_DEBIAN_SECURITY_MIRROR'] !== undefined || hostEnv['DIB_DEBIAN_SECURITY_SUBPATH'] !== undefined) return {};
  if (DIB_DEFAULTS_WORK.has(hostEnv['DIB_RELEASE'] ?? 'stable')) return {};
  return { DIB_DEBIAN_SECURITY_MIRROR: DEBIAN_SECURITY_MIRROR, DIB_DEBIAN_SECURITY_SUBPATH: '-security' };
}
