import type { LintElement, RuleHit, SetRule } from '../types.js';

function provides(element: LintElement): Set<string> {
  const file = element.files.find((f) => f.rel === 'element-provides');
  return new Set((file?.lines ?? []).map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean));
}

/** Two elements that provide the same name never meet in one build (e.g. two operating systems). */
function alternatives(a: LintElement, b: LintElement): boolean {
  const pa = provides(a);
  return [...provides(b)].some((p) => pa.has(p));
}

export const duplicateHookRule: SetRule = {
  id: 'duplicate-hook',
  severity: 'error',
  origin: 'tsdib',
  scope: 'set',
  summary:
    'a file name is used once per phase dir (and environment.d) across the linted elements, as a build needs; elements that provide the same name (alternatives) may share one',
  check(elements) {
    const owners = new Map<string, LintElement[]>();
    const hits: RuleHit[] = [];
    for (const element of elements) {
      for (const file of element.files) {
        if (file.phase === undefined && !file.inEnvironmentDir) continue;
        const earlier = owners.get(file.rel) ?? [];
        const clash = earlier.find((o) => o !== element && !alternatives(o, element));
        if (clash) {
          hits.push({ path: file.path, message: `${file.rel} is also in element '${clash.name}'; a build using both fails (duplicate hook): rename one` });
        }
        owners.set(file.rel, [...earlier, element]);
      }
    }
    return hits;
  },
};
