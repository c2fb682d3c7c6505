import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hookHostTools, hooksCallingSudo } from '../../../src/pipeline/hook-host-tools.js';
import type { Hook, HookPlan } from '../../../src/elements/hooks.js';
import { PHASES, type Phase } from '../../../src/elements/phases.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdib-hook-host-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plan(hooks: Array<{ phase: Phase; inChroot: boolean; text: string }>): HookPlan {
  const phases = Object.fromEntries(PHASES.map((p) => [p, [] as Hook[]])) as Record<Phase, Hook[]>;
  hooks.forEach((h, i) => {
    const path = join(dir, `hook-${i}`);
    writeFileSync(path, h.text);
    chmodSync(path, 0o755);
    phases[h.phase].push({ element: 'e', phase: h.phase, script: `10-h${i}`, path, inChroot: h.inChroot });
  });
  return { phases, skipped: [], environment: [] } as unknown as HookPlan;
}

describe('hooksCallingSudo', () => {
  it('finds a host-side hook that runs a command through sudo', async () => {
    const p = plan([{ phase: 'root.d', inChroot: false, text: '#!/bin/bash\nset -eu\nsudo tar -C "$TARGET_ROOT" -xzf x.tgz\n' }]);
    expect(await hooksCallingSudo(p)).toEqual(['e/root.d/10-h0']);
    expect(await hookHostTools(p)).toEqual([{ command: 'sudo', pkg: 'sudo' }]);
  });

  it('ignores sudo in a chroot hook, in a comment, and inside a word', async () => {
    const p = plan([
      { phase: 'install.d', inChroot: true, text: '#!/bin/bash\nsudo true\n' },
      { phase: 'root.d', inChroot: false, text: '#!/bin/bash\n# we used to call sudo here\necho pseudo sudoers\n' },
    ]);
    expect(await hooksCallingSudo(p)).toEqual([]);
    expect(await hookHostTools(p)).toEqual([]);
  });
});
