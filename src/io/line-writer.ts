/**
 * Buffered JSON-lines output for a busy stream (stdout under `exfilwatch events`): lines are gathered and
 * written as one chunk per event-loop turn, never one write per event, and the stream's back-pressure is
 * honoured — while it is full we stop writing, and `waitForRoom()` lets pausable producers (files) wait.
 * Producers that cannot pause (a live sensor) are bounded by `maxPendingBytes`: beyond it lines are
 * dropped and counted (`dropped`), never buffered without limit.
 */
import type { Writable } from 'node:stream';

export interface LineWriterOptions {
  /** Start telling producers to wait beyond this many buffered bytes. */
  highWaterBytes?: number;
  /** Drop lines beyond this many buffered bytes. */
  maxPendingBytes?: number;
  /** The stream failed (the reader went away): the producer should stop. */
  onError?: (err: Error) => void;
}

export interface LineWriter {
  /** Queues one line (without its newline). False when it was dropped because the buffer is full. */
  writeLine(line: string): boolean;
  /** Resolves when the buffer is below its high-water mark and the stream accepts writes. */
  waitForRoom(): Promise<void>;
  /** Resolves when everything queued has been handed to the stream (or the stream failed). */
  flush(): Promise<void>;
  readonly dropped: number;
  /** Bytes queued here or in the stream and not yet taken by it (what a stop that cannot wait loses). */
  readonly pendingBytes: number;
  /** The stream failed (EPIPE when the reader went away): further lines are discarded. */
  readonly failed: Error | null;
}

export function createLineWriter(stream: Writable, o: LineWriterOptions = {}): LineWriter {
  const highWater = o.highWaterBytes ?? 4 * 1024 * 1024;
  const maxPending = o.maxPendingBytes ?? 64 * 1024 * 1024;
  let lines: string[] = [];
  let pendingBytes = 0;
  let blocked = false;
  let scheduled = false;
  let dropped = 0;
  let failed: Error | null = null;
  let waiters: Array<() => void> = [];

  stream.on('error', (err: Error) => {
    if (failed) return;
    failed = err;
    lines = [];
    pendingBytes = 0;
    wakeAll();
    o.onError?.(err);
  });

  function wakeAll(): void {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  }

  function hasRoom(): boolean {
    return failed !== null || (!blocked && pendingBytes < highWater);
  }

  function pump(): void {
    scheduled = false;
    if (failed || blocked || lines.length === 0) {
      if (hasRoom()) wakeAll();
      return;
    }
    const chunk = `${lines.join('\n')}\n`;
    lines = [];
    pendingBytes = 0;
    if (!stream.write(chunk)) {
      blocked = true;
      stream.once('drain', () => {
        blocked = false;
        pump();
      });
    }
    if (hasRoom()) wakeAll();
  }

  function schedule(): void {
    if (!scheduled) {
      scheduled = true;
      setImmediate(pump);
    }
  }

  return {
    writeLine(line) {
      if (failed) return false;
      if (pendingBytes + line.length > maxPending) {
        dropped++;
        return false;
      }
      lines.push(line);
      pendingBytes += line.length + 1;
      schedule();
      return true;
    },
    waitForRoom() {
      if (hasRoom()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async flush() {
      while (!failed && (lines.length > 0 || blocked || scheduled)) {
        if (!scheduled && !blocked) pump();
        await new Promise<void>((resolve) => {
          if (blocked) {
            stream.once('drain', () => setImmediate(resolve));
            // A stream that fails (EPIPE) never drains: its error wakes this too.
            waiters.push(resolve);
          } else setImmediate(resolve);
        });
      }
    },
    get dropped() {
      return dropped;
    },
    get pendingBytes() {
      return failed ? 0 : pendingBytes + stream.writableLength;
    },
    get failed() {
      return failed;
    },
  };
}
