import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { addBuildOptions, toBuildOptions } from '../../../src/cli/build-options.js';
import { TsdibError } from '../../../src/errors.js';

async function parse(args: string[]) {
  const argv = await addBuildOptions(yargs(['plan', ...args]).command('plan [elements..]', 'x').strict().fail((m, e) => {
    throw e ?? new Error(m);
  })).parseAsync();
  return toBuildOptions(argv as Record<string, unknown>);
}

async function failure(args: string[]): Promise<TsdibError> {
  const e = await parse(args).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TsdibError);
  expect((e as TsdibError).code).toBe('FLAG_INVALID');
  expect((e as TsdibError).exitCode).toBe(2);
  return e as TsdibError;
}

describe('build options', () => {
  it('has DIB defaults', async () => {
    const o = await parse(['debian']);
    expect(o).toMatchObject({ elements: ['debian'], imageName: 'image', types: ['qcow2'], debugTrace: 0, skipBase: false, packages: [], checksum: false });
    expect(o.arch).toMatch(/^[a-z0-9_]+$/);
  });

  it('maps every flag', async () => {
    const o = await parse([
      '-a', 'arm64', '-o', 'out/img', '-t', 'qcow2,tar', '-x', '-x', '-u', '-c', '-n', '-p', 'vim,less', '-p', 'curl', '--checksum',
      '--image-size', '2.5', '--image-extra-size', '512', '--image-cache', '/c', '--max-online-resize', '274877906944', '--min-tmpfs', '3',
      '--mkfs-options', '-O ^metadata_csum', '--mkfs-journal-size', '32', '--no-tmpfs', '--offline', '--qemu-img-options', 'compat=0.10,cluster_size=65536',
      '--root-label', 'root', '--ramdisk-element', 'dracut-ramdisk', '--install-type', 'package', '--docker-target', 'me/x:1', '--logfile', '/tmp/l',
      '--block-device-config', '/tmp/bd.yaml', '--no-cache', '--json-events', '/tmp/e.json', '--offline-assembly', '--seed', 'fleet-7', 'debian', 'vm',
    ]);
    expect(o).toEqual({
      elements: ['debian', 'vm'], arch: 'arm64', imageName: 'out/img', types: ['qcow2', 'tar'], debugTrace: 2, uncompressed: true, clearEnv: true,
      skipBase: true, packages: ['vim', 'less', 'curl'], checksum: true, imageSizeGB: 2.5, imageExtraSizeMB: 512, imageCache: '/c',
      maxOnlineResize: 274877906944, minTmpfsGB: 3, mkfsOptions: '-O ^metadata_csum', mkfsJournalSizeMB: 32, noTmpfs: true, offline: true,
      qemuImgOptions: 'compat=0.10,cluster_size=65536', rootLabel: 'root', ramdiskElement: 'dracut-ramdisk', installType: 'package',
      dockerTarget: 'me/x:1', logfile: '/tmp/l', quiet: false, verbose: 0, blockDeviceConfig: '/tmp/bd.yaml', noCache: true, jsonEvents: '/tmp/e.json',
      offlineAssembly: true, seed: 'fleet-7', resume: false,
    });
  });

  it('strips a trailing .<type> from -o only when exactly one type is asked for', async () => {
    expect((await parse(['-o', 'deb.qcow2', 'debian'])).imageName).toBe('deb');
    expect((await parse(['-o', 'deb.tar', '-t', 'tar', 'debian'])).imageName).toBe('deb');
    expect((await parse(['-o', 'deb.qcow2', '-t', 'qcow2,tar', 'debian'])).imageName).toBe('deb.qcow2');
    expect((await parse(['-o', 'deb.raw', 'debian'])).imageName).toBe('deb.raw');
  });

  it('keeps -t order and drops repeats; the last -o wins', async () => {
    const o = await parse(['-t', 'tar,qcow2,tar', '-o', 'a', '-o', 'b', 'debian']);
    expect(o.types).toEqual(['tar', 'qcow2']);
    expect(o.imageName).toBe('b');
  });

  it('rejects an unknown output type, naming the allowed ones', async () => {
    const e = await failure(['-t', 'qcow22', 'debian']);
    expect(e.message).toBe("-t qcow22: unknown output type; allowed: aci, docker, parallels, qcow, qcow2, qed, raw, squashfs, tar, tgz, vdi, vhd, vhd-fixed, vhdx, vmdk");
    expect(e.context.hint).toBe("did you mean 'qcow2'?");
  });

  it.each([
    [['--image-size', 'big', 'debian'], '--image-size big: expected a number > 0 (GB, e.g. 2.5)'],
    [['--seed', 'a b', 'debian'], '--seed "a b": expected 1 to 128 characters from A-Z a-z 0-9 . _ : @ + -'],
    [['--image-size', '0', 'debian'], '--image-size 0: expected a number > 0 (GB, e.g. 2.5)'],
    [['--image-extra-size', '-5', 'debian'], '--image-extra-size "-5": expected a number >= 0 (MB)'],
    [['--mkfs-journal-size', '1.5', 'debian'], '--mkfs-journal-size 1.5: expected a whole number > 0 (MB)'],
    [['--max-online-resize', 'x', 'debian'], '--max-online-resize x: expected a whole number > 0 (filesystem blocks)'],
    [['--qemu-img-options', 'compat', 'debian'], '--qemu-img-options compat: expected comma-separated key=value pairs, e.g. compat=0.10'],
    [['-t', 'docker', 'debian'], '-t docker: needs --docker-target REPO:TAG (the image to create)'],
    [['-a', 'amd46', 'debian'], "-a amd46: unknown architecture; allowed: amd64, x86_64, i386, arm64, aarch64, armhf, ppc64el, ppc64le, ppc64, powerpc, s390x, riscv64"],
    [['-t', ',', 'debian'], '-t: name at least one output type (aci, docker, parallels, qcow, qcow2, qed, raw, squashfs, tar, tgz, vdi, vhd, vhd-fixed, vhdx, vmdk)'],
    [[], 'ELEMENTS: give at least one, e.g. `debian vm`'],
    [['--json-events', '/tmp/e\n.json', 'debian'], '--json-events "/tmp/e\\n.json": the path has a control character (e.g. a newline); use printable characters only'],
    [['--logfile', '/tmp/l\t.log', 'debian'], '--logfile "/tmp/l\\t.log": the path has a control character (e.g. a newline); use printable characters only'],
  ])('rejects %j: %s', async (args, message) => {
    expect((await failure(args)).message).toBe(message);
  });
});
