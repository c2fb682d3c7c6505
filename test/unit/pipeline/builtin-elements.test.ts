// Lints the built-in elements: a README stating purpose, variables read and phases; hooks that are
// executable bash with DIB's shell options and tracing switch; environment.d files not executable;
// every script passes `bash -n`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHASES } from '../../../src/elements/phases.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const ROOT = join(REPO_ROOT, 'elements');
const elements = readdirSync(ROOT).filter((n) => statSync(join(ROOT, n)).isDirectory()).sort();

function hooksOf(element: string): string[] {
  const out: string[] = [];
  for (const phase of PHASES) {
    const dir = join(ROOT, element, phase);
    try {
      for (const f of readdirSync(dir)) out.push(join(dir, f));
    } catch {
      // no such phase
    }
  }
  return out;
}

describe('built-in elements', () => {
  it('include the elements a VM build needs', () => {
    for (const e of ['base', 'debian', 'debian-minimal', 'ubuntu', 'vm', 'bootloader', 'grub', 'uefi', 'block-device-mbr', 'block-device-gpt', 'block-device-efi', 'package-installs', 'devuser', 'growroot']) {
      expect(elements).toContain(e);
    }
  });

  it.each(elements)('%s has a README stating what it reads and its phases', (e) => {
    const text = readFileSync(join(ROOT, e, 'README.md'), 'utf8');
    expect(text).toMatch(new RegExp(`^# ${e}\\n\\n\\S`));
    expect(text).toMatch(/^- Reads: /m);
    expect(text).toMatch(/^- Phases: /m);
  });

  it.each(elements)('%s hooks are executable bash with set -eu -o pipefail and DIB_DEBUG_TRACE', (e) => {
    for (const hook of hooksOf(e)) {
      const text = readFileSync(hook, 'utf8');
      expect(text.startsWith('#!/bin/bash\n'), hook).toBe(true);
      expect(text, hook).toMatch(/^set -eu -o pipefail$/m);
      expect(text, hook).toMatch(/DIB_DEBUG_TRACE/);
      expect(statSync(hook).mode & 0o111, hook).not.toBe(0);
      execFileSync('bash', ['-n', hook]);
    }
  });

  it.each(elements)('%s environment.d files are sourced, not run: not executable, valid bash', (e) => {
    let files: string[] = [];
    try {
      files = readdirSync(join(ROOT, e, 'environment.d')).map((f) => join(ROOT, e, 'environment.d', f));
    } catch {
      return;
    }
    for (const f of files) {
      expect(statSync(f).mode & 0o111, f).toBe(0);
      execFileSync('bash', ['-n', f]);
    }
  });

  it('pins the Ubuntu archive key by fingerprint', () => {
    const env = readFileSync(join(ROOT, 'ubuntu-minimal', 'environment.d', '10-ubuntu-minimal.bash'), 'utf8');
    expect(env).toContain('F6ECB3762474EDA9D21B7022871920D1991BC93C');
    expect(statSync(join(ROOT, 'ubuntu-minimal', 'keys', 'ubuntu-archive-2018.gpg')).size).toBeGreaterThan(1000);
  });
});
