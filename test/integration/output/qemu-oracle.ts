// qemu-img as the oracle for our disk writers: check, compare, info.
import { spawnSync } from 'node:child_process';

export interface Oracle {
  status: number;
  out: string;
}

export function qemuImg(args: string[]): Oracle {
  const r = spawnSync('qemu-img', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export function check(file: string): Oracle {
  return qemuImg(['check', '-f', 'qcow2', file]);
}

export function compare(raw: string, file: string, format: string): Oracle {
  return qemuImg(['compare', '-f', 'raw', '-F', format, raw, file]);
}

export function info(file: string, format: string): Record<string, unknown> {
  const r = qemuImg(['info', '-f', format, '--output', 'json', file]);
  if (r.status !== 0) throw new Error(`qemu-img info ${file}: ${r.out}`);
  return JSON.parse(r.out) as Record<string, unknown>;
}
