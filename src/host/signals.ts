/**
 * SIGINT, SIGTERM and SIGHUP stop the running work and release every resource before exiting.
 * A second signal while releasing is ignored (the releases must finish), a third forces exit.
 * A closed stdout or stderr (`tsdib … | head`, a reader that died) counts as SIGPIPE: Node reports
 * it as an 'error' event, which would otherwise kill the process with nothing released.
 */
import { interrupted, type TsdibError } from '../errors.js';
import { log } from '../log.js';
import { killLiveChildren, markInterrupted } from './exec.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type HandledSignal = (typeof SIGNALS)[number];

/**
 * Installs the handlers. On a signal: no new host command may start, running children get SIGTERM,
 * and `onInterrupt` is called once with the INTERRUPTED error (the build rejects with it and its
 * finally-blocks release the stack). Returns a function that removes the handlers.
 */
export function handleSignals(onInterrupt: (err: TsdibError) => void): () => void {
  let count = 0;
  const handler = (signal: HandledSignal | 'SIGPIPE') => {
    count++;
    if (count === 1) {
      log.warn(`${signal === 'SIGPIPE' ? 'stdout or stderr was closed (EPIPE)' : `${signal} received`}: stopping and releasing resources`);
      markInterrupted(signal);
      killLiveChildren('SIGTERM');
      onInterrupt(interrupted(signal));
    } else if (count >= 3) {
      log.error(`${signal} received again: exiting without finishing the release`);
      process.exit(signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : 130);
    } else {
      log.warn(`${signal} received again: still releasing (send once more to force exit)`);
    }
  };
  let pipeClosed = false;
  const onStreamError = () => {
    // the first error is EPIPE; writes after it fail with ERR_STREAM_DESTROYED, which changes nothing
    if (pipeClosed) return;
    pipeClosed = true;
    handler('SIGPIPE');
  };
  for (const s of SIGNALS) process.on(s, handler);
  for (const stream of [process.stdout, process.stderr]) stream.on('error', onStreamError);
  return () => {
    for (const s of SIGNALS) process.off(s, handler);
    for (const stream of [process.stdout, process.stderr]) stream.off('error', onStreamError);
  };
}
