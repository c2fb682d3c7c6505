/**
 * `tsdib doctor --setup-rootless USER` (as root): gives an existing user what a rootless build needs
 * and root can give — the uidmap package (newuidmap/newgidmap) and subordinate uid and gid ranges of
 * 65536 ids (usermod --add-subuids/--add-subgids, a free range above all others) — and says what is
 * left for the administrator (kernel settings that forbid unprivileged user namespaces are reported,
 * not changed).
 */
import { readFile } from 'node:fs/promises';
import { flagInvalid, hostToolsMissing } from '../../errors.js';
import { checkTools, installPackages } from '../doctor.js';
import { run } from '../exec.js';
import { ROOTLESS_TOOLS } from '../host-tools.js';
import { kernelProblems } from './rootless-readiness.js';
import { freeRangeStart, MIN_SUBORDINATE_IDS, SUBGID_FILE, SUBUID_FILE, usableRange } from './subordinate-ids.js';

async function lookUpUser(name: string): Promise<{ name: string; id: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.split(':')[0] === name);
  if (!line) throw flagInvalid({ flag: '--setup-rootless', value: name, problem: 'no such user in /etc/passwd', hint: 'create the user first (useradd), then run this again' });
  return { name, id: Number(line.split(':')[2]) };
}

/** Sets `name` up for rootless builds; resolves with one line per thing done or left to do. */
export async function setupRootless(name: string): Promise<string[]> {
  if (process.getuid?.() !== 0) throw hostToolsMissing('--setup-rootless changes /etc/subuid and /etc/subgid and installs packages: it needs root', { hint: `sudo tsdib doctor --setup-rootless ${name}` });
  const user = await lookUpUser(name);
  const done: string[] = [];
  const tools = await checkTools(ROOTLESS_TOOLS);
  if (tools.packages.length > 0) {
    await installPackages(tools.packages);
    done.push(`installed ${tools.packages.join(' ')}`);
  }
  const missing = [
    { file: SUBUID_FILE, flag: '--add-subuids' },
    { file: SUBGID_FILE, flag: '--add-subgids' },
  ];
  const args: string[] = [];
  for (const m of missing) {
    if (await usableRange(m.file, user)) {
      done.push(`${name} already has a subordinate range of ${MIN_SUBORDINATE_IDS} ids in ${m.file}`);
      continue;
    }
    const texts = await Promise.all([SUBUID_FILE, SUBGID_FILE].map((f) => readFile(f, 'utf8').catch(() => '')));
    const start = freeRangeStart(texts);
    args.push(m.flag, `${start}-${start + MIN_SUBORDINATE_IDS - 1}`);
    done.push(`gave ${name} the ids ${start}–${start + MIN_SUBORDINATE_IDS - 1} in ${m.file}`);
  }
  if (args.length > 0) await run('usermod', [...args, name], { step: 'usermod' });
  for (const p of await kernelProblems()) done.push(`left to do: ${p.what}; ${p.fix}`);
  done.push(`${name} can check with: tsdib doctor`);
  return done;
}
