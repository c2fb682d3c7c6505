/**
 * The `tsdib plan --json` example of docs/cli.md: the real output for `debian vm` with the built-in
 * elements, made by the same function as the command, with this checkout's paths shown as a global
 * install's and the cache and plan keys (which change with every element edit) elided.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toBuildOptions } from '../cli/build-options.js';
import { planJson } from '../cli/plan.js';
import { blockMarkers, fence, replaceBlock } from './markdown.js';

const MARKERS = blockMarkers('plan-json', '`tsdib plan debian vm --json`');
const INSTALLED = '/usr/lib/node_modules/tsdib/';
// a fixed environment: no ELEMENTS_PATH, an image cache that does not exist (nothing is created)
const ENV = { HOME: '/root', DIB_IMAGE_CACHE: '/root/.cache/tsdib-docs-example-absent' };

export async function planExample(repoRoot: string): Promise<string> {
  const opts = await toBuildOptions({ elements: ['debian', 'vm'], a: 'amd64' });
  const text = JSON.stringify(await planJson(opts, ENV), null, 2)
    .split(repoRoot.endsWith('/') ? repoRoot : `${repoRoot}/`)
    .join(INSTALLED)
    .split(ENV.DIB_IMAGE_CACHE)
    .join('/root/.cache/tsdib')
    .replace(/\b[0-9a-f]{64}\b|\b[0-9a-f]{32}\b/g, '…');
  return fence('json', text);
}

/** docs/cli.md with its generated example brought up to date (the rest is hand-written). */
export async function renderCliDoc(repoRoot: string): Promise<string> {
  return replaceBlock(await readFile(join(repoRoot, 'docs', 'cli.md'), 'utf8'), 'docs/cli.md', MARKERS, await planExample(repoRoot));
}
