/**
 * DIB_CLOUD_INIT_DATASOURCES, checked before any work. DIB's cloud-init-datasources element writes
 * the value unchecked into cloud-init's YAML (`datasource_list: [ VALUE, None ]`), so a misspelt
 * name gives an image whose cloud-init silently finds no data source, and an unset variable fails
 * only in install.d. Here the value is refused up front with the name that is wrong.
 *
 * The check applies when the element set holds `cloud-init-datasources` (the variable is then
 * required, as in DIB), or holds `cloud-init` and the variable is set (tsdib's cloud-init reads it).
 */
import { envInvalid } from '../errors.js';

/**
 * Data source names cloud-init knows (its `cloudinit/sources/DataSource<Name>.py` modules): those
 * of Debian 12's cloud-init 22.4, and Akamai, WSL and CloudCIX from later releases.
 */
export const CLOUD_INIT_DATASOURCES = [
  'Akamai', 'AliYun', 'AltCloud', 'Azure', 'Bigstep', 'CloudCIX', 'CloudSigma', 'CloudStack',
  'ConfigDrive', 'DigitalOcean', 'Ec2', 'Exoscale', 'GCE', 'Hetzner', 'IBMCloud', 'LXD', 'MAAS',
  'NoCloud', 'None', 'NWCS', 'OpenNebula', 'OpenStack', 'Oracle', 'OVF', 'RbxCloud', 'Scaleway',
  'SmartOS', 'UpCloud', 'VMware', 'Vultr', 'WSL',
] as const;

const VARIABLE = 'DIB_CLOUD_INIT_DATASOURCES';
const EXAMPLE = `${VARIABLE}="NoCloud, ConfigDrive"`;

/** The names of a DIB_CLOUD_INIT_DATASOURCES value (comma-separated, spaces around names allowed). */
export function parseDatasources(value: string): string[] {
  return value.split(',').map((s) => s.trim());
}

/** What is wrong with a value, one line per problem (empty when it is fine). */
export function datasourceProblems(value: string): string[] {
  const known = new Map(CLOUD_INIT_DATASOURCES.map((n) => [n.toLowerCase(), n]));
  const problems: string[] = [];
  for (const [i, name] of parseDatasources(value).entries()) {
    if (name === '') {
      problems.push(`entry ${i + 1} is empty (names are separated by single commas)`);
      continue;
    }
    if ((CLOUD_INIT_DATASOURCES as readonly string[]).includes(name)) continue;
    const sameLetters = known.get(name.toLowerCase());
    problems.push(sameLetters ? `"${name}" is not a cloud-init data source: did you mean "${sameLetters}"? (names are case-sensitive)` : `"${name}" is not a cloud-init data source`);
  }
  return problems;
}

/**
 * Refuses a bad DIB_CLOUD_INIT_DATASOURCES (ENV_INVALID, exit 2) when the element set uses it.
 * `source` says where `env` came from: the caller's environment (checked in the plan step, where an
 * unset variable may still come from an element's environment.d) or the environment after
 * environment.d (before any hook runs), where `cloud-init-datasources` requires it.
 */
export function checkCloudInitDatasources(
  elements: readonly { name: string }[],
  env: Readonly<Record<string, string | undefined>>,
  source: 'environment' | 'environment.d',
): void {
  const names = new Set(elements.map((e) => e.name));
  const value = env[VARIABLE];
  const required = names.has('cloud-init-datasources');
  const set = value !== undefined && value.trim() !== '';
  if (!set && (!required || source === 'environment')) return;
  if (!required && !names.has('cloud-init')) return;
  if (!set) {
    throw envInvalid({
      variable: VARIABLE,
      problem: `${value === undefined ? 'not set' : 'empty'}; the cloud-init-datasources element needs a comma-separated list of cloud-init data sources`,
      element: 'cloud-init-datasources',
      hint: `e.g. ${EXAMPLE}; known names: ${CLOUD_INIT_DATASOURCES.join(', ')}`,
    });
  }
  const problems = datasourceProblems(value);
  if (problems.length === 0) return;
  throw envInvalid({
    variable: VARIABLE,
    value,
    problem: `${source === 'environment.d' ? '(after environment.d) ' : ''}${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    element: required ? 'cloud-init-datasources' : 'cloud-init',
    ...(problems.length > 1 ? { details: problems } : {}),
    hint: `known names: ${CLOUD_INIT_DATASOURCES.join(', ')}`,
  });
}
