/**
 * Follows a file like `tail -F`: keeps reading as it grows, survives rotation (rename + create, as
 * lumberjack does for Tetragon's export) and truncation, without losing or repeating lines.
 *
 *  - Rotation: the path now names another inode. The old file is read to its end first (its last
 *    lines were written before the rename), then the new one from offset 0.
 *  - Truncation: same inode, size below our offset: start again from 0.
 *  - A partial last line is held until its newline arrives.
 *  - A missing file (not created yet, or between rename and create) is waited for.
 *  - Anything else at the path (a directory, a FIFO) is reported and retried. A FIFO is never opened
 *    blocking: open(2) on one without a writer would park a libuv thread for good, and the process with it.
 * Polling (stat every `pollMs` when idle) is deliberate: it works the same on every filesystem, hostPath
 * and overlay included, where inotify may not.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { createLineSplitter } from './line-splitter.js';
import { sleep, yieldToEventLoop } from './sleep.js';

export interface TailOptions {
  /** Where to start in the file that exists at start-up: its end (only new lines) or its start. */
  startAt: 'end' | 'start';
  pollMs: number;
  maxLineBytes: number;
  onLine(line: string): void;
  onOversize(bytes: number): void;
  /** File state changes, for logs and connection state. */
  onState?(state: TailState, detail: string): void;
  waitForRoom?: () => Promise<void>;
}

export type TailState = 'open' | 'waiting' | 'rotated' | 'truncated' | 'error';

const CHUNK_BYTES = 1024 * 1024;

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Opens `path` for reading if it is a regular file; null if something else is there. stat() first, so a
 * FIFO is not even opened (opening its read end would wake a writer blocked in its own open, which then
 * gets EPIPE when we close). O_NONBLOCK for whatever replaces the file between that stat and the open: the
 * open returns at once (the flag means nothing for a regular file's reads), and fstat on what was opened
 * decides.
 */
async function openRegular(path: string): Promise<{ fh: FileHandle; st: Stats } | null> {
  if (!(await stat(path)).isFile()) return null;
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let st: Stats;
  try {
    st = await fh.stat();
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
  if (st.isFile()) return { fh, st };
  await fh.close();
  return null;
}

/** Follows `path` until `signal` aborts. Never rejects for file problems: it reports them and retries. */
export async function tailFile(path: string, o: TailOptions, signal: AbortSignal): Promise<void> {
  const splitter = createLineSplitter(o);
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let fh: FileHandle | null = null;
  let ino = -1;
  let dev = -1;
  let pos = 0;
  let first = true;
  let lastProblem = '';

  const problem = (state: TailState, detail: string) => {
    if (detail !== lastProblem) o.onState?.(state, detail);
    lastProblem = detail;
  };

  /** Reads from `pos` to the current end of the open file. */
  async function drain(handle: FileHandle): Promise<void> {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      splitter.push(buf.subarray(0, bytesRead));
      if (o.waitForRoom) await o.waitForRoom();
      if (signal.aborted) return;
      await yieldToEventLoop();
    }
  }

  try {
    while (!signal.aborted) {
      if (!fh) {
        try {
          const opened = await openRegular(path);
          if (!opened) {
            first = false; // as for a missing file: a regular file put there later is read from its start
            problem('error', `${path} is not a regular file`);
            await sleep(o.pollMs * 4, signal);
            continue;
          }
          fh = opened.fh;
          const st = opened.st;
          ino = st.ino;
          dev = st.dev;
          pos = first && o.startAt === 'end' ? st.size : 0;
          first = false;
          lastProblem = '';
          o.onState?.('open', `${path} at offset ${pos}`);
        } catch (err) {
          fh = null;
          first = false; // a file created after we started is read from its start
          problem(errCode(err) === 'ENOENT' ? 'waiting' : 'error', `${path}: ${errCode(err) ?? String(err)}`);
          await sleep(o.pollMs, signal);
          continue;
        }
      }
      await drain(fh);
      if (signal.aborted) break;

      let current: Awaited<ReturnType<typeof stat>> | null = null;
      try {
        current = await stat(path);
      } catch {
        current = null; // renamed away, not yet re-created: keep reading the old file meanwhile
      }
      if (current && (current.ino !== ino || current.dev !== dev)) {
        // Rotated: whatever reached the old file before the rename is still ours to read.
        await drain(fh);
        splitter.flush();
        await fh.close();
        fh = null;
        o.onState?.('rotated', `${path} was rotated; reading the new file from its start`);
        continue;
      }
      const own = await fh.stat();
      if (own.size < pos) {
        splitter.reset();
        pos = 0;
        o.onState?.('truncated', `${path} was truncated; reading from its start`);
        continue;
      }
      await sleep(o.pollMs, signal);
    }
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
