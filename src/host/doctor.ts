/**
 * Checks that host tools are present and installs the Debian packages that provide missing ones.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { hostToolsMissing } from '../errors.js';
import { log } from '../log.js';
import { run } from './exec.js';
import type { HostTool } from './host-tools.js';

/** The path of a command on PATH (or the system dirs), or of an absolute file that exists; undefined when absent. */
export async function findCommand(command: string): Promise<string | undefined> {
  if (command.startsWith('/')) return access(command).then(() => command, () => undefined);
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  for (const d of dirs) {
    if (!d) continue;
    try {
      await access(join(d, command), constants.X_OK);
      return join(d, command);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export async function commandExists(command: string): Promise<boolean> {
  return (await findCommand(command)) !== undefined;
}

export interface DoctorReport {
  present: HostTool[];
  missing: HostTool[];
  /** Packages to install, sorted, without duplicates. */
  packages: string[];
}

export async function checkTools(tools: readonly HostTool[]): Promise<DoctorReport> {
  const unique = new Map<string, HostTool>();
  for (const tool of tools) unique.set(tool.command, tool);
  const present: HostTool[] = [];
  const missing: HostTool[] = [];
  for (const tool of unique.values()) ((await commandExists(tool.command)) ? present : missing).push(tool);
  const packages = [...new Set(missing.map((m) => m.pkg))].sort();
  return { present, missing, packages };
}

/** Installs Debian packages non-interactively (apt-get update once, then install). */
export async function installPackages(packages: readonly string[]): Promise<void> {
  if (packages.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw hostToolsMissing(`installing packages needs root: ${packages.join(' ')}`, {
      hint: `run as root, or: sudo apt-get install ${packages.join(' ')}`,
    });
  }
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  log.info(`installing host packages: ${packages.join(' ')}`);
  await run('apt-get', ['update', '-q'], { env, step: 'apt-get update', timeoutMs: 15 * 60_000 });
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
    env,
    step: 'apt-get install',
    timeoutMs: 30 * 60_000,
  });
}

/** Fails with the exact package list when a tool is missing (the build's pre-flight check). */
export async function requireTools(tools: readonly HostTool[]): Promise<void> {
  const report = await checkTools(tools);
  if (report.missing.length === 0) return;
  throw hostToolsMissing(`missing host tools: ${report.missing.map((m) => m.command).join(', ')}`, {
    hint: `run "tsdib doctor --install" (apt-get install ${report.packages.join(' ')})`,
  });
}
