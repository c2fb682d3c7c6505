/**
 * The shapes the element linter works with: an element read once for linting (`LintElement`,
 * every file with its text and run bit), a rule, and a finding. A rule looks at one file, one
 * element, or the whole set of linted elements; it returns findings and never throws for a
 * problem it finds in an element.
 */
import type { ElementProblem } from '../../elements/element-problems.js';
import type { Phase } from '../../elements/phases.js';

export type Severity = 'error' | 'warning';

export interface LintFinding {
  /** The file (or element directory) the finding is about, absolute. */
  path: string;
  /** 1-based line, when the finding is about one line. */
  line?: number;
  rule: string;
  severity: Severity;
  message: string;
  /** The element the path belongs to. */
  element: string;
}

/** One file of an element, read for linting. */
export interface LintFile {
  element: string;
  /** Absolute path. */
  path: string;
  /** Path inside the element, `/`-separated, e.g. `install.d/50-foo`. */
  rel: string;
  /** The first component of `rel` when the file is in a directory (e.g. `install.d`), else undefined. */
  topDir: string | undefined;
  /** The phase when the file sits directly in a phase directory (a hook or a skipped hook). */
  phase: Phase | undefined;
  /** Whether the file sits directly in environment.d/. */
  inEnvironmentDir: boolean;
  /** Any run bit set (or the link target's, for a symlink). */
  executable: boolean;
  /** A regular file, or a symlink to one; false for a dangling symlink or a special file. */
  isFile: boolean;
  /** The text, or undefined for a binary file (it has a NUL byte) or one that could not be read. */
  text: string | undefined;
  /** `text` split on `\n` (the part after a final newline is not a line). */
  lines: string[];
  /** Rule names disabled by `# dib-lint: disable=NAME…` lines in the file. */
  disabled: ReadonlySet<string>;
}

export interface LintElement {
  name: string;
  /** The element directory, absolute. */
  path: string;
  /** Every file below the element, sorted by `rel`. */
  files: LintFile[];
  /** The structural problems a build would refuse the element for (src/elements/element-problems.ts). */
  structure: ElementProblem[];
}

/** What a rule sees besides its subject. */
export interface LintContext {
  /** Element names (and provided names) that exist: the linted elements plus the search path's. */
  knownElements: ReadonlySet<string>;
}

interface RuleBase {
  /** The name printed in findings and used in `# dib-lint: disable=` comments. */
  id: string;
  severity: Severity;
  /** One line for docs/reference/lint-rules.md. */
  summary: string;
  /** `dib-lint` when DIB's linter makes the same check (same name where it has one), else `tsdib`. */
  origin: 'dib-lint' | 'tsdib';
}

/** A finding before the runner adds rule, severity and element. */
export interface RuleHit {
  path: string;
  line?: number;
  message: string;
}

export interface FileRule extends RuleBase {
  scope: 'file';
  check(file: LintFile, ctx: LintContext): RuleHit[];
}

export interface ElementRule extends RuleBase {
  scope: 'element';
  check(element: LintElement, ctx: LintContext): RuleHit[];
}

export interface SetRule extends RuleBase {
  scope: 'set';
  check(elements: readonly LintElement[], ctx: LintContext): RuleHit[];
}

export type LintRule = FileRule | ElementRule | SetRule;
