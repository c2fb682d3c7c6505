/**
 * Which releases the host's debootstrap knows. debootstrap builds a release only with a script of
 * its name in /usr/share/debootstrap/scripts (e.g. Debian 12's 1.0.128 has jammy but no noble);
 * DIB's `debootstrap` element passes `DIB_DEBIAN_DEBOOTSTRAP_SCRIPT` as the script to use instead.
 * Every Ubuntu release's script is a link to `gutsy`, every Debian one's to `sid`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DEBOOTSTRAP_SCRIPTS = '/usr/share/debootstrap/scripts';

export type DistroFamily = 'ubuntu' | 'debian';

/** The script all releases of a family share. */
export const FAMILY_SCRIPT: Readonly<Record<DistroFamily, string>> = { ubuntu: 'gutsy', debian: 'sid' };

/** Whether debootstrap is installed with its scripts (when not, the host-tool check asks for it). */
export function debootstrapInstalled(scriptsDir: string = DEBOOTSTRAP_SCRIPTS): boolean {
  return existsSync(scriptsDir);
}

export function debootstrapKnows(release: string, scriptsDir: string = DEBOOTSTRAP_SCRIPTS): boolean {
  return existsSync(join(scriptsDir, release));
}

/** What to do when debootstrap has no script for `release`: the choices, best first. */
export function unknownReleaseFixes(release: string, family: DistroFamily, scriptsDir: string = DEBOOTSTRAP_SCRIPTS): string[] {
  return [
    `set DIB_DEBIAN_DEBOOTSTRAP_SCRIPT=${join(scriptsDir, FAMILY_SCRIPT[family])} (the script every ${family === 'ubuntu' ? 'Ubuntu' : 'Debian'} release's script links to; DIB's debootstrap element passes it to debootstrap)`,
    `install a debootstrap that knows ${release} (a newer release's package)`,
    // with DIB's tree on ELEMENTS_PATH its elements hide the built-ins of the same name, so the
    // advice says how to reach tsdib's
    family === 'ubuntu'
      ? `build with tsdib's own ubuntu-minimal (mmdebstrap), which builds ${release} here: take DIB's tree off ELEMENTS_PATH (\`ELEMENTS_PATH= DIB_RELEASE=${release} tsdib ubuntu-minimal vm\`, or \`tsdib ubuntu vm\` for a cloud-ready one)`
      : `build with tsdib's own debian-minimal (mmdebstrap): take DIB's tree off ELEMENTS_PATH (\`ELEMENTS_PATH= DIB_RELEASE=${release} tsdib debian-minimal vm\`)`,
  ];
}
