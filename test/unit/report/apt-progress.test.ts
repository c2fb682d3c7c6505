import { describe, expect, it } from 'vitest';
import { AptProgress } from '../../../src/report/apt-progress.js';

const feed = (lines: string[]) => {
  const p = new AptProgress();
  for (const l of lines) p.feed(l);
  return p.describe();
};

describe('AptProgress', () => {
  it('says nothing before apt does', () => {
    expect(feed(['+ echo hello', 'hello'])).toBeUndefined();
  });

  it('counts fetched, unpacked and set-up packages against the total apt announced', () => {
    expect(
      feed([
        '0 upgraded, 3 newly installed, 0 to remove and 0 not upgraded.',
        'Get:1 http://deb.debian.org/debian bookworm/main amd64 less amd64 590-2 [132 kB]',
        'Get:2 http://deb.debian.org/debian bookworm/main amd64 netbase all 6.4 [12.8 kB]',
        'Unpacking less (590-2) ...',
        'Unpacking netbase (6.4) ...',
        'Setting up less (590-2) ...',
      ]),
    ).toBe('packages: 2 fetched, 2/3 unpacked, 1/3 set up');
  });

  it('names the silent work running after the last package: update-initramfs, triggers', () => {
    const lines = ['1 upgraded, 1 newly installed, 0 to remove', 'Unpacking linux-image-6.1.0-57-amd64 (6.1.158-1) ...', 'update-initramfs: Generating /boot/initrd.img-6.1.0-57-amd64'];
    expect(feed(lines)).toBe('packages: 0 fetched, 1/2 unpacked, 0/2 set up · update-initramfs');
    expect(feed([...lines, 'Processing triggers for man-db (2.11.2-2) ...'])).toMatch(/· triggers of man-db$/);
  });
});
