/**
 * The text of each file `tsdib element new` writes. Every file is a template the author fills in;
 * each one passes `tsdib lint-elements` as written.
 */
import { PHASE_CONTRACT, type Phase } from '../elements/phases.js';

/** `name` with every character DIB refuses in hook names made `-` (hooks match ^[0-9A-Za-z_-]+$). */
export function hookSafeName(name: string): string {
  return name.replace(/[^0-9A-Za-z_-]/g, '-');
}

/** `DIB_<NAME>_`: the prefix of the variables this element reads, by DIB's convention. */
export function variablePrefix(name: string): string {
  return `DIB_${name.toUpperCase().replace(/[^0-9A-Z]/g, '_')}_`;
}

export function hookFileName(name: string): string {
  return `50-${hookSafeName(name)}`;
}

export function environmentFileName(name: string): string {
  return `10-${hookSafeName(name)}`;
}

function phaseLine(name: string, phase: Phase): string {
  const c = PHASE_CONTRACT[phase];
  return `- \`${phase}/${hookFileName(name)}\` (${c.inChroot ? 'in the chroot' : 'on the host, outside the chroot'}): ${c.purpose}`;
}

export function readmeText(name: string, phases: readonly Phase[]): string {
  const v = variablePrefix(name);
  return `# ${name}

Describe what the ${name} element does in one line: \`tsdib elements\` shows this line.

Say here when to use it, what it changes in the image and what it needs from the host.

## Environment variables

| Variable | Default | Meaning |
|---|---|---|
| \`${v}EXAMPLE\` | (unset) | Replace with the \`DIB_*\` variables this element reads (defaults go in \`environment.d/${environmentFileName(name)}\`). |

## Phases

${phases.map((p) => phaseLine(name, p)).join('\n')}

## Dependencies

\`element-deps\` lists the elements ${name} needs, one a line. \`package-installs.yaml\` lists the
packages it installs (the \`package-installs\` element reads it; \`base\` brings that element).
`;
}

export function elementDepsText(name: string): string {
  return `# Elements ${name} needs, one name a line, sorted; blank lines and # comments are ignored by tsdib
# (DIB would read a # line as an element name: delete these comments if DIB must read this file).
`;
}

function hookExample(phase: Phase): string[] {
  if (PHASE_CONTRACT[phase].inChroot) {
    return ['# This runs inside the image (as root, no sudo needed). For example:', '#     install -d -m 0755 /etc/example', '#     echo "configured by tsdib" > /etc/example/README'];
  }
  const root = PHASE_CONTRACT[phase].env.includes('TARGET_ROOT') ? '$TARGET_ROOT' : '$TMP_MOUNT_PATH';
  return [
    '# This runs on the build host: touch only the image tree, never the host itself. For example:',
    `#     sudo install -d -m 0755 "${root}/etc/example"`,
  ];
}

export function hookText(name: string, phase: Phase): string {
  const c = PHASE_CONTRACT[phase];
  return [
    '#!/bin/bash',
    `# ${phase} hook of the ${name} element (${c.inChroot ? 'runs in the chroot' : 'runs outside the chroot'}).`,
    `# ${c.purpose}`,
    `# Variables set for this phase: ${c.env.join(', ')}; plus the DIB_* variables from environment.d.`,
    '',
    'if [ "${DIB_DEBUG_TRACE:-0}" -gt 0 ]; then set -x; fi',
    'set -eu',
    'set -o pipefail',
    '',
    ...hookExample(phase),
    '',
  ].join('\n');
}

export function environmentText(name: string): string {
  const v = variablePrefix(name);
  return `# Sourced (not run) before every phase of a build that uses ${name}, inside and outside the chroot.
# Give the DIB_* variables this element reads their defaults here, and export them; no commands with
# side effects, no set -x. For example:
# export ${v}EXAMPLE=\${${v}EXAMPLE:-default}
`;
}

export function packageInstallsText(name: string): string {
  return `# Packages to install for ${name} (read by the package-installs element, which base brings).
# A package name alone installs it in install.d; options per package, as in DIB:
#
# curl:
# build-essential:
#   phase: pre-install.d
#   build-only: true       # removed again at the end of the build
# qemu-guest-agent:
#   not-arch: s390x
`;
}
