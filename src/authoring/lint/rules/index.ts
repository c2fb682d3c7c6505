/**
 * Every lint rule, in the order findings about one file are listed. Adding a rule = one file in
 * this folder + one line here; docs/reference/lint-rules.md is generated from this table.
 */
import type { LintRule } from '../types.js';
import { bashShebangRule } from './bash-shebang.js';
import { depsExistRule } from './deps-exist.js';
import { depsSortedRule } from './deps-sorted.js';
import { dibDebugTraceRule } from './dibdebugtrace.js';
import { duplicateHookRule } from './duplicate-hook.js';
import { elementStructureRule } from './element-structure.js';
import { envExecutableRule } from './env-executable.js';
import { envTraceRule } from './env-trace.js';
import { executableRule } from './executable.js';
import { exportSubstRule } from './export-subst.js';
import { indentRule } from './indent.js';
import { newlineRule } from './newline.js';
import { pkgMapJsonRule } from './pkg-map-json.js';
import { readmeRule } from './readme.js';
import { safeSudoRule } from './safe-sudo.js';
import { seteRule } from './sete.js';
import { setpipefailRule } from './setpipefail.js';
import { setuRule } from './setu.js';
import { skippedHookRule } from './skipped-hook.js';
import { sourceRepositoryNewlineRule } from './source-repository-newline.js';
import { tabIndentRule } from './tabindent.js';
import { whichRule } from './which.js';
import { yamlValidRule } from './yaml-valid.js';

export const LINT_RULES: readonly LintRule[] = [
  readmeRule,
  depsExistRule,
  depsSortedRule,
  duplicateHookRule,
  elementStructureRule,
  skippedHookRule,
  executableRule,
  bashShebangRule,
  seteRule,
  setuRule,
  setpipefailRule,
  dibDebugTraceRule,
  envExecutableRule,
  envTraceRule,
  exportSubstRule,
  safeSudoRule,
  whichRule,
  indentRule,
  tabIndentRule,
  newlineRule,
  sourceRepositoryNewlineRule,
  yamlValidRule,
  pkgMapJsonRule,
];

export const LINT_RULE_IDS: readonly string[] = LINT_RULES.map((r) => r.id);
