import type { Argv } from 'yargs';

export function cleanupCommand(cli: Argv): Argv {
  return cli.command(
    'cleanup [workspaces..]',
    'release what a killed build left (mounts, loop devices, pools, processes) and remove its workspace',
    (y) =>
      y
        .positional('workspaces', { type: 'string', array: true, describe: 'workspace dirs (default: every abandoned one under the temp dir)' })
        .option('force', { type: 'boolean', default: false, describe: 'clean even if the owning build still runs' }),
    async (argv) => {
      const { cleanupWorkspace, findAbandonedWorkspaces } = await import('../host/cleanup-workspace.js');
      const given = (argv.workspaces as string[] | undefined) ?? [];
      const workspaces = given.length > 0 ? given : await findAbandonedWorkspaces();
      if (workspaces.length === 0) process.stdout.write('no abandoned tsdib workspace found\n');
      let failed = 0;
      for (const w of workspaces) {
        const report = await cleanupWorkspace(w, { force: argv.force });
        for (const r of report.released) process.stdout.write(`released  ${r}\n`);
        for (const f of report.failed) process.stdout.write(`FAILED    ${f.what}: ${f.message}\n`);
        failed += report.failed.length;
      }
      process.exitCode = failed > 0 ? 1 : 0;
    },
  );
}
