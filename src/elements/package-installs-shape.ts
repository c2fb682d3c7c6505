/**
 * The shape of a package-installs.yaml/.json (DIB's format, computed in src/pipeline/package-installs.ts):
 * a map of package name → nothing, a map of options, or a list of such maps. Checked before the
 * build so a typo is reported with the package and key instead of failing in a phase. `when`
 * values are only checked for form here: their variables are known once environment.d is sourced.
 */

/** The package-installs phases (the install-packages hooks run in these). */
export const PACKAGE_PHASES = ['pre-install.d', 'install.d', 'post-install.d'] as const;

/** The option keys DIB reads. */
export const PACKAGE_OPTION_KEYS = ['phase', 'uninstall', 'build-only', 'arch', 'not-arch', 'when', 'installtype', 'dib_python_version'] as const;

/** One `when` condition: "VAR = value" or "VAR != value". */
export const WHEN_CONDITION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=)\s*(.*?)\s*$/;

/** Debian/RPM-style package names, plus the version, release and arch suffixes apt takes; never an option. */
export const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._:~@=/*-]*$/;

function optionProblems(pkg: string, options: unknown, where: string): string[] {
  if (options === null || options === '' || options === undefined) return [];
  if (typeof options !== 'object' || Array.isArray(options)) return [`${where}: expected a map of options (${PACKAGE_OPTION_KEYS.join(', ')}), got ${JSON.stringify(options)}`];
  const o = options as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(o)) {
    if (!(PACKAGE_OPTION_KEYS as readonly string[]).includes(key)) problems.push(`${where}: unknown option "${key}"; options are ${PACKAGE_OPTION_KEYS.join(', ')}`);
  }
  if (o['phase'] !== undefined && o['phase'] !== null && !(PACKAGE_PHASES as readonly string[]).includes(String(o['phase']))) {
    problems.push(`${where}: phase "${String(o['phase'])}" is not one of ${PACKAGE_PHASES.join(', ')}`);
  }
  if (o['arch'] !== undefined && o['arch'] !== null && o['not-arch'] !== undefined && o['not-arch'] !== null) problems.push(`${where}: both arch and not-arch are given; use one`);
  const when = o['when'];
  if (when !== undefined && when !== null) {
    for (const c of Array.isArray(when) ? when : [when]) {
      if (typeof c !== 'string' || !WHEN_CONDITION.test(c)) problems.push(`${where}: when: ${JSON.stringify(c)} is not "VAR = value" or "VAR != value"`);
    }
  }
  return problems;
}

/** Every problem of parsed package-installs data, each naming the package (and option). */
export function packageInstallsProblems(data: unknown): string[] {
  if (data === null || data === undefined) return [];
  if (typeof data !== 'object' || Array.isArray(data)) return [`expected a map of package names, got ${Array.isArray(data) ? 'a list' : JSON.stringify(data)}`];
  const problems: string[] = [];
  for (const [pkg, value] of Object.entries(data as Record<string, unknown>)) {
    if (!PACKAGE_NAME.test(pkg)) problems.push(`package ${JSON.stringify(pkg)} is not a package name (letters, digits, + . - _ : ~; not starting with "-")`);
    if (Array.isArray(value)) value.forEach((v, i) => problems.push(...optionProblems(pkg, v, `${pkg}[${i}]`)));
    else problems.push(...optionProblems(pkg, value, pkg));
  }
  return problems;
}
