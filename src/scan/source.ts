/**
 * scan's input as an event source: finite JSON-lines inputs (plain, gzip, stdin), read in order, every
 * line an event, an ignored event or a counted decode error naming the file and line — exactly what the
 * file source (src/sources/tetragon-file/json-lines-source.ts) reports for the same input.
 *
 * With `threads` > 0, JSON.parse and normalization run in line workers: the main thread reads the input
 * in pieces of whole lines, deals them out, and replays the results strictly in file order while it
 * correlates. With 0 everything runs here (small inputs: starting workers costs more than it saves).
 */

import type { Readable } from 'node:stream';
import { DecodeError } from '../errors.js';
import { yieldToEventLoop } from '../io/sleep.js';
import type { NormalizedEvent, SensorSource } from '../model/normalized-event.js';
import type { EventSource, SourceDeps, SourceOutput } from '../sources/types.js';
import type { PieceHandler } from './codec-decode.js';
import { readFailureReason, type UnreadableInput } from './inputs.js';
import { createLineProcessor, type LineSink, type ScanFormat } from './lines.js';
import { ReadBuffers, readBufferBytes, readPieces } from './pieces.js';
import { type LinePool, type PieceResult, startLinePool } from './worker-pool.js';

export interface ScanSourceOptions {
  /** Files in order; `-` is stdin. */
  paths: string[];
  format: ScanFormat;
  /** Line workers; 0 = parse and normalize on the main thread. */
  threads: number;
  /** Longer lines are skipped and counted, never buffered whole. */
  maxLineBytes?: number;
  /** Read size (tests use small ones to cut lines across reads). */
  chunkBytes?: number;
  /** stdin replacement (tests). */
  stdin?: Readable;
  /** Start reading only once every worker is up (tests: so the worker path is the one that runs). */
  awaitWorkers?: boolean;
  /**
   * An input that cannot be opened or stops part-way (a corrupt or truncated .gz), after the lines read
   * before the failure were delivered; the other inputs are still read. Without it the failure is logged.
   * Never a decode error: those count bad lines, and this is the whole input.
   */
  onUnreadable?: (input: UnreadableInput) => void;
  /** Resolves when something beyond the event queue has room (the `events` command's stdout). */
  waitForRoom?: () => Promise<void>;
  /**
   * Sees every event handed on except those whose container object was handed on before (a line worker
   * sends each container once, then by number): what scan's summary needs to count distinct containers,
   * without a Set lookup per line (test/unit/scan/codec.test.ts; the count: test/scenarios/scan-parallel.test.ts).
   */
  newContainer?: (event: NormalizedEvent) => void;
}

export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Pieces handed out but not yet replayed, per worker: enough to keep every worker busy. */
const IN_FLIGHT_PER_WORKER = 8;

/** A piece read but not yet replayed, in file order. */
type Item =
  | { kind: 'oversize'; bytes: number }
  /** Not handed out yet: a worker takes it when one has room, else the main thread does when idle. */
  | { kind: 'lines'; bytes: Buffer }
  | { kind: 'worker'; result: Promise<PieceResult>; done: boolean }
  /** Parsed on the main thread while a worker had the pieces before it: replayed in its turn. */
  | { kind: 'local'; outcome: Recorded[]; lines: number };

type Recorded =
  | NormalizedEvent
  | { kind: 'ignored' }
  | { kind: 'error'; line: number; message: string; sensor: SensorSource | undefined };

const IGNORED: Recorded = { kind: 'ignored' };

/** Keeps a piece's outcome for later: lines parsed ahead of pieces a worker still holds. */
function recorder(into: Recorded[]): LineSink {
  return {
    event: (e: NormalizedEvent) => void into.push(e),
    ignored: () => void into.push(IGNORED),
    error: (line, message, sensor) => void into.push({ kind: 'error', line, message, sensor }),
  };
}

