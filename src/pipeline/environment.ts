/**
 * The environment hooks see: DIB's contract (TMP_BUILD_DIR, TMP_MOUNT_PATH, TMP_HOOKS_PATH, ARCH,
 * IMAGE_NAME, IMAGE_ELEMENT, DIB_RELEASE via environment.d, DIB_IMAGE_CACHE, DIB_DEBUG_TRACE, …)
 * on top of the caller's environment (DIB runs hooks with `sudo -E`, so every exported variable
 * reaches them, DIB_* settings included). `-c` starts from an empty environment instead.
 * Phase-specific variables (TARGET_ROOT, IMAGE_BLOCK_DEVICE, …) are added by the runner.
 */
import type { Element } from '../elements/element.js';
import { CHROOT_PATH, droppedBySudo } from './dib-compat-env.js';

/** Variables a phase's hooks get in addition to the build's (see PHASE_CONTRACT). */
export type PhaseVariables = Record<string, string>;

export interface BuildEnvironmentInput {
  clearEnv: boolean;
  arch: string;
  imageName: string;
  types: readonly string[];
  elements: readonly Element[];
  searchPath: readonly string[];
  workspace: { dir: string; mountPath: string; hooksPath: string; imageDir: string };
  imageCache: string;
  debugTrace: number;
  offline: boolean;
  installType: string | undefined;
  noTmpfs: boolean;
  minTmpfsGB: number;
  hostEnv?: Readonly<Record<string, string | undefined>>;
}

const SHELL_FUNCTION = (elements: readonly Element[]) => `() {  echo "${elements.map((e) => `[${e.name}]=${e.path} `).join('')}"\n}`;

/** The variables every hook of the build sees (in and outside the chroot). */
export function buildEnvironment(input: BuildEnvironmentInput): Record<string, string> {
  const host = input.hostEnv ?? process.env;
  const base: Record<string, string> = {};
  if (input.clearEnv) {
    base['PATH'] = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    base['HOME'] = host['HOME'] ?? '/root';
    // kept under -c too: initramfs-tools, grub-mkconfig, dpkg and mksquashfs read it for reproducible output
    if (host['SOURCE_DATE_EPOCH']) base['SOURCE_DATE_EPOCH'] = host['SOURCE_DATE_EPOCH'];
  } else {
    for (const [k, v] of Object.entries(host)) if (v !== undefined) base[k] = v;
  }
  const env: Record<string, string> = {
    ...base,
    LANG: base['LANG'] ?? 'C.UTF-8',
    ARCH: input.arch,
    IMAGE_NAME: input.imageName,
    IMAGE_TYPES: input.types.join(' '),
    IMAGE_ELEMENT: input.elements.map((e) => e.name).join(' '),
    IMAGE_ELEMENT_YAML: input.elements.map((e) => `${e.name}: ${e.path}\n`).join(''),
    'BASH_FUNC_get_image_element_array%%': SHELL_FUNCTION(input.elements),
    ELEMENTS_PATH: input.searchPath.join(':'),
    TMP_BUILD_DIR: input.workspace.dir,
    TMP_IMAGE_DIR: input.workspace.imageDir,
    TMP_MOUNT_PATH: input.workspace.mountPath,
    TMP_HOOKS_PATH: input.workspace.hooksPath,
    DIB_IMAGE_CACHE: input.imageCache,
    DIB_DEBUG_TRACE: String(input.debugTrace),
    DIB_OFFLINE: input.offline ? '1' : '',
    DIB_DEFAULT_INSTALLTYPE: input.installType ?? base['DIB_DEFAULT_INSTALLTYPE'] ?? 'source',
    DIB_NO_TMPFS: input.noTmpfs ? '1' : '0',
    DIB_MIN_TMPFS: String(input.minTmpfsGB),
    DIB_INIT_SYSTEM: base['DIB_INIT_SYSTEM'] ?? 'systemd',
  };
  delete env['TARGET_ROOT'];
  return env;
}

/** What a chrooted hook gets: the same variables, a chroot-friendly PATH and HOME, no TMPDIR. */
export function chrootEnvironment(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...env };
  delete out['TMPDIR'];
  delete out['VIRTUAL_ENV'];
  // as DIB's `sudo -E chroot … env PATH=…`: what sudo drops stays outside, PATH is sudo's secure_path twice
  for (const k of Object.keys(out)) if (droppedBySudo(k)) delete out[k];
  out['PATH'] = `${CHROOT_PATH}:${CHROOT_PATH}`;
  out['HOME'] = '/root';
  return out;
}
