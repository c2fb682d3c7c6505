import type { Argv } from 'yargs';

export function blockDeviceCommand(cli: Argv): Argv {
  return cli.command('block-device <command>', 'inspect block-device configs (DIB_BLOCK_DEVICE_CONFIG)', (y) =>
    y
      .command(
        'graph',
        'validate a block-device config and print its node graph and creation order',
        (g) =>
          g
            .option('config', { type: 'string', describe: 'config file (YAML or JSON); default: $DIB_BLOCK_DEVICE_CONFIG, else the built-in default' })
            .option('json', { type: 'boolean', default: false, describe: 'print {"nodes","edges","order"} as JSON' })
            .option('image-size', { type: 'string', describe: 'image size (bytes or e.g. 4GiB) to check partition sizes against; default: not checked' })
            .option('root-fs-type', { type: 'string', default: 'ext4', describe: 'type for mkfs_root when the config names none (FS_TYPE)' })
            .option('root-label', { type: 'string', describe: 'label for mkfs_root when the config names none (ROOT_LABEL)' })
            .option('root-fs-opts', { type: 'string', describe: 'mkfs options for mkfs_root when the config names none' }),
        async (argv) => {
          const { runGraphReport } = await import('../blockdevice/graph-report.js');
          const out = await runGraphReport({
            configFile: argv.config,
            env: process.env,
            json: argv.json,
            imageSize: argv['image-size'],
            rootFsType: argv['root-fs-type'],
            rootLabel: argv['root-label'],
            rootFsOpts: argv['root-fs-opts'],
          });
          process.stdout.write(`${out}\n`);
        },
      )
      .demandCommand(1, 'name a block-device command: graph'),
  );
}
