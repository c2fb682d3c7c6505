/**
 * Runs every rule over a set of elements and returns the findings, sorted by path, then line,
 * then rule-table order. A finding on a file that disables its rule (`# dib-lint: disable=…`), or
 * of a rule in `ignore`, is dropped.
 */
import { LINT_RULES } from './rules/index.js';
import type { LintContext, LintElement, LintFile, LintFinding, LintRule, RuleHit } from './types.js';

export interface LintOptions {
  /** Rule ids to skip everywhere (dib-lint's `[dib-lint] ignore`). */
  ignore?: readonly string[];
  /** Element names (and provided names) that exist besides the linted ones. */
  knownElements?: Iterable<string>;
  /** The rules to run (tests); default: all. */
  rules?: readonly LintRule[];
}

export interface LintReport {
  findings: LintFinding[];
  errors: number;
  warnings: number;
  /** How many elements were linted. */
  elements: number;
}

function hitsOf(rule: LintRule, elements: readonly LintElement[], ctx: LintContext): RuleHit[] {
  switch (rule.scope) {
    case 'file':
      return elements.flatMap((e) => e.files.flatMap((f) => rule.check(f, ctx)));
    case 'element':
      return elements.flatMap((e) => rule.check(e, ctx));
    case 'set':
      return rule.check(elements, ctx);
  }
}

function providedNames(elements: readonly LintElement[]): string[] {
  return elements.flatMap((e) => e.files.filter((f) => f.rel === 'element-provides').flatMap((f) => f.lines.map((l) => l.replace(/(^|\s)#.*$/, '').trim())));
}

export function lintElements(elements: readonly LintElement[], opts: LintOptions = {}): LintReport {
  const rules = opts.rules ?? LINT_RULES;
  const ignore = new Set(opts.ignore ?? []);
  const known = new Set<string>([...(opts.knownElements ?? []), ...elements.map((e) => e.name), ...providedNames(elements)]);
  known.delete('');
  const ctx: LintContext = { knownElements: known };
  const files = new Map<string, LintFile>(elements.flatMap((e) => e.files.map((f) => [f.path, f] as const)));
  const elementOf = (path: string): string =>
    files.get(path)?.element ?? elements.find((e) => path === e.path || path.startsWith(`${e.path}/`))?.name ?? '';
  const findings: LintFinding[] = [];
  for (const rule of rules) {
    if (ignore.has(rule.id)) continue;
    for (const hit of hitsOf(rule, elements, ctx)) {
      if (files.get(hit.path)?.disabled.has(rule.id)) continue;
      findings.push({ ...hit, rule: rule.id, severity: rule.severity, element: elementOf(hit.path) });
    }
  }
  const order = new Map(rules.map((r, i) => [r.id, i]));
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0) || order.get(a.rule)! - order.get(b.rule)!);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { findings, errors, warnings: findings.length - errors, elements: elements.length };
}
