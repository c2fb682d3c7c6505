/**
 * Which of the hooks' variables enter the phase-cache key: the DIB_* ones, the ones the element set
 * refers to by name (referenced-variables.ts) and the ones tsdib sets from its own inputs — minus
 * those that hold a location rather than an input (the workspace, the checkout, the cache), the
 * command line as one string, and a shell's or a CI runner's session. So two CI runs, or two clones
 * of one repository in different directories, compute the same key.
 */

/**
 * Set by tsdib from its flags and the element list, and free of paths: always keyed. Also
 * SOURCE_DATE_EPOCH, which tsdib passes to the hooks when the caller sets it: the tools they run
 * (mkinitramfs, dpkg, …) write it instead of the clock's time, so a tree made without it is not the
 * tree of a reproducible build (docs/reproducible.md).
 */
const TOOL_VARIABLES: ReadonlySet<string> = new Set(['ARCH', 'IMAGE_ELEMENT', 'LC_ALL', 'SOURCE_DATE_EPOCH']);

/**
 * Never keyed, even when an element names them. Paths: the workspace (new every build), element
 * locations (element contents are keyed), `$_LIB` (its content is part of tsdib's code hash),
 * DIB_IMAGE_CACHE (where the cache lives, not what goes in). PATH and HOME: tsdib sets both inside
 * the chroot; outside they locate the host's tools and the caller's home. The outputs and the
 * command line as one string shape what happens after the snapshot (DIB_ARGS' parts are keyed one
 * by one as flags and variables). DIB_DEBUG_TRACE only changes what hooks print.
 */
export const NEVER_KEYED_VARIABLES: readonly RegExp[] = [
  /^TMP_(BUILD_DIR|IMAGE_DIR|MOUNT_PATH|HOOKS_PATH)$/,
  /^TARGET_ROOT$/,
  /^(ELEMENTS_PATH|IMAGE_ELEMENT_YAML|_LIB|DIB_IMAGE_CACHE)$/,
  /^BASH_FUNC_get_image_element_array(%%|\(\))$/,
  /^(IMAGE_NAME|IMAGE_TYPES|DIB_ARGS|DIB_ENV|DIB_DEBUG_TRACE)$/,
  /^(PATH|HOME|USER|LOGNAME|SHELL|HOSTNAME|TMPDIR|TMP|TEMP|TEMPDIR)$/,
  /^(PWD|OLDPWD|SHLVL|_|PS[1-4]|PROMPT_COMMAND|HIST[A-Z]*|MAIL|MAILCHECK)$/,
  /^(TERM|TERM_[A-Z_]*|COLORTERM|COLUMNS|LINES|LS_COLORS|LESS[A-Z_]*|PAGER|EDITOR|VISUAL|FORCE_COLOR|NO_COLOR|VTE_VERSION|WINDOWID)$/,
  /^(SSH_[A-Z_]*|GPG_AGENT_INFO|GPG_TTY|DISPLAY|WAYLAND_DISPLAY|XAUTHORITY|XDG_[A-Z_]*|DBUS_[A-Z_]*|SESSION_MANAGER)$/,
  /^(SUDO_[A-Z_]*|INVOCATION_ID|JOURNAL_STREAM|SYSTEMD_EXEC_PID|MANAGERPID|MAKEFLAGS|MFLAGS|MAKELEVEL)$/,
  /^(VITEST[A-Z_]*|TEST|NODE_[A-Z_]*|npm_.*|INIT_CWD|COREPACK_[A-Z_]*)$/,
];

export function isNeverKeyed(name: string): boolean {
  return NEVER_KEYED_VARIABLES.some((re) => re.test(name));
}

/** Whether the variable `name` enters the key, given the names the element set refers to. */
export function isKeyedVariable(name: string, referenced: ReadonlySet<string>): boolean {
  if (isNeverKeyed(name)) return false;
  return name.startsWith('DIB_') || TOOL_VARIABLES.has(name) || referenced.has(name);
}
