/**
 * Bytes → lines, for JSON-lines input of any size. Lines inside one chunk are decoded straight from it
 * (no concatenation); only a line spanning chunks is buffered, and never beyond `maxLineBytes`: a longer
 * line is dropped whole and reported once, so a runaway writer cannot make us buffer forever.
 */
export interface LineSplitterOptions {
  maxLineBytes: number;
  onLine(line: string): void;
  /** A line longer than maxLineBytes was skipped (called once per such line, with its length so far). */
  onOversize(bytes: number): void;
}

export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Input ended (or the file was rotated away): a pending unterminated line is emitted as a line. */
  flush(): void;
  /** Forget a pending partial line without emitting it. */
  reset(): void;
  /** Bytes of an unterminated line held back. */
  readonly pendingBytes: number;
}

const NL = 0x0a;
const CR = 0x0d;

export function createLineSplitter(o: LineSplitterOptions): LineSplitter {
  let parts: Buffer[] = [];
  let partLen = 0;
  /** Inside an oversize line: discard until its newline. */
  let skipping = false;
  let skippedLen = 0;

  function emit(buf: Buffer, start: number, end: number): void {
    let e = end;
    if (e > start && buf[e - 1] === CR) e--;
    if (e <= start) return;
    const line = buf.toString('utf8', start, e);
    // Blank lines (whitespace only) are not events: skip them without a decode error.
    const first = buf[start];
    if ((first === 0x20 || first === 0x09) && line.trim() === '') return;
    o.onLine(line);
  }

  function emitPending(tail: Buffer, end: number): void {
    const whole = Buffer.concat([...parts, tail.subarray(0, end)]);
    parts = [];
    partLen = 0;
    emit(whole, 0, whole.length);
  }

  return {
    push(chunk) {
      let pos = 0;
      const len = chunk.length;
      while (pos < len) {
        const nl = chunk.indexOf(NL, pos);
        if (nl < 0) {
          const rest = len - pos;
          if (skipping) {
            skippedLen += rest;
          } else if (partLen + rest > o.maxLineBytes) {
            skipping = true;
            skippedLen = partLen + rest;
            parts = [];
            partLen = 0;
          } else {
            // Copy: the caller may reuse its read buffer.
            parts.push(Buffer.from(chunk.subarray(pos)));
            partLen += rest;
          }
          return;
        }
        if (skipping) {
          o.onOversize(skippedLen + (nl - pos));
          skipping = false;
          skippedLen = 0;
        } else if (partLen > 0) {
          if (partLen + (nl - pos) > o.maxLineBytes) {
            o.onOversize(partLen + (nl - pos));
            parts = [];
            partLen = 0;
          } else {
            emitPending(chunk.subarray(pos), nl - pos);
          }
        } else if (nl - pos > o.maxLineBytes) {
          o.onOversize(nl - pos);
        } else {
          emit(chunk, pos, nl);
        }
        pos = nl + 1;
      }
    },
    flush() {
      if (skipping) {
        o.onOversize(skippedLen);
        skipping = false;
        skippedLen = 0;
      } else if (partLen > 0) {
        emitPending(Buffer.alloc(0), 0);
      }
    },
    reset() {
      parts = [];
      partLen = 0;
      skipping = false;
      skippedLen = 0;
    },
    get pendingBytes() {
      return partLen;
    },
  };
}
