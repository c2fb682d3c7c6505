#!/usr/bin/env node
// Builds dist/: the TypeScript compile, then dist/vendor/execa.js as one bundled file (see
// src/vendor/execa.js for why). tsc still emits when it finds type errors; the bundle is made either
// way and the exit code is tsc's. Without esbuild the re-export is copied as is (slower start-up).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const entry = join(root, 'src', 'vendor', 'execa.js');
const outfile = join(root, 'dist', 'vendor', 'execa.js');

let status = 0;
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
} catch (e) {
  status = e.status ?? 1;
}

mkdirSync(dirname(outfile), { recursive: true });
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('build: esbuild is not installed; dist/vendor/execa.js re-exports execa unbundled');
  copyFileSync(entry, outfile);
}
if (esbuild) {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'inline',
    // execa's CommonJS dependencies (cross-spawn) call require(); an ES module has none of its own
    banner: { js: "import { createRequire as __tsdibCreateRequire } from 'node:module';\nconst require = __tsdibCreateRequire(import.meta.url);" },
  });
}
process.exit(status);
