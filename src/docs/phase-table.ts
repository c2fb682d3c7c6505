/**
 * The phase-contract table of docs/elements.md, from PHASE_CONTRACT and the variables the runner
 * gives every hook, so the documentation cannot drift from the code. `npm run docs` rewrites the
 * marked block; test/unit/docs/docs-fresh.test.ts fails when it is stale.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PHASE_CONTRACT, PHASES } from '../elements/phases.js';
import { blockMarkers, replaceBlock } from './markdown.js';

const MARKERS = blockMarkers('phase-table', 'PHASE_CONTRACT');

/** Variables every hook gets, in and outside the chroot (environment.ts). */
export const COMMON_VARIABLES: ReadonlyArray<[string, string]> = [
  ['ARCH', 'target architecture, Debian name (amd64, arm64, …)'],
  ['IMAGE_NAME', '`-o` (outputs are `<IMAGE_NAME>.<type>`)'],
  ['IMAGE_TYPES', '`-t` types, space-separated'],
  ['IMAGE_ELEMENT', 'the expanded elements, space-separated'],
  ['IMAGE_ELEMENT_YAML', '`name: path` per element'],
  ['get_image_element_array', 'exported bash function: `eval declare -A a=($(get_image_element_array))`'],
  ['ELEMENTS_PATH', 'the element search path (user entries, then the built-in elements)'],
  ['TMP_BUILD_DIR', 'the workspace (mode 0700, tmpfs when memory allows)'],
  ['TMP_MOUNT_PATH', 'the root tree; from the block-device step on, the mounted image'],
  ['TMP_HOOKS_PATH', 'all elements merged; `/tmp/in_target.d` (read-only) inside the chroot'],
  ['TMP_IMAGE_DIR', 'where the raw image files are made'],
  ['DIB_IMAGE_CACHE', '`--image-cache`, else `$DIB_IMAGE_CACHE`, else `~/.cache/tsdib` (base trees, apt archives)'],
  ['DIB_DEBUG_TRACE', '`-x` count; hooks run `set -x` when it is above 0'],
  ['DIB_OFFLINE', '`1` with `--offline`, else empty'],
  ['DIB_DEFAULT_INSTALLTYPE', '`--install-type` (default `source`)'],
  ['DIB_NO_TMPFS, DIB_MIN_TMPFS', 'the workspace settings'],
  ['DIB_IMAGE_SIZE', 'image size in KiB, from block-device.d on'],
  ['DIB_*', "every variable of the caller's environment (DIB runs hooks with `sudo -E`); `-c` clears them"],
];

export function phaseTable(): string {
  const rows = PHASES.map((p) => {
    const c = PHASE_CONTRACT[p];
    return `| \`${p}\` | ${c.inChroot ? 'inside the chroot' : 'outside (host)'} | ${c.purpose} | ${c.env.map((e) => `\`${e}\``).join(', ')} |`;
  });
  const vars = COMMON_VARIABLES.map(([n, d]) => `| \`${n}\` | ${d} |`);
  return [
    '| phase | runs | what for | variables it can rely on |',
    '|---|---|---|---|',
    ...rows,
    '',
    'Every hook also gets:',
    '',
    '| variable | value |',
    '|---|---|',
    ...vars,
  ].join('\n');
}

/** docs/elements.md with its generated table brought up to date (the rest is hand-written). */
export async function renderElementsDoc(repoRoot: string): Promise<string> {
  return replaceBlock(await readFile(join(repoRoot, 'docs', 'elements.md'), 'utf8'), 'docs/elements.md', MARKERS, phaseTable());
}
