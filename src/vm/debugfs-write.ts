/**
 * Writes files into an ext4 filesystem inside a file, unmounted, with debugfs: directories,
 * regular files (mode, owner root) and symlinks. debugfs exits 0 even when a command failed, so
 * every file is dumped back afterwards and compared.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageInvalid } from '../errors.js';
import { run, runResult } from '../host/exec.js';
import { ext4At } from './guest-root.js';

export type GuestEntry =
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string; hostFile: string; content: Buffer; mode: number }
  | { kind: 'symlink'; path: string; target: string };

/** debugfs quotes arguments with double quotes; our paths never need more than that. */
function quoted(path: string): string {
  if (/["\n\\]/.test(path)) throw new Error(`debugfs cannot take the path ${JSON.stringify(path)}`);
  return `"${path}"`;
}

export async function writeIntoExt4(rawDisk: string, offset: number, entries: readonly GuestEntry[], scratchDir: string): Promise<void> {
  const commands: string[] = [];
  for (const e of entries) {
    if (e.kind === 'dir') commands.push(`mkdir ${quoted(e.path)}`);
    else if (e.kind === 'symlink') commands.push(`symlink ${quoted(e.path)} ${quoted(e.target)}`);
    else {
      commands.push(`write ${quoted(e.hostFile)} ${quoted(e.path)}`);
      commands.push(`sif ${quoted(e.path)} mode 0${(0o100000 | e.mode).toString(8)}`, `sif ${quoted(e.path)} uid 0`, `sif ${quoted(e.path)} gid 0`);
    }
  }
  const script = join(scratchDir, 'debugfs-commands');
  await writeFile(script, `${commands.join('\n')}\n`);
  await run('debugfs', ['-w', '-f', script, ext4At(rawDisk, offset)], { step: 'debugfs write' });
  const readBack = join(scratchDir, 'debugfs-read-back');
  for (const e of entries) {
    if (e.kind !== 'file') continue;
    await rm(readBack, { force: true });
    const back = await runResult('debugfs', ['-R', `dump ${quoted(e.path)} ${quoted(readBack)}`, ext4At(rawDisk, offset)], { step: 'debugfs dump' });
    const content = await readFile(readBack).catch(() => undefined);
    if (!content || content.compare(e.content) !== 0) {
      throw imageInvalid(`could not write ${e.path} into the guest's root filesystem (debugfs: ${back.stderr.trim().split('\n').pop() ?? ''})`, { hint: 'is the root filesystem full, or does the path exist as something else?' });
    }
  }
}
