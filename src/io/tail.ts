/**
 * Follows a file like `tail -F`: keeps reading as it grows, survives rotation (rename + create, as
 * lumberjack does for Tetragon's export) and truncation, without losing or repeating lines.
 *
 *  - Rotation: the path now names another inode. The old file is read to its end first (its last
 *    lines were written before the rename), then the new one from offset 0.
 *  - Truncation (copytruncate): same inode, but the bytes just before our offset are gone (size below
 *    it) or no longer those we read (truncated and written again past it between two looks, or while
 *    reading waited for room): start again from 0. A file that only grows never changes those bytes.
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
  /** File state changes, for logs and connection state; `failure` says why an open failed. */
  onState?(state: TailState, detail: string, failure?: OpenFailure): void;
  waitForRoom?: () => Promise<void>;
}

export type TailState = 'open' | 'waiting' | 'rotated' | 'truncated' | 'error';

const CHUNK_BYTES = 1024 * 1024;
/**
 * How many bytes before our offset every read fetches again and compares with what we read there. A
 * Tetragon line ends in its nanosecond `time`, so rewritten content matching 1 KiB at the same offset is
 * not a real risk; the cost is 1 KiB more per read.
 */
const MARK_BYTES = 1024;

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Why an open failed: the errno code, and for a permission problem what may not be read, the file itself
 * (its mode is the fix) or a directory above it (whose mode is, however the file's is set).
 */
export interface OpenFailure {
  code: string | undefined;
  unreadable?: 'file' | 'directory';
}

/**
 * Why `path` could not be opened. A permission problem says the file's mode and owner and who we run as:
 * what it takes to fix it (a group, a mode) is in those, and an `EACCES` alone does not show them.
 */
async function openFailure(path: string, err: unknown): Promise<{ detail: string; failure: OpenFailure }> {
  const code = errCode(err);
  if (code !== 'EACCES') return { detail: `${path}: ${code ?? String(err)}`, failure: { code } };
  const self = `this process runs as uid ${process.getuid?.()}, groups ${(process.getgroups?.() ?? []).join(',')}`;
  try {
    const st = await stat(path);
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    return {
      detail: `${path}: EACCES: permission denied (mode ${mode}, owner ${st.uid}:${st.gid}; ${self})`,
      failure: { code, unreadable: 'file' },
    };
  } catch (statErr) {
    // Only a stat refused too means a directory on the way: one gone since the open (rotated away) is no
    // permission problem to explain.
    if (errCode(statErr) !== 'EACCES') return { detail: `${path}: ${errCode(statErr) ?? code}`, failure: { code } };
    return {
      detail: `${path}: EACCES: permission denied (a directory above it cannot be searched; ${self})`,
      failure: { code, unreadable: 'directory' },
    };
  }
}

/** What a directory at the followed path most often is: the export's own (`/var/run/cilium/tetragon`). */
const DIRECTORY_HINT = ': give the export file in it (Tetragon writes tetragon.log)';

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
  /** The `markLen` (= min(pos, MARK_BYTES)) bytes that precede `pos` in the file, as we read them. */
  const mark = Buffer.alloc(MARK_BYTES);
  let markLen = 0;
  let first = true;
  let lastProblem = '';

  const problem = (state: TailState, detail: string, failure?: OpenFailure) => {
    if (detail !== lastProblem) o.onState?.(state, detail, failure);
    lastProblem = detail;
  };

  /** Sets `pos` to `at` and `mark` to the bytes before it; `at` is 0 if the file is shorter by now. */
  async function seek(handle: FileHandle, at: number): Promise<void> {
    const want = Math.min(at, MARK_BYTES);
    const { bytesRead } = want > 0 ? await handle.read(mark, 0, want, at - want) : { bytesRead: 0 };
    pos = bytesRead === want ? at : 0;
    markLen = bytesRead === want ? want : 0;
  }

  /**
   * Reads from `pos` to the current end of the open file. Each read starts `markLen` bytes early, so one
   * read both checks that what lies under our offset is still what we read and fetches what follows.
   * Returns why not, if it no longer is.
   */
  async function drain(handle: FileHandle): Promise<string | null> {
    for (;;) {
      const back = markLen;
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos - back);
      if (bytesRead < back) return 'its size fell below our offset';
      if (buf.compare(mark, 0, back, 0, back) !== 0) return 'it was written again past our offset';
      if (bytesRead === back) return null;
      pos += bytesRead - back;
      markLen = Math.min(pos, MARK_BYTES);
      buf.copy(mark, 0, bytesRead - markLen, bytesRead);
      splitter.push(buf.subarray(back, bytesRead));
      if (o.waitForRoom) await o.waitForRoom();
      if (signal.aborted) return null;
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
            // A directory is most often the export's own (`/var/run/cilium/tetragon`): name the file meant.
            const dir = (await stat(path).catch(() => null))?.isDirectory() === true;
            problem('error', `${path} is ${dir ? 'a directory, ' : ''}not a regular file${dir ? DIRECTORY_HINT : ''}`);
            await sleep(o.pollMs * 4, signal);
            continue;
          }
          fh = opened.fh;
          const st = opened.st;
          ino = st.ino;
          dev = st.dev;
          await seek(fh, first && o.startAt === 'end' ? st.size : 0);
          first = false;
          lastProblem = '';
          o.onState?.('open', `${path} at offset ${pos}`);
        } catch (err) {
          await fh?.close().catch(() => undefined);
          fh = null;
          first = false; // a file created after we started is read from its start
          const { detail, failure } = await openFailure(path, err);
          problem(failure.code === 'ENOENT' ? 'waiting' : 'error', detail, failure);
          await sleep(o.pollMs, signal);
          continue;
        }
      }
      const changed = await drain(fh);
      if (signal.aborted) break;
      if (changed) {
        // What lay between our last read and the truncation is gone (docs/guarantees.md: not promised).
        splitter.reset();
        await seek(fh, 0);
        o.onState?.('truncated', `${path} was truncated (${changed}); reading from its start`);
        continue;
      }

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
      await sleep(o.pollMs, signal);
    }
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
