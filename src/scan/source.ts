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
import { DecodeError, errorMessage } from '../errors.js';
import { yieldToEventLoop } from '../io/sleep.js';
import type { NormalizedEvent, SensorSource } from '../model/normalized-event.js';
import type { EventSource, SourceDeps, SourceOutput } from '../sources/types.js';
import type { PieceHandler } from './codec.js';
import { createLineProcessor, type LineSink, type ScanFormat } from './lines.js';
import { readPieces } from './pieces.js';
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
}

export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Pieces handed out but not yet replayed, per worker: enough to keep every worker busy. */
const IN_FLIGHT_PER_WORKER = 3;

type Pending = { kind: 'oversize'; bytes: number } | { kind: 'lines'; result: Promise<PieceResult> };

export function createScanSource(o: ScanSourceOptions, deps: Pick<SourceDeps, 'logger' | 'node'>): EventSource {
  const maxLineBytes = o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const lines = createLineProcessor(o.format, { node: deps.node });
  const type = 'file';

  async function scanFile(path: string, out: SourceOutput, pool: LinePool | null, signal: AbortSignal) {
    const name = path === '-' ? 'stdin' : path;
    let base = 0;
    const sink: LineSink & PieceHandler = {
      event: (e: NormalizedEvent) => void out.offer(e),
      ignored: () => out.ignored(),
      error(line: number, message: string, sensor: SensorSource | undefined) {
        out.decodeError(new DecodeError(`${name} line ${base + line}: ${message}`), sensor);
      },
      raw: (line: number, text: string) => lines.line(text, line, sink),
    };
    const oversize = (bytes: number) => {
      base++;
      out.decodeError(new DecodeError(`${name} line ${base}: line of ${bytes} bytes exceeds ${maxLineBytes}; skipped`));
    };
    const pending: Pending[] = [];
    const replay = async (p: Pending) => {
      if (p.kind === 'oversize') oversize(p.bytes);
      else {
        const { piece, decoder } = await p.result;
        decoder.apply(piece, sink);
        base += piece.lines;
      }
      await out.waitForRoom();
    };
    const pieces = readPieces(path, { maxLineBytes, chunkBytes: o.chunkBytes, stdin: o.stdin });
    let readError: unknown = null;
    try {
      for await (const piece of pieces) {
        if (piece.kind === 'oversize') {
          if (pool) pending.push(piece);
          else oversize(piece.bytes);
        } else if (pool) {
          pending.push({ kind: 'lines', result: pool.submit(piece.buffer, piece.offset, piece.length) });
        } else {
          base += lines.process(Buffer.from(piece.buffer, piece.offset, piece.length), sink);
        }
        if (signal.aborted) return;
        if (pool) {
          while (pending.length >= IN_FLIGHT_PER_WORKER * o.threads) await replay(pending.shift()!);
        } else {
          await out.waitForRoom();
          // Let the correlator drain what these lines produced before reading more.
          await yieldToEventLoop();
        }
      }
    } catch (err) {
      // What was read before the error is still delivered (in order), then the error is reported.
      readError = err;
    }
    while (pending.length > 0 && !signal.aborted) await replay(pending.shift()!);
    if (readError !== null) throw readError;
  }

  return {
    id: `${type} ${o.paths.join(',')}`,
    type,
    async run(out, signal) {
      out.connection(true, o.paths.join(', '));
      const pool = o.threads > 0 ? startLinePool(o.threads, { format: o.format, node: deps.node }) : null;
      try {
        for (const path of o.paths) {
          if (signal.aborted) return;
          try {
            await scanFile(path, out, pool, signal);
          } catch (err) {
            // One unreadable file does not stop the others: say which and why, and carry on.
            deps.logger.error({ source: type, path, err: errorMessage(err) }, 'cannot read input file; skipped');
            out.decodeError(new DecodeError(`${path}: ${errorMessage(err)}`));
          }
        }
      } finally {
        await pool?.close();
      }
    },
  };
}
