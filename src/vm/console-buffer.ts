/**
 * The serial console as text a person (and a pattern) can read: ANSI escapes and carriage returns
 * taken out as the bytes arrive, the last 256 KiB kept. An escape sequence split across two chunks
 * is held back until it is complete, so a pattern never misses text because of where a chunk ended.
 */
const KEEP_CHARS = 256 * 1024;
/** How far back a new search starts: a pattern may begin in text that came before the last chunk. */
const SEARCH_OVERLAP = 4096;

// CSI sequences (colours, cursor moves), OSC strings, two-byte escapes; then the lone CR
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r/g;
// eslint-disable-next-line no-control-regex
const INCOMPLETE_ESCAPE = /\x1b(?:\[[0-9;?]*[ -/]*|\][^\x07\x1b]*)?$/;

export class ConsoleBuffer {
  private text = '';
  private pending = '';
  private searchedUpTo = 0;
  /** Where the last match ended: text before it is never searched again. */
  private matchedUpTo = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  /** Adds raw console bytes. */
  append(chunk: Buffer | string): void {
    let s = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    const incomplete = INCOMPLETE_ESCAPE.exec(s);
    this.pending = incomplete ? incomplete[0] : '';
    if (incomplete) s = s.slice(0, incomplete.index);
    this.text += s.replace(ESCAPES, '');
    if (this.text.length > KEEP_CHARS) {
      const drop = this.text.length - KEEP_CHARS;
      this.text = this.text.slice(drop);
      this.searchedUpTo = Math.max(0, this.searchedUpTo - drop);
      this.matchedUpTo = Math.max(0, this.matchedUpTo - drop);
    }
  }

  /**
   * Whether `pattern` matches text that arrived since the last call (a match may begin up to 4 KiB
   * before it). A match is reported once.
   */
  matchesNewText(pattern: RegExp): boolean {
    const from = Math.max(this.matchedUpTo, this.searchedUpTo - SEARCH_OVERLAP, 0);
    this.searchedUpTo = this.text.length;
    const m = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).exec(this.text.slice(from));
    if (!m) return false;
    this.matchedUpTo = from + m.index + Math.max(1, m[0].length);
    return true;
  }

  /** The last `n` lines (for failure messages). */
  tail(n = 40): string {
    return this.text.trimEnd().split('\n').slice(-n).join('\n');
  }

  get all(): string {
    return this.text;
  }
}
