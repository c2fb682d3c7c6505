/**
 * For work that runs in this process rather than as a host command (network transfers): an
 * AbortSignal that fires on SIGINT, SIGTERM or SIGHUP, so the transfer stops at once instead of
 * running on until the build's grace period ends; the work then fails with INTERRUPTED (exit
 * 130/143/129). The build's own signal handling (signals.ts) still runs; this only adds a listener
 * while `fn` runs.
 */
import { interrupted } from '../errors.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function withAbortOnSignal<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const abort = (signal: NodeJS.Signals) => {
    received ??= signal;
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  for (const s of SIGNALS) process.on(s, abort);
  try {
    return await fn(controller.signal);
  } catch (e) {
    if (received) throw interrupted(received, { cause: e });
    throw e;
  } finally {
    for (const s of SIGNALS) process.off(s, abort);
  }
}
