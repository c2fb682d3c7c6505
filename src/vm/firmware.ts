/**
 * The firmware a VM starts with: SeaBIOS (qemu's default) or OVMF (UEFI). OVMF comes as a code
 * image, read-only and shared, and a variables template that each VM gets its own copy of (the
 * firmware writes boot entries into it).
 */
import { existsSync } from 'node:fs';
import { envInvalid, flagInvalid } from '../errors.js';

export const FIRMWARES = ['bios', 'uefi'] as const;
export type Firmware = (typeof FIRMWARES)[number];

export const FIRMWARE_NAMES: Record<Firmware, string> = { bios: 'SeaBIOS', uefi: 'OVMF (UEFI)' };

export interface OvmfFiles {
  code: string;
  varsTemplate: string;
}

/** Where distributions put OVMF, first match wins (Debian/Ubuntu 4M build first: what qemu 7+ pairs with q35 and pc alike). */
export const OVMF_CANDIDATES: readonly OvmfFiles[] = [
  { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', varsTemplate: '/usr/share/OVMF/OVMF_VARS_4M.fd' },
  { code: '/usr/share/OVMF/OVMF_CODE.fd', varsTemplate: '/usr/share/OVMF/OVMF_VARS.fd' },
  { code: '/usr/share/edk2/ovmf/OVMF_CODE.fd', varsTemplate: '/usr/share/edk2/ovmf/OVMF_VARS.fd' },
  { code: '/usr/share/edk2/x64/OVMF_CODE.4m.fd', varsTemplate: '/usr/share/edk2/x64/OVMF_VARS.4m.fd' },
];

/**
 * The OVMF files to use: TSDIB_OVMF_CODE and TSDIB_OVMF_VARS when set (both), else the first
 * installed candidate. Missing OVMF is bad input (exit 2): the user asked for --firmware uefi.
 */
export function findOvmf(env: NodeJS.ProcessEnv = process.env): OvmfFiles {
  const code = env['TSDIB_OVMF_CODE'];
  const vars = env['TSDIB_OVMF_VARS'];
  if (code !== undefined || vars !== undefined) {
    if (!code || !vars) throw envInvalid({ variable: code ? 'TSDIB_OVMF_CODE' : 'TSDIB_OVMF_VARS', problem: `needs ${code ? 'TSDIB_OVMF_VARS' : 'TSDIB_OVMF_CODE'} too: set both or neither`, hint: 'e.g. TSDIB_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd TSDIB_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd' });
    for (const [name, path] of [['TSDIB_OVMF_CODE', code], ['TSDIB_OVMF_VARS', vars]] as const) {
      if (!existsSync(path)) throw envInvalid({ variable: name, value: path, problem: 'no such file (the OVMF firmware for --firmware uefi)', hint: 'install OVMF with `tsdib doctor --install --boot`, or unset the variable' });
    }
    return { code, varsTemplate: vars };
  }
  const found = OVMF_CANDIDATES.find((c) => existsSync(c.code) && existsSync(c.varsTemplate));
  if (!found) {
    throw flagInvalid({
      flag: '--firmware',
      value: 'uefi',
      problem: `needs OVMF, and none is installed (looked for ${OVMF_CANDIDATES.map((c) => c.code).join(', ')})`,
      hint: 'install it with `tsdib doctor --install --boot` (Debian/Ubuntu package ovmf), or set TSDIB_OVMF_CODE and TSDIB_OVMF_VARS',
    });
  }
  return found;
}
