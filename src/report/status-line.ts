/**
 * The last line of a terminal, kept for what runs now ("… install.d 45 s · packages: 45/80
 * unpacked"): log lines are printed above it and it is drawn again below them. Only on a TTY; a log
 * file or a pipe never gets `\r` or escape sequences.
 */

export interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const ERASE_LINE = '\r\x1b[K';

export class StatusLine {
  private shown = '';

  constructor(private readonly out: TerminalStream) {}

  get live(): boolean {
    return this.out.isTTY === true;
  }

  /** Prints `text` (one or more lines) above the status line. */
  print(text: string): void {
    if (this.shown) this.out.write(ERASE_LINE);
    this.out.write(text.endsWith('\n') ? text : `${text}\n`);
    if (this.shown) this.out.write(this.shown);
  }

  /** Shows `text` as the status line (cut to the terminal's width); undefined clears it. */
  show(text: string | undefined): void {
    if (!this.live) return;
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const next = text === undefined ? '' : text.length > width ? `${text.slice(0, width - 1)}…` : text;
    if (next === this.shown) return;
    this.out.write(`${ERASE_LINE}${next}`);
    this.shown = next;
  }
}
