// The tests compile against the sources: a renamed or removed module, or a changed type, fails here
// with the compiler's message instead of as a suite that cannot load.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('typecheck', () => {
  it('sources and tests compile (tsconfig.test.json)', () => {
    let output = '';
    try {
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.test.json')], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe('');
  }, 600_000);
});
