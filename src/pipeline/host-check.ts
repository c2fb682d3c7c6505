/**
 * The build's pre-flight check: every host tool the plan needs (core tools, the elements' tools,
 * the output formats', the block-device filesystems') must be present before anything is done;
 * otherwise HOST_TOOLS_MISSING names the exact packages to install.
 */
import { requireTools } from '../host/doctor.js';
import { CORE_TOOLS, DIB_ELEMENT_TOOLS, ELEMENT_TOOLS, FILESYSTEM_TOOLS, FORMAT_TOOLS, type HostTool } from '../host/host-tools.js';

export interface ToolsRequest {
  elements: readonly string[];
  types: readonly string[];
  fsTypes: readonly string[];
  /** The elements of `elements` that come from outside tsdib (DIB's tree): DIB_ELEMENT_TOOLS apply. */
  dibElements?: readonly string[];
  /** Tools found otherwise (the hooks' own calls, e.g. sudo). */
  extra?: readonly HostTool[];
}

export function toolsFor(opts: ToolsRequest): HostTool[] {
  const tools: HostTool[] = [...CORE_TOOLS, ...(opts.extra ?? [])];
  for (const e of opts.elements) tools.push(...(ELEMENT_TOOLS[e] ?? []), ...(opts.dibElements?.includes(e) ? (DIB_ELEMENT_TOOLS[e] ?? []) : []));
  for (const t of opts.types) tools.push(...(FORMAT_TOOLS[t] ?? []));
  for (const f of opts.fsTypes) tools.push(...(FILESYSTEM_TOOLS[f] ?? []));
  return tools;
}

export async function checkHostTools(opts: ToolsRequest): Promise<void> {
  await requireTools(toolsFor(opts));
}
