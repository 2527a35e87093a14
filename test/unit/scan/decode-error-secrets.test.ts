/**
 * A line that does not parse is logged with the parser's reason (rate-limited, json-lines-source.ts and `scan`'s
 * stderr; Falco's HTTP receiver's DecodeError). V8's JSON.parse quotes up to ~20 characters of the input around
 * the bad token, the whole line when it is short: a line torn mid-record (an export file rotated or truncated
 * under its reader) starts inside an argument, and a piece of the credential in it reached the log.
 */
import { describe, expect, it } from 'vitest';
import { parseFalcoJson } from '../../../src/formats/falco/parse.js';
import { createLineProcessor, type LineSink } from '../../../src/scan/lines.js';

const PIECE = 'Sx8kLp2QvR';
// The tail of a Tetragon exec whose start was lost, and a line with a bare value where a string belonged.
const TORN = `${PIECE}7tYw@github.com/acme/app.git main","flags":"execve clone"},"node_name":"n"}`;
const BARE = `{"process_exec":{"process":{"arguments":"push -p", "x": ${PIECE}7tYwABCDEF}}}`;

function lineError(text: string): string {
  const errors: string[] = [];
  const sink: LineSink = { event: () => {}, ignored: () => {}, error: (_line, message) => errors.push(message) };
  createLineProcessor('auto', { node: 'n' }).line(text, 1, sink);
  expect(errors).toHaveLength(1);
  return errors[0] ?? '';
}

function falcoError(text: string): string {
  try {
    parseFalcoJson(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('parsed');
}

describe('a line that is not JSON: its reason quotes none of it', () => {
  it.each([TORN, BARE, `${PIECE}7tYw`])('%s', (text) => {
    expect(() => JSON.parse(text)).toThrow(PIECE.slice(0, 6));
    for (const message of [lineError(text), falcoError(text)]) {
      expect(message).not.toContain(PIECE.slice(0, 6));
      // The reason stays: what the parser met, and where.
      expect(message).toMatch(/Unexpected token|not valid JSON/);
    }
  });
});