export function createScanSource(o: ScanSourceOptions, deps: Pick<SourceDeps, 'logger' | 'node'>): EventSource {
  const maxLineBytes = o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const lines = createLineProcessor(o.format, { node: deps.node });
  const type = 'file';
  // Read-ahead: enough pieces for every worker's queue plus some for the main thread to take.
  const window = o.threads * IN_FLIGHT_PER_WORKER + 3;

  /** Reads one input; `done.lines` follows the lines delivered, for the report of a failure part-way. */
  async function scanFile(
    path: string,
    out: SourceOutput,
    pool: LinePool | null,
    signal: AbortSignal,
    done: { lines: number },
  ) {
    const name = path === '-' ? 'stdin' : path;
    let base = 0;
    const handOn = (e: NormalizedEvent) => {
      o.newContainer?.(e);
      out.offer(e);
    };
    const sink: LineSink & PieceHandler = {
      event: handOn,
      repeat: (e: NormalizedEvent) => void out.offer(e),
      ignored: () => out.ignored(),
      error(line: number, message: string, sensor: SensorSource | undefined) {
        out.decodeError(new DecodeError(`${name} line ${base + line}: ${message}`), sensor);
      },
      raw: (line: number, text: string) => lines.line(text, line, sink),
    };
    const items: Item[] = [];
    let inFlight = 0;
    const buffers = new ReadBuffers(readBufferBytes(o.chunkBytes), window + 2);
    const pieces = readPieces(path, { maxLineBytes, chunkBytes: o.chunkBytes, stdin: o.stdin, buffers });
    let eof = false;
    let readError: unknown = null;

    const handOut = () => {
      // Only to workers that are up: until then (~100 ms) the main thread parses everything itself.
      const limit = pool!.ready() * IN_FLIGHT_PER_WORKER;
      for (let i = 0; i < items.length && inFlight < limit; i++) {
        const item = items[i]!;
        if (item.kind !== 'lines') continue;
        const b = item.bytes;
        const worker: Item & { kind: 'worker' } = {
          kind: 'worker',
          result: pool!.submit(b.buffer as ArrayBuffer, b.byteOffset, b.length),
          done: false,
        };
        const settle = () => {
          worker.done = true;
        };
        worker.result.then(settle, settle);
        items[i] = worker;
        inFlight++;
      }
    };

    const replay = async (item: Item) => {
      switch (item.kind) {
        case 'oversize':
          base++;
          out.decodeError(
            new DecodeError(`${name} line ${base}: line of ${item.bytes} bytes exceeds ${maxLineBytes}; skipped`),
          );
          break;
        case 'lines':
          base += lines.process(item.bytes, sink);
          buffers.give(item.bytes.buffer);
          break;
        case 'worker': {
          inFlight--;
          const { piece, decoder } = await item.result;
          if (piece.input) buffers.give(piece.input);
          decoder.apply(piece, sink);
          base += piece.lines;
          break;
        }
        case 'local':
          for (const r of item.outcome) {
            if (r.kind === 'ignored') out.ignored();
            else if (r.kind === 'error') sink.error(r.line, r.message, r.sensor);
            else handOn(r);
          }
          base += item.lines;
          break;
      }
      done.lines = base;
      await out.waitForRoom();
      if (o.waitForRoom) await o.waitForRoom();
      // Let the correlator drain what these lines produced before reading more.
      await yieldToEventLoop();
    };

    try {
      while (!signal.aborted) {
        while (!eof && items.length < window && readError === null) {
          try {
            const next = await pieces.next();
            if (next.done) eof = true;
            else {
              const p = next.value;
              items.push(
                p.kind === 'oversize' ? p : { kind: 'lines', bytes: Buffer.from(p.buffer, p.offset, p.length) },
              );
            }
          } catch (err) {
            // What was read before the error is still delivered (in order), then the error is reported.
            readError = err;
          }
          if (pool) handOut();
        }
        if (items.length === 0) break;
        const head = items[0]!;
        if (head.kind === 'worker' && !head.done) {
          // The main thread would only wait: it parses a later piece itself meanwhile (work sharing).
          const i = items.findIndex((item) => item.kind === 'lines');
          if (i > 0) {
            const outcome: Recorded[] = [];
            const bytes = (items[i] as { bytes: Buffer }).bytes;
            const count = lines.process(bytes, recorder(outcome));
            buffers.give(bytes.buffer);
            items[i] = { kind: 'local', outcome, lines: count };
            continue;
          }
        }
        items.shift();
        await replay(head);
        if (pool) handOut();
      }
    } finally {
      await pieces.return(undefined);
    }
    if (readError !== null) throw readError;
  }

  return {
    id: `${type} ${o.paths.join(',')}`,
    type,
    async run(out, signal) {
      out.connection(true, o.paths.join(', '));
      const pool = o.threads > 0 ? startLinePool(o.threads, { format: o.format, node: deps.node }) : null;
      try {
        if (pool && o.awaitWorkers) await pool.allReady();
        for (const path of o.paths) {
          if (signal.aborted) return;
          const done = { lines: 0 };
          try {
            await scanFile(path, out, pool, signal, done);
          } catch (err) {
            // One unreadable file does not stop the others: say which and why, and carry on.
            const input = { path, reason: readFailureReason(err), linesBefore: done.lines };
            if (o.onUnreadable) o.onUnreadable(input);
            else deps.logger.error({ source: type, ...input }, 'cannot read input file');
          }
        }
      } finally {
        await pool?.close();
      }
    },
  };
}
