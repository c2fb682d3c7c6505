import type { Argv } from 'yargs';
import { BadInputs, flagInvalid } from '../errors.js';

function count(v: unknown, flag: string, rule: { integer: boolean }): number | undefined {
  if (v === undefined) return undefined;
  const ok = rule.integer ? /^\s*\d+\s*$/ : /^\s*\d+(\.\d+)?\s*$/;
  if (!ok.test(String(v))) throw flagInvalid({ flag, value: String(v), expected: `${rule.integer ? 'a whole number' : 'a number'} >= 0` });
  return Number(v);
}

const mib = (b: number) => `${(b / 1024 ** 2).toFixed(0)} MiB`;

/** `tsdib cache list|prune`: what the image cache holds (docs/caching.md), and removing it. */
export function cacheCommand(cli: Argv): Argv {
  return cli.command('cache <command>', 'list or prune the image cache (phase snapshots, base tarballs, apt packages)', (y) =>
    y
      .option('image-cache', { type: 'string', describe: 'cache directory (default: $DIB_IMAGE_CACHE, else ~/.cache/tsdib)' })
      .command(
        'list',
        'list the phase snapshots, newest use first',
        (l) => l.option('json', { type: 'boolean', default: false, describe: 'print the entries as JSON' }),
        async (argv) => {
          const { imageCacheDir, listEntries, phaseCacheDir } = await import('../pipeline/cache/cache-store.js');
          const { checkpointsDir, listCheckpoints } = await import('../pipeline/cache/checkpoint-store.js');
          const dir = phaseCacheDir(imageCacheDir(argv['image-cache'], process.env));
          const entries = await listEntries(dir);
          const checkpoints = await listCheckpoints(checkpointsDir(dir));
          if (argv.json) {
            const rows = entries.map((e) => ({ key: e.manifest.key, label: e.manifest.label, created: e.manifest.created, lastUsed: e.lastUsed.toISOString(), archive: e.archivePath, bytes: e.manifest.archiveBytes, layers: e.manifest.layers ?? [] }));
            const steps = checkpoints.map((c) => ({ key: c.manifest.key, step: c.manifest.step, parent: c.manifest.parent ?? null, label: c.manifest.label, created: c.manifest.created, lastUsed: c.lastUsed.toISOString(), archive: c.layer.archive, bytes: c.manifest.archiveBytes }));
            process.stdout.write(`${JSON.stringify({ snapshots: rows, checkpoints: steps }, null, 2)}\n`);
            return;
          }
          if (entries.length === 0) process.stdout.write(`no phase snapshot in ${dir}\n`);
          for (const e of entries) {
            const on = e.manifest.layers?.length ? `  (on ${e.manifest.layers.length} checkpoint(s))` : '';
            process.stdout.write(`${e.manifest.key}  ${mib(e.manifest.archiveBytes).padStart(9)}  used ${e.lastUsed.toISOString()}  ${e.manifest.label}${on}\n`);
          }
          for (const c of checkpoints) {
            process.stdout.write(`checkpoint ${c.manifest.step.padEnd(14)} ${c.manifest.key.slice(0, 12)}  ${mib(c.manifest.archiveBytes).padStart(9)}  used ${c.lastUsed.toISOString()}  ${c.manifest.label}\n`);
          }
        },
      )
      .command(
        'prune',
        'remove phase snapshots (default: all but the 3 newest per element set), old base tarballs, or everything',
        (p) =>
          p
            .option('all', { type: 'boolean', default: false, describe: 'remove everything: phase snapshots, base tarballs, kept apt packages' })
            .option('keep', { type: 'string', describe: 'keep this many phase snapshots per element set (default 3)' })
            .option('max-age', { type: 'string', describe: 'remove phase snapshots unused for DAYS days and base tarballs older than DAYS' })
            .option('max-size', { type: 'string', describe: 'then remove the least recently used phase snapshots and checkpoints until the phase cache holds at most GIB GiB' })
            .option('dry-run', { type: 'boolean', default: false, describe: 'only print what would be removed' }),
        async (argv) => {
          const bad = new BadInputs();
          const keep = bad.sync(() => count(argv.keep, '--keep', { integer: true }));
          const maxAgeDays = bad.sync(() => count(argv['max-age'], '--max-age', { integer: false }));
          const maxGiB = bad.sync(() => count(argv['max-size'], '--max-size', { integer: false }));
          // --all removes everything: a rule of what to keep beside it would be silently ignored
          const rules = (['keep', 'max-age', 'max-size'] as const).filter((r) => argv[r] !== undefined);
          if (argv.all && rules.length > 0) bad.add(flagInvalid({ flag: '--all', problem: `cannot be used with ${rules.map((r) => `--${r}`).join(', ')}: --all removes everything`, hint: 'drop --all to keep what the rules keep' }));
          bad.throwIfAny();
          const { imageCacheDir } = await import('../pipeline/cache/cache-store.js');
          const { pruneCache } = await import('../pipeline/cache/cache-prune.js');
          const cache = imageCacheDir(argv['image-cache'], process.env);
          const ruleGiven = maxAgeDays !== undefined || maxGiB !== undefined;
          const removed = await pruneCache(cache, { all: argv.all, keep: keep ?? (ruleGiven ? undefined : 3), maxAgeDays, maxGiB, dryRun: argv['dry-run'] });
          const verb = argv['dry-run'] ? 'would remove' : 'removed';
          for (const r of removed) process.stdout.write(`${verb}  ${mib(r.bytes).padStart(9)}  ${r.path}  (${r.why})\n`);
          const total = removed.reduce((a, r) => a + r.bytes, 0);
          process.stdout.write(`${verb} ${removed.length} item(s), ${mib(total)} from ${cache}\n`);
        },
      )
      .demandCommand(1, 'name a cache command: list, prune'),
  );
}
