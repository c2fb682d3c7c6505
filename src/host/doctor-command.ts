import { flagInvalid, type TsdibError } from '../errors.js';
import { log } from '../log.js';
import { debootstrapInstalled, debootstrapKnows, unknownReleaseFixes, type DistroFamily } from './debootstrap-scripts.js';
import { checkTools, installPackages } from './doctor.js';
import { BOOT_TOOLS, CORE_TOOLS, ELEMENT_TOOLS, ROOTLESS_TOOLS, TEST_TOOLS, type HostTool } from './host-tools.js';

export interface DoctorOptions {
  /** Elements of the build to check for (expanded with their dependencies); none: what every build needs. */
  elements: string[];
  install: boolean;
  /** Also what `tsdib boot` and `tsdib test` run: qemu, its firmware, the seed and runner tools. */
  boot: boolean;
  forTests: boolean;
  /** `-t` as given (checked like the build's -t); default: the build's default. */
  types: string | undefined;
  /** As root: set this user up for rootless builds instead of checking tools. */
  setupRootless?: string;
}

/** As an ordinary user: whether a rootless build can run, and what is missing, each with its fix. */
async function reportRootless(): Promise<boolean> {
  const { rootlessReadiness } = await import('./userns/rootless-readiness.js');
  const { describeMapping } = await import('./userns/id-mapping.js');
  const r = await rootlessReadiness();
  for (const p of r.problems) process.stdout.write(`rootless: ${p.what}\n  fix: ${p.fix}\n`);
  if (!r.namespaceWorks) {
    process.stdout.write('rootless builds: not possible here (no user namespace could be made)\n');
    return false;
  }
  process.stdout.write(`rootless builds: possible; ${describeMapping(r.mapping)}${r.mapping.kind === 'single' ? ' — package installs that chown to other users will fail' : ''}\n`);
  return true;
}

/** The tools to check: a named build's (plan, element dependencies, -t, filesystems) or every build's. */
async function wantedTools(opts: DoctorOptions): Promise<{ tools: HostTool[]; what: string; refusal?: TsdibError }> {
  const { parseTypes, toBuildOptions } = await import('../cli/build-options.js');
  // -t is checked even without elements: `doctor -t bogus` is a mistake either way
  parseTypes(opts.types);
  if (opts.elements.length === 0) return { tools: [...CORE_TOOLS], what: opts.forTests ? 'the test suite' : 'every build' };
  const buildOpts = await toBuildOptions({ elements: opts.elements, ...(opts.types !== undefined ? { t: opts.types } : {}) });
  const { toolsForBuild } = await import('../pipeline/build-tools.js');
  const build = await toolsForBuild(buildOpts, process.env);
  log.info(`doctor: elements ${build.elements.join(' ')}; outputs ${buildOpts.types.join(',')}; filesystems ${build.fsTypes.join(',') || 'none'}`);
  return { tools: build.tools, what: `tsdib ${opts.elements.join(' ')} -t ${buildOpts.types.join(',')}`, ...(build.refusal ? { refusal: build.refusal } : {}) };
}

/** Releases DIB's debootstrap-based elements are asked for most; DIB_RELEASE is added when set. */
const CHECKED_RELEASES: ReadonlyArray<{ release: string; family: DistroFamily }> = [
  { release: 'jammy', family: 'ubuntu' },
  { release: 'noble', family: 'ubuntu' },
  { release: 'bookworm', family: 'debian' },
  { release: 'trixie', family: 'debian' },
];

/**
 * For DIB's debootstrap element (DIB's ubuntu-minimal, debian-minimal): the releases the host's
 * debootstrap has no script for, each with what to do. Nothing when debootstrap is not installed.
 */
export function debootstrapReleaseNotes(dibRelease: string | undefined, scriptsDir?: string): string[] {
  if (!debootstrapInstalled(scriptsDir)) return [];
  const releases = [...CHECKED_RELEASES];
  if (dibRelease && !releases.some((r) => r.release === dibRelease)) releases.push({ release: dibRelease, family: 'debian' });
  const lines: string[] = [];
  for (const { release, family } of releases) {
    if (debootstrapKnows(release, scriptsDir)) continue;
    lines.push(`note     debootstrap has no script for ${release}: DIB's debootstrap-based elements (${family === 'ubuntu' ? 'ubuntu-minimal' : 'debian-minimal'}) cannot build DIB_RELEASE=${release} as they are`);
    unknownReleaseFixes(release, family, scriptsDir).forEach((fix, i) => lines.push(`  ${i === 0 ? 'fix' : 'or '}: ${fix}`));
  }
  return lines;
}

/**
 * `tsdib doctor`: prints what is present and missing (as an ordinary user also whether a rootless
 * build can run, with a fix per problem); returns 0 when nothing is missing afterwards. Bad input
 * (an unknown element or -t type, --install as an ordinary user) is refused before any check.
 */
export async function runDoctor(opts: DoctorOptions): Promise<number> {
  if (opts.setupRootless !== undefined) {
    const { setupRootless } = await import('./userns/setup-rootless.js');
    for (const line of await setupRootless(opts.setupRootless)) process.stdout.write(`${line}\n`);
    return 0;
  }
  const root = process.getuid?.() === 0;
  if (opts.install && !root) {
    throw flagInvalid({ flag: '--install', problem: 'installs Debian packages with apt-get, which needs root', hint: 'run it as root (sudo tsdib doctor --install …), or without --install to see what is missing' });
  }
  const { tools, what, refusal } = await wantedTools(opts);
  const wanted = [...tools];
  if (opts.boot) wanted.push(...BOOT_TOOLS);
  // the suite builds with every built-in element and boots what it builds
  if (opts.forTests) wanted.push(...Object.values(ELEMENT_TOOLS).flat(), ...BOOT_TOOLS, ...TEST_TOOLS);
  if (!root) wanted.push(...ROOTLESS_TOOLS);
  let report = await checkTools(wanted);
  if (report.missing.length > 0 && opts.install) {
    await installPackages(report.packages);
    report = await checkTools(wanted);
  }
  for (const m of report.missing) process.stdout.write(`missing  ${m.command}  (package ${m.pkg})\n`);
  for (const line of debootstrapReleaseNotes(process.env['DIB_RELEASE'])) process.stdout.write(`${line}\n`);
  const rootlessOk = root ? true : await reportRootless();
  // the build would stop in its plan step whatever is installed: the same error, exit 2
  if (refusal) throw refusal;
  if (report.missing.length === 0) {
    log.info(`doctor: all ${report.present.length} host tools ${what}${opts.boot ? ' and tsdib boot' : ''} needs are present`);
    if (opts.elements.length === 0 && !opts.forTests) log.info('doctor: name the elements of your build (e.g. `tsdib doctor debian vm`) to check their tools too');
    return rootlessOk ? 0 : 1;
  }
  const again = ['tsdib doctor', ...opts.elements, ...(opts.types !== undefined ? ['-t', opts.types] : []), ...(opts.boot ? ['--boot'] : []), '--install'].join(' ');
  process.stdout.write(`install with: ${again}   (apt-get install ${report.packages.join(' ')})\n`);
  return 1;
}
