/**
 * What a line of a program's output says once a terminal has drawn it: progress counters that
 * redraw themselves with `\r` (dpkg's "Reading database ... 5%\r…") keep only their last state, and
 * colour and cursor escapes are dropped. Log files and the screen get these clean lines.
 */

// CSI sequences (colours, cursor moves, erase) and OSC sequences (titles), as terminals read them
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function cleanLine(line: string): string {
  let text = line;
  if (text.includes('\r')) {
    const parts = text.split('\r').filter((p) => p !== '');
    text = parts[parts.length - 1] ?? '';
  }
  return text.includes('\x1b') ? text.replace(ESCAPES, '') : text;
}
