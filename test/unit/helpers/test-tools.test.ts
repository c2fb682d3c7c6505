// Every host command a test checks for (hasCommand, a tool list, missingTools, the e2e and DIB
// requirements) is installed by the suite's set-up: `tsdib doctor --install --for-tests` (TEST_TOOLS
// and BOOT_TOOLS), unless it comes with every Debian system. Under CI=true a missing one fails the
// test that needs it (test/helpers/resources.ts), so a tool left out here would fail CI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globby } from 'globby';
import { describe, expect, it } from 'vitest';
import { BOOT_TOOLS, TEST_TOOLS } from '../../../src/host/host-tools.js';
import { REPO_ROOT } from '../../helpers/cli.js';

/** Commands of Debian's essential packages (coreutils, util-linux, mount, tar, bash, dash, findutils). */
const ESSENTIAL = new Set(['sh', 'bash', 'sort', 'tar', 'losetup', 'mount', 'umount', 'find', 'truncate', 'fallocate', 'mknod', 'mkfifo', 'blockdev', 'id', 'cp', 'rm', 'sleep']);

const QUOTED = /'([a-z0-9._-]+)'/g;

/** The commands test sources check for, with the file that checks. */
async function checkedCommands(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const add = (cmd: string, file: string) => found.has(cmd) || found.set(cmd, file);
  for (const rel of await globby('test/**/*.ts', { cwd: REPO_ROOT, ignore: ['test/unit/helpers/test-tools.test.ts'] })) {
    const text = readFileSync(join(REPO_ROOT, rel), 'utf8');
    for (const m of text.matchAll(/(?:hasCommand|commandExists)\('([^']+)'\)/g)) add(m[1]!, rel);
    // ['a', 'b'].every(hasCommand), missingTools('…', ['a', 'b']), for (const c of ['a', 'b']) if (!hasCommand(c))
    for (const m of text.matchAll(/\[([^\]]*)\]\.every\(hasCommand\)|missingTools\('[^']*', \[([^\]]*)\]\)|for \(const \w+ of \[([^\]]*)\]\) if \(!hasCommand/g)) {
      for (const q of (m[1] ?? m[2] ?? m[3] ?? '').matchAll(QUOTED)) add(q[1]!, rel);
    }
  }
  return found;
}

describe("the suite's set-up", () => {
  it('installs every host command a test checks for', async () => {
    const installed = new Set([...TEST_TOOLS, ...BOOT_TOOLS].map((t) => t.command));
    const checked = await checkedCommands();
    expect(checked.size).toBeGreaterThan(20);
    const missing = [...checked].filter(([cmd]) => !installed.has(cmd) && !ESSENTIAL.has(cmd)).map(([cmd, file]) => `${cmd} (${file})`);
    expect(missing).toEqual([]);
  });
});
