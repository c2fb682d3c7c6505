/**
 * `--json-events FILE`: the build as one JSON object per line, for tools that follow it — every log
 * line, each step's start and end, and at the end either a `result` (outputs with size and sha256,
 * the manifest) or an `error` (code, exit code, message). docs/json-events.schema.json is the
 * schema every line satisfies (a test checks real builds against it). Written synchronously, so the
 * file is complete even when the build is killed.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { isTsdibError } from '../errors.js';
import { onLogEvent } from '../log.js';
import type { OutputResult } from '../output/write-outputs.js';

export interface ErrorEvent {
  type: 'error';
  /** A TsdibError code (ELEMENT_NOT_FOUND, HOOK_FAILED, …), or INTERNAL for an unexpected exception. */
  code: string;
  /** What tsdib exits with: 1 build failed, 2 bad input, 130/143 interrupted. */
  exitCode: number;
  message: string;
  details?: string[];
  hint?: string;
  t: number;
}

export interface ResultEvent {
  type: 'result';
  outputs: Array<{ type: string; path: string; size: number; sha256: string }>;
  manifest?: string;
  seconds: number;
  t: number;
}

export interface JsonEvents {
  /** The build failed with `e` (written before tsdib exits). */
  error(e: unknown): void;
  /** The build finished. */
  result(r: { outputs: readonly OutputResult[]; manifest?: string; seconds: number }): void;
  close(): void;
}

export function errorEvent(e: unknown, t = Date.now()): ErrorEvent {
  if (!isTsdibError(e)) return { type: 'error', code: 'INTERNAL', exitCode: 1, message: e instanceof Error ? e.message : String(e), t };
  const { details, hint } = e.context;
  return { type: 'error', code: e.code, exitCode: e.exitCode, message: e.message, ...(details?.length ? { details: [...details] } : {}), ...(hint ? { hint } : {}), t };
}

export function resultEvent(r: { outputs: readonly OutputResult[]; manifest?: string; seconds: number }, t = Date.now()): ResultEvent {
  return {
    type: 'result',
    outputs: r.outputs.map((o) => ({ type: o.type, path: o.path, size: o.bytes, sha256: o.sha256 })),
    ...(r.manifest ? { manifest: r.manifest } : {}),
    seconds: Math.round(r.seconds * 1000) / 1000,
    t,
  };
}

export function writeJsonEvents(file: string): JsonEvents {
  writeFileSync(file, '');
  const append = (event: object) => {
    try {
      appendFileSync(file, `${JSON.stringify(event)}\n`);
    } catch {
      // an unwritable events file must not fail the build; the path was checked before the build
    }
  };
  const stop = onLogEvent(append);
  return {
    error: (e) => append(errorEvent(e)),
    result: (r) => append(resultEvent(r)),
    close: stop,
  };
}

/** Best effort, for an error found before the events file was opened (a bad flag): one `error` line. */
export function appendErrorEvent(file: string, e: unknown): void {
  try {
    writeFileSync(file, `${JSON.stringify(errorEvent(e))}\n`);
  } catch {
    // the path itself may be what was wrong with the command line
  }
}
