/**
 * Events saved pretty-printed (as sensor docs and `jq .` show them) or as one JSON array: every line is a decode
 * error, and the first one says why and how to fix the file, not only "invalid JSON".
 */
import { describe, expect, it } from 'vitest';
import { createLineProcessor, type LineSink } from '../../../src/scan/lines.js';

const exec = {
  process_exec: { process: { exec_id: 'ZXhlYw==', pid: 1, binary: '/bin/sh', arguments: '' } },
  node_name: 'n',
  time: '2026-01-01T00:00:00Z',
};

function errorsOf(text: string): string[] {
  const errors: string[] = [];
  let events = 0;
  const sink: LineSink = {
    event: () => {
      events++;
    },
    ignored: () => {},
    error: (_line, message) => {
      errors.push(message);
    },
  };
  const p = createLineProcessor('auto', { node: 'n' });
  for (const [i, line] of text.split('\n').entries()) p.line(line, i + 1, sink);
  expect(events).toBe(0);
  return errors;
}

describe('a file that is not JSON lines', () => {
  it('pretty-printed: its first line says so and how to compact it', () => {
    const errors = errorsOf(JSON.stringify(exec, null, 2));
    expect(errors[0]).toMatch(/^invalid JSON \(.*\): .*one JSON event per line.*pretty-printed.*jq -c \. FILE\)$/);
    // Lines inside the object are plain invalid JSON: the hint comes once, where the object opens.
    expect(errors.slice(1).filter((e) => e.includes('pretty-printed'))).toEqual([]);
  });

  it('a pretty-printed array: its first line says to make a line of each element, not to compact it', () => {
    // Compacted (`jq -c .`), it was one line holding the array, refused in turn as one.
    const errors = errorsOf(JSON.stringify([exec, exec], null, 2));
    expect(errors[0]).toMatch(/^invalid JSON \(.*\): .*pretty-printed JSON \(an array: .*jq -c "\.\[\]" FILE\)$/);
    expect(errors[0]).not.toContain('jq -c . FILE');
  });

  it('one JSON array: says to split it into lines', () => {
    expect(errorsOf(JSON.stringify([exec, exec]))).toEqual([
      'a JSON array, not an event: this reads one JSON event per line (split it: jq -c ".[]" FILE)',
    ]);
  });

  it('a truncated line gets no hint', () => {
    expect(errorsOf(JSON.stringify(exec).slice(0, 40))).toEqual([expect.stringMatching(/^invalid JSON \([^)]*\)$/)]);
  });
});
