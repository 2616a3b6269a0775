// One progress line on stderr, rewritten in place on a terminal. When stderr is
// not a terminal (CI, a log file) only each new phase is printed, once.

export class Progress {
  constructor(stream = process.stderr) {
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.phase = '';
    this.line = '';
    this.drawnAt = 0;
  }

  /** `phase` (e.g. "[1/3 product] connecting") and a detail that changes often. */
  set(phase, detail = '') {
    const line = detail ? `${phase} ${detail}` : phase;
    if (!this.tty) {
      if (phase !== this.phase) this.stream.write(`${phase}\n`);
    } else if (phase !== this.phase || Date.now() - this.drawnAt >= 100) {
      const width = (this.stream.columns || 100) - 1;
      this.stream.write(`\r\x1b[2K${line.slice(0, width)}`);
      this.drawnAt = Date.now();
    }
    this.phase = phase;
    this.line = line;
  }

  /** A permanent line above the progress line. */
  log(text) {
    if (this.tty) this.stream.write(`\r\x1b[2K${text}\n${this.line}`);
    else this.stream.write(`${text}\n`);
  }

  clear() {
    if (this.tty) this.stream.write('\r\x1b[2K');
    this.phase = '';
    this.line = '';
  }
}
