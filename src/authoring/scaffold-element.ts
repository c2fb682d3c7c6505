/**
 * `tsdib element new NAME`: writes a new element in DIB's layout under DIR/NAME — README.md,
 * element-deps, environment.d/10-NAME, package-installs.yaml and one hook per requested phase
 * (default install.d/50-NAME) — from the templates in element-templates.ts. Never writes into
 * an existing directory.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { unknownFlagValue } from '../elements/did-you-mean.js';
import { checkElementName } from '../elements/element-name.js';
import { isPhase, PHASES, type Phase } from '../elements/phases.js';
import { elementInvalid, flagInvalid } from '../errors.js';
import { writableDirProblem } from '../host/writable-file.js';
import { elementDepsText, environmentFileName, environmentText, hookFileName, hookText, packageInstallsText, readmeText } from './element-templates.js';

export interface ScaffoldOptions {
  name: string;
  /** The directory the element is created in (an ELEMENTS_PATH entry); default: the working directory. */
  dir?: string;
  /** Phases to write a hook for, e.g. `install.d` (`install` is accepted too); default: install.d. */
  phases?: readonly string[];
}

export interface ScaffoldResult {
  /** The new element directory, absolute. */
  path: string;
  /** The files written, relative to `path`, in write order. */
  files: string[];
}

/** Checks and normalises phase names (`install` → `install.d`), in PHASES order, without repeats. */
export function parsePhases(raw: readonly string[]): Phase[] {
  const phases = new Set<Phase>();
  for (const given of raw) {
    const name = given.endsWith('.d') ? given : `${given}.d`;
    if (!isPhase(name)) {
      throw unknownFlagValue('--phases', given, 'phase', PHASES, name);
    }
    phases.add(name);
  }
  if (phases.size === 0) throw flagInvalid({ flag: '--phases', problem: 'name at least one phase, e.g. install.d' });
  return PHASES.filter((p) => phases.has(p));
}

export async function scaffoldElement(opts: ScaffoldOptions): Promise<ScaffoldResult> {
  checkElementName(opts.name, 'tsdib element new');
  const phases = parsePhases(opts.phases ?? ['install.d']);
  const parent = resolve(opts.dir ?? '.');
  const path = join(parent, opts.name);
  const problem = await writableDirProblem(parent);
  if (problem) throw flagInvalid({ flag: '--dir', value: parent, problem: `cannot make the element there: ${problem}`, hint: 'give --dir a directory (it is made when missing)' });
  await mkdir(parent, { recursive: true });
  try {
    await mkdir(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    throw elementInvalid(`${path} already exists; not overwriting it`, {
      element: opts.name,
      path,
      hint: 'choose another name or --dir, or remove the directory first',
    });
  }
  const files: Array<[rel: string, text: string, mode: number]> = [
    ['README.md', readmeText(opts.name, phases), 0o644],
    ['element-deps', elementDepsText(opts.name), 0o644],
    [`environment.d/${environmentFileName(opts.name)}`, environmentText(opts.name), 0o644],
    ['package-installs.yaml', packageInstallsText(opts.name), 0o644],
    ...phases.map((p): [string, string, number] => [`${p}/${hookFileName(opts.name)}`, hookText(opts.name, p), 0o755]),
  ];
  for (const [rel, text, mode] of files) {
    const file = join(path, rel);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, text, { flag: 'wx' });
    await chmod(file, mode);
  }
  return { path, files: files.map(([rel]) => rel) };
}
