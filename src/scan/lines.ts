/**
 * One piece of whole lines → events, ignored events and decode errors, in line order. The same code runs
 * in scan's line workers and in the main thread (small inputs, `--threads 0`), so the two cannot differ.
 *
 * Semantics are the file source's (src/sources/tetragon-file/json-lines-source.ts with
 * src/io/line-splitter.ts): one trailing CR is dropped, blank lines are neither events nor counted, every
 * other line is numbered, JSON.parse'd, its format fixed or detected, normalized.
 */
import { errorMessage } from '../errors.js';
import { detectFormat, type EventFormat, formatByName, type NormalizeDefaults } from '../formats/index.js';
import { invalidJsonLine, notAnObject } from '../io/json-line-problems.js';
import type { NormalizedEvent, SensorSource } from '../model/normalized-event.js';

export type ScanFormat = 'auto' | EventFormat['name'];

/** Receives a piece's outcome line by line. `line` counts the piece's numbered lines from 1. */
export interface LineSink {
  event(event: NormalizedEvent, format: EventFormat['name'], line: number, text: string): void;
  ignored(): void;
  /** `message` is what follows `<file> line <n>: ` in the decode error; `sensor` when the format is known. */
  error(line: number, message: string, sensor: SensorSource | undefined): void;
}

const NL = 0x0a;
const CR = 0x0d;

export interface LineProcessor {
  /** Handles every line of `bytes`; returns how many lines were numbered. */
  process(bytes: Buffer, sink: LineSink): number;
  /** One line (already cut and decoded) through parse, detect, normalize. */
  line(text: string, line: number, sink: LineSink): void;
}

export function createLineProcessor(format: ScanFormat, defaults: NormalizeDefaults): LineProcessor {
  const fixed = format === 'auto' ? undefined : formatByName(format);
  if (format !== 'auto' && !fixed) throw new Error(`unknown event format "${format}"`);

  function line(text: string, lineNo: number, sink: LineSink): void {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      sink.error(lineNo, invalidJsonLine(text, err), undefined);
      return;
    }
    const notObject = notAnObject(obj);
    if (notObject !== null) {
      sink.error(lineNo, notObject, undefined);
      return;
    }
    const record = obj as Record<string, unknown>;
    const f = fixed ?? detectFormat(record);
    if (!f) {
      sink.error(lineNo, 'not a Tetragon or Falco event', undefined);
      return;
    }
    let event: NormalizedEvent | null;
    try {
      event = f.normalize(record, defaults);
    } catch (err) {
      sink.error(lineNo, errorMessage(err), f.name);
      return;
    }
    if (event) sink.event(event, f.name, lineNo, text);
    else sink.ignored();
  }

  return {
    line,
    process(bytes, sink) {
      let lineNo = 0;
      const len = bytes.length;
      let s = 0;
      while (s < len) {
        let nl = bytes.indexOf(NL, s);
        if (nl < 0) nl = len;
        let e = nl;
        if (e > s && bytes[e - 1] === CR) e--;
        if (e > s) {
          const text = bytes.toString('utf8', s, e);
          const first = bytes[s];
          // Blank lines (whitespace only) are not events: skipped without a decode error or a number.
          if (!((first === 0x20 || first === 0x09) && text.trim() === '')) line(text, ++lineNo, sink);
        }
        s = nl + 1;
      }
      return lineNo;
    },
  };
}
