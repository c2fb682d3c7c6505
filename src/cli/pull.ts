import type { Argv } from 'yargs';

/** `tsdib pull REF -o FILE`: fetch one output of a pushed artifact, digest verified. */
export function pullCommand(cli: Argv): Argv {
  return cli.command(
    'pull <ref>',
    'fetch an image file pushed with tsdib push or --push; its sha256 is verified',
    (y) =>
      y
        .positional('ref', { type: 'string', describe: 'HOST[:PORT]/NAME[:TAG] or …@sha256:DIGEST' })
        .option('o', { type: 'string', nargs: 1, demandOption: true, describe: 'the file to write' })
        .option('type', { type: 'string', nargs: 1, describe: 'which output when the artifact has several (default: from the -o extension)' }),
    async (argv) => {
      const { resolve } = await import('node:path');
      const { parseReference } = await import('../registry/reference.js');
      const { writableDirProblem } = await import('../pipeline/check-inputs.js');
      const { outputPathInvalid } = await import('../errors.js');
      const ref = parseReference(String(argv.ref), 'tsdib pull');
      const out = resolve(String(argv.o));
      const { dirname } = await import('node:path');
      const problem = await writableDirProblem(dirname(out));
      if (problem) throw outputPathInvalid(`tsdib pull -o ${String(argv.o)}: ${problem}`, { path: out });
      const { mkdir } = await import('node:fs/promises');
      await mkdir(dirname(out), { recursive: true });
      const { pullArtifact } = await import('../registry/pull.js');
      const { withAbortOnSignal } = await import('../host/abort-on-signal.js');
      const r = await withAbortOnSignal((abort) => pullArtifact(ref, out, { abort, ...(argv.type ? { type: String(argv.type) } : {}) }));
      process.stdout.write(`${r.path}\n`);
    },
  );
}
