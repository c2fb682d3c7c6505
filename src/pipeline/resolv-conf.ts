/**
 * /etc/resolv.conf while the image is built, as DIB does it: the image's own file (or symlink) is
 * moved to /etc/resolv.conf.ORIG and the host's resolver configuration is copied in so hooks can
 * reach the network; the end-of-build tidy puts the original back. A hook that replaced the file
 * with a symlink or made it immutable keeps its version (DIB's rule); /etc/resolv.conf.ORIG is a
 * public interface hooks may edit.
 */
import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runResult } from '../host/exec.js';
import { log } from '../log.js';

const exists = (p: string) => lstat(p).then((s) => s, () => undefined);

/** Moves the image's resolv.conf aside and writes the host's. */
export async function useHostResolvConf(root: string): Promise<void> {
  const file = join(root, 'etc/resolv.conf');
  if (!(await exists(join(root, 'etc')))) return;
  if (await exists(file)) await rename(file, `${file}.ORIG`);
  const host = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await writeFile(file, host.trim() ? host : 'nameserver 8.8.8.8\n', { mode: 0o644 });
}

async function isImmutable(file: string): Promise<boolean> {
  const r = await runResult('lsattr', ['-d', file], { okExitCodes: [0, 1], step: 'lsattr' }).catch(() => undefined);
  return Boolean(r && r.exitCode === 0 && /^\S*i/.test(r.stdout));
}

/** Puts the image's resolv.conf back (see the rules above). */
export async function restoreResolvConf(root: string): Promise<void> {
  const file = join(root, 'etc/resolv.conf');
  const orig = `${file}.ORIG`;
  const current = await exists(file);
  if (current?.isSymbolicLink() || (current && (await isImmutable(file)))) {
    log.info('resolv.conf was replaced by a hook (symlink or immutable): kept');
    await rm(orig, { force: true });
    return;
  }
  if (await exists(orig)) {
    await rename(orig, file);
  } else {
    await rm(file, { force: true });
  }
}
