/**
 * What `tsdib test` puts into the overlay's root filesystem: the checks, a runner script and a
 * systemd unit that starts it once the system is up. The runner runs each check as root, in
 * order, and reports on the second serial port (ttyS1) in lines the host parses (check-report.ts);
 * then it powers the guest off, which ends qemu.
 */
import type { GuestEntry } from './debugfs-write.js';

export const GUEST_DIR = '/etc/tsdib-test';
export const UNIT_NAME = 'tsdib-test.service';
/** Every report line starts with this; the rest of ttyS1 (nothing, normally) is ignored. */
export const REPORT_TAG = 'TSDIB-TEST';
/** Output kept per check (the end of it). */
export const OUTPUT_LIMIT_BYTES = 64 * 1024;

/** Name of a check inside the guest: its position keeps the order and tells same-named files apart. */
export function guestCheckName(index: number, hostPath: string): string {
  const base = hostPath.split('/').pop() ?? 'check';
  return `${String(index + 1).padStart(3, '0')}-${base.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

// /etc is always on the root filesystem (a separate /var or /usr would hide what we write there)
export function runnerScript(checkTimeoutS: number): string {
  return `#!/bin/sh
# Written into a throwaway overlay by tsdib test: runs each check as root, reports on ttyS1.
report=/dev/ttyS1
stty -F "$report" raw -echo 2>/dev/null || true
exec 3>"$report"
say() { printf '${REPORT_TAG} %s\\n' "$*" >&3; }
# wait until boot has finished (running or degraded), so checks see the system a user would
systemctl is-system-running --wait >/dev/null 2>&1 || true
say "BEGIN $(systemctl is-system-running 2>/dev/null)"
out=$(mktemp)
for check in ${GUEST_DIR}/checks/*; do
  name=\${check##*/}
  say "START $name"
  start=$(date +%s%N)
  timeout -k 10 ${checkTimeoutS} "$check" >"$out" 2>&1 </dev/null
  rc=$?
  end=$(date +%s%N)
  say "OUTPUT $name $(tail -c ${OUTPUT_LIMIT_BYTES} "$out" | base64 -w0)"
  say "END $name $rc $(( (end - start) / 1000000 ))"
done
say "DONE"
systemctl poweroff --no-block
`;
}

// DefaultDependencies=no: otherwise multi-user.target would be ordered after this unit and the
// After= below would be a cycle
export function runnerUnit(): string {
  return `[Unit]
Description=tsdib test: run the checks, then power off
DefaultDependencies=no
After=multi-user.target

[Service]
Type=simple
ExecStart=${GUEST_DIR}/run
Environment=HOME=/root
`;
}

export interface HostCheck {
  /** As given on the command line (the name in reports). */
  hostPath: string;
  content: Buffer;
}

/** The entries to write, in the order debugfs must create them. */
export function runnerEntries(checks: readonly HostCheck[], checkTimeoutS: number, staged: (name: string, content: Buffer) => string): GuestEntry[] {
  const file = (path: string, content: Buffer, mode: number): GuestEntry => ({ kind: 'file', path, content, mode, hostFile: staged(path.replace(/\//g, '_'), content) });
  return [
    { kind: 'dir', path: GUEST_DIR },
    { kind: 'dir', path: `${GUEST_DIR}/checks` },
    file(`${GUEST_DIR}/run`, Buffer.from(runnerScript(checkTimeoutS)), 0o755),
    ...checks.map((c, i) => file(`${GUEST_DIR}/checks/${guestCheckName(i, c.hostPath)}`, c.content, 0o755)),
    file(`/etc/systemd/system/${UNIT_NAME}`, Buffer.from(runnerUnit()), 0o644),
    // debugfs mkdir fails harmlessly when the directory exists (Debian ships it)
    { kind: 'dir', path: '/etc/systemd/system/multi-user.target.wants' },
    { kind: 'symlink', path: `/etc/systemd/system/multi-user.target.wants/${UNIT_NAME}`, target: `/etc/systemd/system/${UNIT_NAME}` },
  ];
}
