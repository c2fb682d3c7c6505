// What the e2e tests need from the host; each test file skips with a printed reason when it is missing.
import { existsSync } from 'node:fs';
import { hasCommand, hasLoop, isRoot } from '../../helpers/resources.js';

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export function e2eMissing(): string | undefined {
  if (!isRoot) return 'needs root';
  if (!hasLoop) return 'needs loop devices';
  for (const c of ['qemu-system-x86_64', 'qemu-img', 'qemu-storage-daemon', 'debugfs', 'mmdebstrap', 'sfdisk']) if (!hasCommand(c)) return `needs ${c}`;
  if (!existsSync(OVMF_CODE) || !existsSync(OVMF_VARS)) return `needs OVMF (${OVMF_CODE})`;
  return undefined;
}

/** Whether an archive answers (its Release file), with the reason when it does not. */
export async function archiveAnswers(url: string): Promise<{ ok: boolean; why: string }> {
  try {
    const r = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(15_000) });
    return r.ok ? { ok: true, why: `${url} answered ${r.status}` } : { ok: false, why: `${url} answered ${r.status}` };
  } catch (e) {
    return { ok: false, why: `${url}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
