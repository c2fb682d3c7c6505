import { ENVIRONMENT_FILE_NAME, HOOK_NAME } from '../../../elements/hooks.js';
import type { ElementRule, LintElement, LintFile, RuleHit } from '../types.js';

/** A name DIB would run: the part before the first dot, other characters made `-`. */
function suggestedName(file: string): string {
  return (file.split('.')[0] ?? file).replace(/[^0-9A-Za-z_-]/g, '-') || 'NN-name';
}

function why(file: LintFile, name: string): string | undefined {
  const dir = file.rel.split('/')[0]!;
  if (!file.isFile) return `${file.rel} is not a regular file (dangling symlink?), so DIB skips it`;
  if (file.inEnvironmentDir) {
    return ENVIRONMENT_FILE_NAME.test(name) ? undefined : `${file.rel}: DIB only sources files named ^[0-9A-Za-z_.-]+$, so it silently skips this one`;
  }
  if (!HOOK_NAME.test(name)) {
    return `${file.rel}: DIB only runs hooks named ^[0-9A-Za-z_-]+$ (no dots), so it silently skips this one; rename it to ${dir}/${suggestedName(name)}`;
  }
  if (!file.executable && !file.disabled.has('executable')) return `${file.rel} is not executable, so DIB silently skips it; run: chmod +x ${file.rel}`;
  return undefined;
}

/** Whether another file of the element names `name`: then it is data a hook uses (DIB elements keep e.g. `foo.service` beside the hook that installs it). */
function usedByAnotherFile(element: LintElement, file: LintFile, name: string): boolean {
  return element.files.some((f) => f !== file && f.text !== undefined && f.text.includes(name));
}

export const skippedHookRule: ElementRule = {
  id: 'skipped-hook',
  severity: 'error',
  origin: 'tsdib',
  scope: 'element',
  summary:
    'a file in a phase dir (or environment.d) that DIB would silently skip — a name outside `^[0-9A-Za-z_-]+$` (e.g. `50-foo.sh`), no run bit, a dangling symlink — unless another file of the element names it (data a hook uses)',
  check(element) {
    const hits: RuleHit[] = [];
    for (const file of element.files) {
      if (file.phase === undefined && !file.inEnvironmentDir) continue;
      const name = file.rel.split('/')[1]!;
      const message = why(file, name);
      if (message !== undefined && !usedByAnotherFile(element, file, name)) hits.push({ path: file.path, message });
    }
    return hits;
  },
};
