/**
 * Hook collection with DIB's rules (lib/dib-run-parts, lib/common-functions:generate_hooks):
 * a hook is a file (symlinks to files count) directly in a phase directory, executable, named
 * `^[0-9A-Za-z_-]+$`; each phase's hooks of all elements run in `LANG=C sort -n` order of their
 * names. environment.d files (any file named `^[0-9A-Za-z_.-]+$`, run bit not needed) are sourced
 * in the same order. The same file name in one phase (or environment.d) of two elements is an
 * error, as in DIB. Files DIB skips silently are reported here as skipped, with the reason.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { hookDuplicate } from '../errors.js';
import { listEntries, type Element } from './element.js';
import { PHASE_CONTRACT, PHASES, type Phase } from './phases.js';
import { compareSortN } from './sort-n.js';

export const HOOK_NAME = /^[0-9A-Za-z_-]+$/;
export const ENVIRONMENT_FILE_NAME = /^[0-9A-Za-z_.-]+$/;

export interface Hook {
  element: string;
  phase: Phase;
  /** File name, e.g. `10-apt`. */
  script: string;
  path: string;
  inChroot: boolean;
}

export type SkipReason = 'name' | 'not-executable' | 'not-a-file';

export interface SkippedHook {
  element: string;
  phase: Phase | 'environment.d';
  file: string;
  path: string;
  reason: SkipReason;
}

export interface EnvironmentFile {
  element: string;
  file: string;
  path: string;
}

export interface HookPlan {
  /** Every phase, hooks in run order (empty list when no element has hooks for it). */
  phases: Record<Phase, Hook[]>;
  skipped: SkippedHook[];
  /** environment.d files of all elements in sourcing order. */
  environment: EnvironmentFile[];
}

/** One line per skipped file, for warnings. */
export function describeSkipped(s: SkippedHook): string {
  const why =
    s.reason === 'name'
      ? `its name has characters outside ${s.phase === 'environment.d' ? '[0-9A-Za-z_.-]' : '[0-9A-Za-z_-] (no dots)'}`
      : s.reason === 'not-executable'
        ? 'it is not executable'
        : 'it is not a regular file (dangling symlink?)';
  return `element ${s.element}: ${s.phase}/${s.file} is skipped because ${why}`;
}

interface Candidate {
  element: string;
  file: string;
  path: string;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Files of `<element>/<dir>` of every element, failing on a name found in two elements. */
async function collectDir(elements: readonly Element[], dir: string, skipped: SkippedHook[], phase: Phase | 'environment.d'): Promise<Candidate[]> {
  const seen = new Map<string, Candidate>();
  for (const element of elements) {
    const base = join(element.path, dir);
    const entries = (await listEntries(base)).sort((a, b) => compareSortN(a.name, b.name));
    for (const entry of entries) {
      const path = join(base, entry.name);
      if (entry.isDir) continue; // e.g. install.d/<prefix>-<type>-install/, used by install-types
      if (!entry.isFile) {
        skipped.push({ element: element.name, phase, file: entry.name, path, reason: 'not-a-file' });
        continue;
      }
      const first = seen.get(entry.name);
      if (first) {
        throw hookDuplicate(`${dir}/${entry.name} is in two elements: '${first.element}' and '${element.name}'`, {
          elements: [first.element, element.name],
          phase: dir,
          script: entry.name,
          details: [first.path, path],
          hint: 'hook names must be unique within a phase across all elements; rename one of them',
        });
      }
      const candidate = { element: element.name, file: entry.name, path };
      seen.set(entry.name, candidate);
    }
  }
  return [...seen.values()].sort((a, b) => compareSortN(a.file, b.file));
}

function emptyPhases(): Record<Phase, Hook[]> {
  return Object.fromEntries(PHASES.map((p) => [p, []])) as unknown as Record<Phase, Hook[]>;
}

export async function collectHooks(elements: readonly Element[]): Promise<HookPlan> {
  const phases = emptyPhases();
  const skipped: SkippedHook[] = [];
  for (const phase of PHASES) {
    const owners = elements.filter((e) => e.phases.includes(phase));
    for (const c of await collectDir(owners, phase, skipped, phase)) {
      const reason: SkipReason | undefined = !HOOK_NAME.test(c.file) ? 'name' : !(await isExecutable(c.path)) ? 'not-executable' : undefined;
      if (reason) skipped.push({ element: c.element, phase, file: c.file, path: c.path, reason });
      else phases[phase].push({ element: c.element, phase, script: c.file, path: c.path, inChroot: PHASE_CONTRACT[phase].inChroot });
    }
  }
  const environment: EnvironmentFile[] = [];
  const withEnv = elements.filter((e) => e.environmentDir !== undefined);
  for (const c of await collectDir(withEnv, 'environment.d', skipped, 'environment.d')) {
    if (ENVIRONMENT_FILE_NAME.test(c.file)) environment.push(c);
    else skipped.push({ element: c.element, phase: 'environment.d', file: c.file, path: c.path, reason: 'name' });
  }
  const rank = (p: SkippedHook['phase']) => (p === 'environment.d' ? -1 : PHASES.indexOf(p));
  skipped.sort((a, b) => rank(a.phase) - rank(b.phase) || compareSortN(a.file, b.file));
  return { phases, skipped, environment };
}
