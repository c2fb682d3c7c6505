// An element that holds only a package-installs file, for the package-installs unit tests. Each
// lives in its own temp dir; removeTestElements() (in the test file's afterAll) deletes them all.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Element } from '../../src/elements/element.js';

const made: string[] = [];

/** `content`: the file's text, or data written as JSON. */
export function packageInstallsElement(name: string, content: unknown, ext: 'yaml' | 'json' = 'yaml'): Element {
  const dir = mkdtempSync(join(tmpdir(), `tsdib-pi-${name}-`));
  made.push(dir);
  const file = join(dir, `package-installs.${ext}`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return { name, path: dir, deps: [], provides: [], phases: [], environmentDir: undefined, packageInstalls: [file], pkgMap: undefined, readme: undefined, blockDeviceDefault: undefined, blockDeviceByArch: {} };
}

export function removeTestElements(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
