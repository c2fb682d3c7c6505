/**
 * Counts what apt and dpkg report while a hook installs packages — packages fetched, unpacked and
 * set up, out of the total apt announced — and the long silent step running now (update-initramfs,
 * triggers), for the progress line of a long step. Fed one output line at a time.
 */

const ANNOUNCED = /^(\d+) upgraded, (\d+) newly installed/;
const FETCHED = /^Get:\d+ /;
const UNPACKING = /^Unpacking \S+/;
const SETTING_UP = /^Setting up \S+/;
const TRIGGERS = /^Processing triggers for (\S+)/;
const INITRAMFS = /^update-initramfs: Generating (\S+)/;

export class AptProgress {
  private total = 0;
  private fetched = 0;
  private unpacked = 0;
  private setUp = 0;
  private now: string | undefined;

  feed(line: string): void {
    const text = line.trim();
    const announced = ANNOUNCED.exec(text);
    if (announced) {
      // several apt runs in one hook: the totals add up
      this.total += Number(announced[1]) + Number(announced[2]);
      return;
    }
    if (FETCHED.test(text)) this.fetched++;
    else if (UNPACKING.test(text)) {
      this.unpacked++;
      this.now = undefined;
    } else if (SETTING_UP.test(text)) {
      this.setUp++;
      this.now = undefined;
    } else if (INITRAMFS.test(text)) this.now = 'update-initramfs';
    else {
      const triggers = TRIGGERS.exec(text);
      if (triggers) this.now = `triggers of ${triggers[1]}`;
    }
  }

  /** E.g. "packages: 80 fetched, 45/80 unpacked, 12/80 set up · update-initramfs"; undefined before apt said anything. */
  describe(): string | undefined {
    if (this.total === 0 && this.fetched === 0 && this.unpacked === 0 && this.setUp === 0) return this.now;
    const of = this.total > 0 ? `/${this.total}` : '';
    const parts = [`${this.fetched} fetched`, `${this.unpacked}${of} unpacked`, `${this.setUp}${of} set up`];
    return `packages: ${parts.join(', ')}${this.now ? ` · ${this.now}` : ''}`;
  }
}
