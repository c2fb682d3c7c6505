// Cloud images in the e2e suite: the NoCloud seed their boots are given and the checks run in the
// guest (tsdib test) that say the image works as a cloud image, and what the image itself holds.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/cli.js';
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

/** The user tree of test/fixtures/dib-library-user (my-service leans on DIB's library elements). */
export const MY_SERVICE_TREE = join(REPO_ROOT, 'test', 'fixtures', 'dib-library-user');

/** The in-guest check that what my-service asks of install-static, pkg-map… happened. */
export const MY_SERVICE_CHECK = join(CHECKS_DIR, 'my-service.sh');

// my-service's source-repository file names MY_SERVICE_GIT and MY_SERVICE_FILE, so their values
// enter the phase-cache key: they live at one fixed path, made with fixed contents and dates (the
// same commit every time), so a run reuses the previous run's snapshot.
const MY_SERVICE_SOURCES = '/var/tmp/tsdib-e2e-my-service-sources';

/** A local git repository (branch main) and a file for my-service's source-repositories lines. */
export function myServiceSources(): { MY_SERVICE_GIT: string; MY_SERVICE_FILE: string } {
  const git = join(MY_SERVICE_SOURCES, 'my-src');
  const file = join(MY_SERVICE_SOURCES, 'seed.txt');
  if (!existsSync(join(git, '.git')) || !existsSync(file)) {
    mkdirSync(MY_SERVICE_SOURCES, { recursive: true });
    // made aside and renamed in, so a run at the same time never sees half a repository
    const tmp = mkdtempSync(join(MY_SERVICE_SOURCES, '.new-'));
    try {
      const when = '2026-01-01T00:00:00Z';
      const env = { ...process.env, GIT_AUTHOR_NAME: 'tsdib e2e', GIT_AUTHOR_EMAIL: 'e2e@tsdib', GIT_COMMITTER_NAME: 'tsdib e2e', GIT_COMMITTER_EMAIL: 'e2e@tsdib', GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when };
      const repo = join(tmp, 'my-src');
      mkdirSync(repo);
      writeFileSync(join(repo, 'VERSION'), 'my-src 1.0\n');
      for (const args of [['init', '-q', '-b', 'main'], ['add', 'VERSION'], ['commit', '-q', '-m', 'my-service source']]) execFileSync('git', args, { cwd: repo, env });
      writeFileSync(join(tmp, 'seed.txt'), 'seed for my-service\n');
      for (const name of ['my-src', 'seed.txt']) {
        try {
          renameSync(join(tmp, name), join(MY_SERVICE_SOURCES, name));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { MY_SERVICE_GIT: git, MY_SERVICE_FILE: file };
}
