// A root tree with everything a filesystem copy can lose: owners, modes (setuid, sticky), xattrs
// (user.*, a file capability), POSIX ACLs (access and default), hard links (same and different
// directories), symlinks (absolute, relative, dangling), device nodes, a FIFO, a sparse file,
// names with spaces and a newline, fixed mtimes, and the /boot and /boot/efi contents a VM has.
// Made as root (chown, mknod).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, ftruncateSync, linkSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** mtime/atime given to every entry (seconds): offline ext4 keeps whole seconds only. */
export const RICH_TREE_TIME = 1_700_000_000;

export interface RichTreeOptions {
  /** Character and block device nodes (a btrfs made with --rootdir cannot hold them). Default true. */
  deviceNodes?: boolean;
}

export function makeRichTree(root: string, opts: RichTreeOptions = {}): void {
  const p = (rel: string) => join(root, rel);
  const dirs = ['etc', 'usr/bin', 'usr/share/doc/pkg', 'var/lib/app', 'var/tmp', 'dev', 'srv/data', 'boot/grub', 'boot/efi/EFI/BOOT', 'home/user', 'tmp'];
  for (const d of dirs) mkdirSync(p(d), { recursive: true, mode: 0o755 });
  chmodSync(p('tmp'), 0o1777);
  chmodSync(p('var/tmp'), 0o1777);
  writeFileSync(p('etc/hostname'), 'rich\n');
  writeFileSync(p('etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
  chownSync(p('etc/shadow'), 0, 42);
  writeFileSync(p('usr/bin/ping'), randomBytes(20_000), { mode: 0o755 });
  execFileSync('setfattr', ['-n', 'security.capability', '-v', '0x0100000200200000000000000000000000000000', p('usr/bin/ping')]);
  writeFileSync(p('usr/bin/su'), randomBytes(5000), { mode: 0o755 });
  chmodSync(p('usr/bin/su'), 0o4755);
  writeFileSync(p('usr/share/doc/pkg/copyright'), 'text\n'.repeat(100));
  linkSync(p('usr/share/doc/pkg/copyright'), p('usr/share/doc/pkg/copyright.hard'));
  linkSync(p('usr/share/doc/pkg/copyright'), p('srv/data/copyright.other-dir'));
  writeFileSync(p('srv/data/xattr'), 'x\n');
  execFileSync('setfattr', ['-n', 'user.tsdib', '-v', 'hello', p('srv/data/xattr')]);
  writeFileSync(p('srv/data/acl'), 'acl\n');
  execFileSync('setfacl', ['-m', 'u:1234:rw,g:99:r', p('srv/data/acl')]);
  execFileSync('setfacl', ['-d', '-m', 'g:99:rx', p('var/lib/app')]);
  chownSync(p('var/lib/app'), 42, 43);
  chmodSync(p('var/lib/app'), 0o750);
  writeFileSync(p('home/user/.profile'), 'export X=1\n', { mode: 0o600 });
  chownSync(p('home/user/.profile'), 1000, 1000);
  chownSync(p('home/user'), 1000, 1000);
  writeFileSync(p('srv/data/name with spaces\nand a newline'), 'odd\n');
  writeFileSync(p('srv/data/empty'), '');
  symlinkSync('/usr/bin/ping', p('srv/data/abs-link'));
  symlinkSync('../../usr/bin/su', p('srv/data/rel-link'));
  symlinkSync('/nowhere/at/all', p('srv/data/dangling'));
  execFileSync('mkfifo', ['-m', '0620', p('srv/data/fifo')]);
  if (opts.deviceNodes ?? true) {
    execFileSync('mknod', ['-m', '0666', p('dev/null'), 'c', '1', '3']);
    execFileSync('mknod', ['-m', '0660', p('dev/loop9'), 'b', '7', '9']);
  }
  // 10 MiB with 8 KiB of data at 5 MiB
  const fd = openSync(p('srv/data/sparse'), 'w');
  ftruncateSync(fd, 10 * 1024 * 1024);
  writeSync(fd, randomBytes(8192), 0, 8192, 5 * 1024 * 1024);
  closeSync(fd);
  writeFileSync(p('boot/vmlinuz-6.1.0-test'), randomBytes(300_000));
  writeFileSync(p('boot/grub/grub.cfg'), 'set timeout=1\n');
  writeFileSync(p('boot/efi/EFI/BOOT/BOOTX64.EFI'), randomBytes(100_000));
  writeFileSync(p('boot/efi/EFI/BOOT/grub.cfg'), 'configfile /boot/grub/grub.cfg\n');
  setTimes(root);
}

/** Every entry's atime and mtime (symlinks too) to RICH_TREE_TIME; touching leaves parents' mtimes alone. */
function setTimes(root: string): void {
  execFileSync('find', [root, '-exec', 'touch', '-h', '-d', `@${RICH_TREE_TIME}`, '{}', '+']);
}
