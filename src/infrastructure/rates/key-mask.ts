/** The shortest run of the key's characters that counts as showing it (a key shorter than this: the whole key). */
const MIN_RUN = 8;
const MARK = '<hidden>';

/**
 * Blanks the API key out of text that came from upstream: the whole key, and
 * any run of 8 or more consecutive characters of it (its first half, the key
 * cut at the end of an answer…), in any letter case. Text is masked before it
 * is cut, so a cut never leaves a fragment of the key showing.
 */
export class KeyMask {
  private readonly width: number;
  /** Every `width`-character window of the key, lower-cased: a text window equal to one of them is key material. */
  private readonly windows: ReadonlySet<string>;

  constructor(key: string) {
    this.width = Math.min(MIN_RUN, key.length);
    const lower = key.toLowerCase();
    const windows = new Set<string>();
    for (let at = 0; this.width > 0 && at + this.width <= lower.length; at += 1) {
      windows.add(lower.slice(at, at + this.width));
    }
    this.windows = windows;
  }

  /** `text` with each stretch of key material replaced by `<hidden>`. */
  hide(text: string): string {
    return this.render(text, text.length);
  }

  /**
   * The first `limit` characters of `text`, masked as if the whole text had
   * been (key material that starts before the cut is hidden even where it
   * runs past it), then `…` if something was cut.
   */
  shown(text: string, limit: number): string {
    if (text.length <= limit) return this.hide(text);
    return `${this.render(text.slice(0, limit + this.width), limit)}…`;
  }

  /** The characters of `text` before `upTo`, each stretch of key material replaced by the mark. */
  private render(text: string, upTo: number): string {
    const hidden = this.marks(text);
    let shown = '';
    let from = 0;
    while (from < upTo) {
      let to = from;
      const masked = hidden[from] === true;
      while (to < upTo && (hidden[to] === true) === masked) to += 1;
      shown += masked ? MARK : text.slice(from, to);
      from = to;
    }
    return shown;
  }

  /** Which characters of `text` belong to a window of the key. */
  private marks(text: string): boolean[] {
    const hidden = new Array<boolean>(text.length).fill(false);
    if (this.windows.size === 0) return hidden;
    for (let at = 0; at + this.width <= text.length; at += 1) {
      if (this.windows.has(text.slice(at, at + this.width).toLowerCase())) hidden.fill(true, at, at + this.width);
    }
    return hidden;
  }
}
