// The generated reference pages match the code, and the block-device examples they show load.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlockDeviceConfig } from '../../../src/blockdevice/load-config.js';
import { BLOCK_DEVICE_EXAMPLES } from '../../../src/docs/block-device-examples.js';
import { generateDocs } from '../../../src/docs/generate-docs.js';
import { listedCommands, renderHelp } from '../../../src/docs/render-cli-reference.js';
import { PHASES } from '../../../src/elements/phases.js';
import { PLUGINS } from '../../../src/blockdevice/plugins/index.js';
import { LINT_RULES } from '../../../src/authoring/lint/rules/index.js';
import { OUTPUT_TYPES } from '../../../src/output/writers.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const docs = await generateDocs();

describe('generated docs', () => {
  it.each(Object.keys(docs))('%s on disk is what `npm run docs` generates', async (rel) => {
    const onDisk = await readFile(join(REPO_ROOT, rel), 'utf8').catch(() => '(missing)');
    expect(onDisk === docs[rel], `${rel} is stale: run npm run docs`).toBe(true);
  });

  it('are the same on every run and independent of the terminal width', async () => {
    const columns = process.stdout.columns;
    try {
      process.stdout.columns = 40;
      expect(await generateDocs()).toEqual(docs);
    } finally {
      process.stdout.columns = columns;
    }
  });

  it('the CLI reference has every command and subcommand', () => {
    const cli = docs['docs/reference/cli.md']!;
    for (const heading of ['## tsdib\n', '## tsdib plan\n', '## tsdib lint-elements\n', '## tsdib element new\n', '## tsdib block-device graph\n']) {
      expect(cli).toContain(heading);
    }
    expect(cli).toContain('--phases');
  });

  it('finds the subcommands a help text lists', async () => {
    expect(listedCommands(await renderHelp(['element']), ['element'])).toEqual([['element', 'new']]);
  });

  it('the phases reference has a row per phase and the block-device one a section per plugin', () => {
    for (const p of PHASES) expect(docs['docs/elements.md']).toContain(`| \`${p}\` |`);
    expect(docs['docs/elements.md']).toMatch(/\| `finalise\.d` \| inside the chroot \|/);
    expect(docs['docs/elements.md']).toMatch(/\| `root\.d` \| outside \(host\) \|/);
    for (const kind of Object.keys(PLUGINS)) expect(docs['docs/reference/block-device.md']).toContain(`### \`${kind}\``);
    for (const r of LINT_RULES) expect(docs['docs/reference/lint-rules.md']).toContain(`| \`${r.id}\` |`);
  });
});

describe('generated blocks of hand-written pages', () => {
  it('docs/outputs.md has a -t row per output type', () => {
    const block = /<!-- output-types:begin[^\n]*\n([\s\S]*?)<!-- output-types:end -->/.exec(docs['docs/outputs.md']!)?.[1] ?? '';
    const rows = block.split('\n').slice(2).filter((l) => l.startsWith('| '));
    expect(rows.map((l) => /^\| `([a-z0-9-]+)`/.exec(l)![1]).sort()).toEqual([...OUTPUT_TYPES]);
  });

  it('docs/cli.md shows a plan --json that parses, with every top-level field and no path of this checkout', () => {
    const cli = docs['docs/cli.md']!;
    const body = /<!-- plan-json:begin[^\n]*\n```json\n([\s\S]*?)\n```\n<!-- plan-json:end -->/.exec(cli)?.[1] ?? '';
    const plan = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(plan)).toEqual(expect.arrayContaining(['arch', 'requested', 'searchPath', 'elements', 'providedBy', 'phases', 'blockDeviceConfig', 'outputs', 'phaseCache']));
    expect(plan['searchPath']).toEqual(['/usr/lib/node_modules/tsdib/elements']);
    expect(body).not.toContain(REPO_ROOT);
  });
});

describe('block-device reference examples', () => {
  it('include MBR, GPT+EFI, separate /boot and LVM layouts', () => {
    expect(BLOCK_DEVICE_EXAMPLES.map((e) => e.title).join('\n')).toMatch(/MBR[\s\S]*GPT[\s\S]*\/boot[\s\S]*LVM/);
  });

  it.each(BLOCK_DEVICE_EXAMPLES.map((e) => [e.title, e] as const))('%s is a valid config', async (_title, example) => {
    const graph = await loadBlockDeviceConfig(example.yaml, `example "${example.title}"`, { imageSize: 8 * 1024 ** 3, rootFsType: 'ext4' });
    expect(graph.mountOrder.map((m) => m.mountPoint)[0]).toBe('/');
    expect(graph.warnings).toEqual([]);
    expect(docs['docs/reference/block-device.md']).toContain(example.yaml.trimEnd());
  });
});
