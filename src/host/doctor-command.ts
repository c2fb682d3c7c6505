import { log } from '../log.js';
import { checkTools, installPackages } from './doctor.js';
import { CORE_TOOLS, ELEMENT_TOOLS, FILESYSTEM_TOOLS, FORMAT_TOOLS, TEST_TOOLS, type HostTool } from './host-tools.js';

export interface DoctorOptions {
  elements: string[];
  install: boolean;
  forTests: boolean;
  formats: string[];
}

/** `tsdib doctor`: prints what is present and missing; returns 0 when nothing is missing afterwards. */
export async function runDoctor(opts: DoctorOptions): Promise<number> {
  const wanted: HostTool[] = [...CORE_TOOLS];
  const elementNames = opts.elements.length > 0 ? opts.elements : Object.keys(ELEMENT_TOOLS);
  for (const e of elementNames) wanted.push(...(ELEMENT_TOOLS[e] ?? []));
  for (const f of opts.formats) wanted.push(...(FORMAT_TOOLS[f] ?? []));
  wanted.push(...(FILESYSTEM_TOOLS['ext4'] ?? []), ...(FILESYSTEM_TOOLS['vfat'] ?? []));
  if (opts.forTests) wanted.push(...TEST_TOOLS);
  let report = await checkTools(wanted);
  if (report.missing.length > 0 && opts.install) {
    await installPackages(report.packages);
    report = await checkTools(wanted);
  }
  for (const m of report.missing) process.stdout.write(`missing  ${m.command}  (package ${m.pkg})\n`);
  if (report.missing.length === 0) {
    log.info(`doctor: all ${report.present.length} host tools present`);
    return 0;
  }
  process.stdout.write(`install with: tsdib doctor --install   (apt-get install ${report.packages.join(' ')})\n`);
  return 1;
}
