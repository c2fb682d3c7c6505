// The smallest guest qemu can boot: a 1 MiB raw disk whose MBR boot code (real mode, under
// SeaBIOS) writes a line to the first serial port and then halts, or resets the machine (a triple
// fault: `lidt` with a zero limit, then `int 3`). It reaches its console line in about a second
// with software emulation, so `tsdib boot` can be tested without an operating system.
import { writeFileSync } from 'node:fs';

export const TINY_GUEST_LINE = 'tsdib tiny guest says hello';

export function writeTinyGuest(path: string, after: 'halt' | 'reset'): void {
  const mbr = Buffer.alloc(512);
  // xor ax,ax; mov ds,ax; mov si,0x7c20; mov dx,0x3f8; next: lodsb; test al,al; jz done; out dx,al; jmp next
  const print = [0x31, 0xc0, 0x8e, 0xd8, 0xbe, 0x20, 0x7c, 0xba, 0xf8, 0x03, 0xac, 0x84, 0xc0, 0x74, 0x03, 0xee, 0xeb, 0xf8];
  // done: cli; hlt; jmp done   |   done: lidt [0x7c40]; int 3; (hlt; jmp $-1)
  const end = after === 'halt' ? [0xfa, 0xf4, 0xeb, 0xfc] : [0x0f, 0x01, 0x1e, 0x40, 0x7c, 0xcd, 0x03, 0xf4, 0xeb, 0xfd];
  Buffer.from([...print, ...end]).copy(mbr, 0);
  Buffer.from(`${TINY_GUEST_LINE}\r\n\0`, 'latin1').copy(mbr, 0x20);
  // 0x40: a zero IDT descriptor (limit 0, base 0): any interrupt then faults twice and resets
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  const disk = Buffer.alloc(1024 * 1024);
  mbr.copy(disk, 0);
  writeFileSync(path, disk);
}
