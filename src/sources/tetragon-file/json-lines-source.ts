/**
 * JSON-lines files as an event source: each line is JSON.parse'd, its format fixed or detected per line
 * through the src/formats registry, and normalized. The `tetragon-file` source follows its file with it
 * (rotation-safe). It reads finite inputs too (plain, gzip, stdin), but `scan` and `events` read theirs
 * with src/scan/source.ts, which the tests hold to this reader's results.
 *
 * Every bad line is a counted skip (out.decodeError) naming the file and line: malformed JSON, an
 * unrecognised shape, an over-long line. Nothing ends the stream but the end of input or the signal.
 */
import { DecodeError, errorMessage } from '../../errors.js';
import { detectFormat, type EventFormat, formatByName } from '../../formats/index.js';
import { invalidJsonLine, notAnObject } from '../../io/json-line-problems.js';
import { readLines } from '../../io/read-lines.js';
import { tailFile } from '../../io/tail.js';
import type { SourceTypeLabel } from '../../telemetry/metrics.js';
import type { EventSource, SourceDeps, SourceOutput } from '../types.js';

export type JsonLinesFormat = 'auto' | EventFormat['name'];

export interface JsonLinesSourceOptions {
  /** Files to read; `-` is stdin. Finite inputs are read in order; followed files concurrently. */
  paths: string[];
  format: JsonLinesFormat;
  /** Follow like `tail -F` (never ends) instead of reading to the end. */
  follow: boolean;
  /** When following: start at the end of an existing file (default) or at its start. */
  startAt?: 'end' | 'start';
  pollIntervalMs?: number;
  /** Longer lines are skipped and counted, never buffered whole. */
  maxLineBytes?: number;
  /** Source type label for metrics (`tetragon-file` for the configured tailer; `file` when unset). */
  type?: SourceTypeLabel;
  /**
   * Resolves when something further downstream has room (the `events` command's stdout). Reading also
   * always waits for room in the event queue (out.waitForRoom): a file can pause, so it never drops.
   */
  waitForRoom?: () => Promise<void>;
}

export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * What a permission problem on the followed export usually is: Tetragon writes its file root:root 0600,
 * so no non-root reader gets in however its groups are set (docs/deploy.md, "Tetragon JSON export file").
 * A directory above it that may not be searched is another fix (that directory's mode or group), which the
 * file's setting does not reach.
 */
const EXPORT_FILE_PERMISSION = {
  file: 'Tetragon writes its export 0600 unless its Helm value tetragon.exportFilePerm is "640"; then run in the file\'s group (chart: tetragon.socketGroup, 0 by default)',
  directory:
    "a directory on the path may not be searched (x) by this uid or groups: that directory's mode or group, not the file's, is what to change",
};

export function createJsonLinesSource(
  options: JsonLinesSourceOptions,
  deps: Pick<SourceDeps, 'logger' | 'node'> & Partial<Pick<SourceDeps, 'metrics'>>,
): EventSource {
  const type = options.type ?? 'file';
  const fixed = options.format === 'auto' ? undefined : formatByName(options.format);
  if (options.format !== 'auto' && !fixed) throw new Error(`unknown event format "${options.format}"`);
  const defaults = { node: deps.node };
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;

  function roomFor(out: SourceOutput): () => Promise<void> {
    const downstream = options.waitForRoom;
    const queue = () => out.waitForRoom();
    if (!downstream) return queue;
    return async () => {
      await queue();
      await downstream();
    };
  }

  function lineHandler(path: string, out: SourceOutput) {
    let lineNo = 0;
    const where = () => `${path === '-' ? 'stdin' : path} line ${lineNo}`;
    return {
      maxLineBytes,
      onLine(line: string) {
        lineNo++;
        let obj: unknown;
        try {
          obj = JSON.parse(line);
        } catch (err) {
          out.decodeError(new DecodeError(`${where()}: ${invalidJsonLine(line, err)}`));
          return;
        }
        const notObject = notAnObject(obj);
        if (notObject !== null) {
          out.decodeError(new DecodeError(`${where()}: ${notObject}`));
          return;
        }
        const record = obj as Record<string, unknown>;
        const format = fixed ?? detectFormat(record);
        if (!format) {
          out.decodeError(new DecodeError(`${where()}: not a Tetragon or Falco event`));
          return;
        }
        let event: ReturnType<EventFormat['normalize']>;
        try {
          event = format.normalize(record, defaults);
        } catch (err) {
          out.decodeError(new DecodeError(`${where()}: ${errorMessage(err)}`, { cause: err }), format.name);
          return;
        }
        if (event) out.offer(event);
        else out.ignored();
      },
      onOversize(bytes: number) {
        lineNo++;
        out.decodeError(new DecodeError(`${where()}: line of ${bytes} bytes exceeds ${maxLineBytes}; skipped`));
      },
    };
  }

  async function readFinite(out: SourceOutput, signal: AbortSignal): Promise<void> {
    out.connection(true, options.paths.join(', '));
    for (const path of options.paths) {
      if (signal.aborted) return;
      try {
        await readLines(path, { ...lineHandler(path, out), waitForRoom: roomFor(out), signal });
      } catch (err) {
        // One unreadable file does not stop the others: say which and why, and carry on.
        deps.logger.error({ source: type, path, err: errorMessage(err) }, 'cannot read input file; skipped');
        out.decodeError(new DecodeError(`${path}: ${errorMessage(err)}`));
      }
    }
  }

  async function follow(out: SourceOutput, signal: AbortSignal): Promise<void> {
    await Promise.all(
      options.paths.map((path) =>
        tailFile(
          path,
          {
            ...lineHandler(path, out),
            startAt: options.startAt ?? 'end',
            pollMs: options.pollIntervalMs ?? 250,
            waitForRoom: roomFor(out),
            onState(state, detail, failure) {
              if (state === 'open') out.connection(true, detail);
              else if (failure?.unreadable !== undefined) {
                // /readyz's reason gets the setting to look at, in a word: the log line has the whole hint.
                out.connection(false, failure.unreadable === 'file' ? `${detail}; tetragon.exportFilePerm` : detail);
                deps.logger.warn(
                  { source: type, path, detail, hint: EXPORT_FILE_PERMISSION[failure.unreadable] },
                  'cannot read the export file; retrying',
                );
              } else if (state === 'waiting' || state === 'error') {
                out.connection(false, detail);
                deps.logger.warn({ source: type, path, detail }, 'waiting for the export file');
              } else {
                deps.metrics?.sourceFileRestarts.labels(type, state).inc();
                deps.logger.info({ source: type, path, detail }, `export file ${state}`);
              }
            },
          },
          signal,
        ),
      ),
    );
  }

  return {
    id: `${type} ${options.paths.join(',')}`,
    type,
    run: (out, signal) => (options.follow ? follow(out, signal) : readFinite(out, signal)),
  };
}
