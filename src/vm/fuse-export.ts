/**
 * A qcow2 overlay seen as a raw file, writable, without nbd or device-mapper: qemu-storage-daemon
 * exports it over FUSE onto a plain file, and tools that take a file and a byte offset (sfdisk,
 * blkid, debugfs) read and write the guest's partitions through it. The daemon is started with
 * --daemonize, so the export is ready when the command returns; its release stops the daemon (which
 * flushes the overlay) and unmounts the export, which the daemon leaves behind.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../host/exec.js';
import { isMounted } from '../host/mount.js';
import { processAlive } from '../host/processes.js';
import type { ReleaseHandle, ReleaseStack } from '../host/release-stack.js';

export interface RawExport {
  /** The file that reads and writes as the overlay's raw disk. */
  path: string;
  /** Stops the daemon and unmounts the export (also run by the release stack). */
  close(): Promise<void>;
}

export async function exportAsRawFile(overlay: string, workDir: string, release: ReleaseStack): Promise<RawExport> {
  const path = join(workDir, 'overlay.raw');
  const pidFile = join(workDir, 'storage-daemon.pid');
  await writeFile(path, '');
  // registered before the start: a daemon that started but was interrupted before we read its pid
  // still leaves its mount, and the pid file says whom to stop
  const handle: ReleaseHandle = release.push(`stop the FUSE export ${path}`, { kind: 'mount', path }, () => stopExport(path, pidFile));
  await run(
    'qemu-storage-daemon',
    [
      '--daemonize',
      '--pidfile', pidFile,
      '--blockdev', `driver=file,filename=${overlay},node-name=overlay-file`,
      '--blockdev', 'driver=qcow2,file=overlay-file,node-name=overlay',
      '--export', `type=fuse,id=raw,node-name=overlay,mountpoint=${path},writable=on`,
    ],
    { step: 'qemu-storage-daemon', hint: 'tsdib test needs FUSE (/dev/fuse) and qemu-storage-daemon (package qemu-system-common)' },
  );
  return { path, close: () => handle.release() };
}

async function stopExport(path: string, pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (await isMounted(path)) await run('umount', [path], { step: 'release umount fuse export', afterInterrupt: true });
}
