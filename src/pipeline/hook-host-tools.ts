/**
 * Host tools that the planned hooks themselves call outside the chroot, found in their text.
 * DIB's own elements run their host-side steps through `sudo` (even when the build runs as root,
 * as on DIB's CI hosts), so a build with them needs the host's sudo package.
 */
import { readFile } from 'node:fs/promises';
import { PHASES } from '../elements/phases.js';
import type { HookPlan } from '../elements/hooks.js';
import type { HostTool } from '../host/host-tools.js';

/** `sudo` as a command word: at a line start or after a shell separator, followed by a space. */
const SUDO_CALL = /(^|[\s;&|(`])sudo\s/m;

export const SUDO_TOOL: HostTool = { command: 'sudo', pkg: 'sudo' };

/** The hooks outside the chroot whose text calls sudo, as `element/phase/script`. */
export async function hooksCallingSudo(hooks: HookPlan): Promise<string[]> {
  const found: string[] = [];
  for (const phase of PHASES) {
    for (const hook of hooks.phases[phase]) {
      if (hook.inChroot) continue;
      const text = await readFile(hook.path, 'utf8').catch(() => '');
      if (SUDO_CALL.test(text.replace(/^\s*#.*$/gm, ''))) found.push(`${hook.element}/${phase}/${hook.script}`);
    }
  }
  return found;
}

/** The host tools the hooks' own text asks for. */
export async function hookHostTools(hooks: HookPlan): Promise<HostTool[]> {
  return (await hooksCallingSudo(hooks)).length > 0 ? [SUDO_TOOL] : [];
}
