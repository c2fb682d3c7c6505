// Cloud images in the e2e suite: the NoCloud seed their boots are given and the checks run in the
// guest (tsdib test) that say the image works as a cloud image, and what the image itself holds.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listRootFilesystem, qcow2ToRaw } from './image-tree.js';
import { CHECKS_DIR } from './tsdib-boot.js';

/** Every check a cloud image must pass, in order: a login on ttyS0, cloud-init done from the seed, sshd with fresh keys. */
export const CLOUD_CHECKS = ['serial-login.sh', 'cloud-init-nocloud.sh', 'sshd-fresh-keys.sh'].map((c) => join(CHECKS_DIR, c));

// runcmd runs in cloud-final: what cloud-init-nocloud.sh looks for, and a line on the console
const USER_DATA = `#cloud-config
runcmd:
  - [sh, -c, 'mkdir -p /var/lib/tsdib-e2e && cp /var/lib/cloud/data/instance-id /var/lib/tsdib-e2e/user-data-ran && echo "TSDIB-E2E user-data ran" > /dev/ttyS0']
`;

/** A NoCloud seed directory (user-data, meta-data) for `tsdib test --seed DIR`. */
export function writeNoCloudSeed(dir: string, instanceId: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'user-data'), USER_DATA);
  writeFileSync(join(dir, 'meta-data'), `instance-id: ${instanceId}\nlocal-hostname: ${instanceId}\n`);
  return dir;
}

/** The ed25519 host key fingerprint sshd-fresh-keys.sh printed (in the JUnit report's output). */
export function hostKeyFingerprint(junit: string): string | undefined {
  return /\bSHA256:[A-Za-z0-9+/]+/.exec(readFileSync(junit, 'utf8'))?.[0];
}

/** The SSH host keys (/etc/ssh/ssh_host_*) in the image's root filesystem, read from a raw copy. */
export function sshHostKeysInImage(qcow2: string, dir: string): { sshDir: boolean; hostKeys: string[] } {
  const raw = qcow2ToRaw(qcow2, dir);
  try {
    const onPath = (p: string) => p === '/' || p === '/etc' || p === '/etc/ssh' || p.startsWith('/etc/ssh/');
    const listing = listRootFilesystem(raw, (p) => !onPath(p));
    const paths = [...listing.entries.keys()];
    return { sshDir: listing.entries.has('/etc/ssh'), hostKeys: paths.filter((p) => p.startsWith('/etc/ssh/ssh_host_')) };
  } finally {
    rmSync(raw, { force: true });
  }
}
