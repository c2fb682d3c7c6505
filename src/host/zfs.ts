/**
 * ZFS on the build host: is a ZFS service there (a kernel module, or a running zfs-fuse daemon),
 * starting zfs-fuse when it is not, and stopping the daemon we started. Only the `zpool`/`zfs`
 * commands are used, so OpenZFS hosts and zfs-fuse hosts take the same path.
 *
 * zfs-fuse is started as `zfs-fuse --no-kstat-mount --pidfile FILE`: it daemonises itself (its own
 * session, so a Ctrl-C of the build does not reach it before the pools are exported), and without
 * --no-kstat-mount it would mount a kstat filesystem at /zfs-kstat on the host's root.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockDeviceFailed } from '../errors.js';
import { log } from '../log.js';
import { run, succeeds } from './exec.js';
import { processAlive } from './processes.js';

/** How the host provides ZFS for this build. */
export interface ZfsService {
  /** `running`: ZFS answered before we did anything (kernel module or someone's daemon). */
  kind: 'running' | 'started-zfs-fuse';
  /** PID of the zfs-fuse daemon we started. */
  pid?: number;
}

/** Whether `zpool` answers (a kernel module, or a zfs-fuse daemon listening on its socket). */
export function zfsAnswers(): Promise<boolean> {
  return succeeds('zpool', ['list', '-H', '-o', 'name'], { step: 'zpool list' });
}

/** Names of the pools imported on the host now (empty when ZFS does not answer). */
export async function importedPools(): Promise<string[]> {
  try {
    const out = await run('zpool', ['list', '-H', '-o', 'name'], { step: 'zpool list' });
    return out.split('\n').map((l) => l.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes sure ZFS answers: uses what is there, else starts zfs-fuse. The caller registers
 * `stopZfsService(service)` for release right after this returns.
 */
export async function ensureZfsService(opts: { timeoutMs?: number } = {}): Promise<ZfsService> {
  if (await zfsAnswers()) return { kind: 'running' };
  const hint = 'install OpenZFS or zfs-fuse: run "tsdib doctor --install" (installs zfs-fuse)';
  if (!(await succeeds('sh', ['-c', 'command -v zfs-fuse'], { step: 'which zfs-fuse' }))) {
    throw blockDeviceFailed('ZFS is not available on this host: `zpool list` fails and zfs-fuse is not installed', { hint });
  }
  const dir = await mkdtemp(join(tmpdir(), 'tsdib-zfs-fuse-'));
  const pidFile = join(dir, 'zfs-fuse.pid');
  try {
    await run('zfs-fuse', ['--no-kstat-mount', '--pidfile', pidFile], { step: 'zfs-fuse', hint });
    let pid: number | undefined;
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      pid ??= Number((await readFile(pidFile, 'utf8').catch(() => '')).trim()) || undefined;
      if (pid !== undefined && !processAlive(pid)) throw blockDeviceFailed(`zfs-fuse (pid ${pid}) exited right after it started`, { hint: 'see the system log (journalctl -t zfs-fuse)' });
      if (await zfsAnswers()) {
        log.info(`zfs: started zfs-fuse${pid !== undefined ? ` (pid ${pid})` : ''}; it is stopped when the build releases its pools`);
        return pid !== undefined ? { kind: 'started-zfs-fuse', pid } : { kind: 'started-zfs-fuse' };
      }
      await sleep(200);
    }
    if (pid !== undefined) await stopZfsService({ kind: 'started-zfs-fuse', pid });
    throw blockDeviceFailed(`zfs-fuse started but \`zpool list\` did not answer within ${Math.round((opts.timeoutMs ?? 30_000) / 1000)} s`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Stops the zfs-fuse daemon we started (nothing for a service that was already running). Leaves it
 * running, with a warning, while other pools are imported (another build may be using it).
 * SIGTERM, then SIGKILL after `graceMs`.
 */
export async function stopZfsService(service: ZfsService, graceMs = 20_000): Promise<void> {
  const pid = service.pid;
  if (service.kind !== 'started-zfs-fuse' || pid === undefined || !processAlive(pid)) return;
  const pools = await importedPools();
  if (pools.length > 0) {
    log.warn(`zfs: leaving zfs-fuse (pid ${pid}) running: pools still imported: ${pools.join(', ')}`);
    return;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await sleep(100);
  if (processAlive(pid)) {
    log.warn(`zfs: zfs-fuse (pid ${pid}) ignored SIGTERM for ${graceMs / 1000} s; killing it`);
    process.kill(pid, 'SIGKILL');
  }
  if (await exists('/zfs-kstat')) log.warn('zfs: /zfs-kstat is still there after zfs-fuse stopped');
  log.debug(`zfs: stopped zfs-fuse (pid ${pid})`);
}
