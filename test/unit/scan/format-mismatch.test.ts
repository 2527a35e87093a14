/**
 * `--format falco` over Tetragon lines (or the reverse): every line is a decode error naming why, as
 * docs/scan.md says of lines that are not a sensor event, never a silent "ignored" that leaves a user with
 * "events 0 (ignored 181)" and no hint that the flag was wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLineProcessor, type LineSink } from '../../../src/scan/lines.js';
import { defaultScenarioDir } from '../../../src/scenarios/index.js';

const generated = join(defaultScenarioDir(), 'generated');
const firstLines = (file: string): string[] =>
  readFileSync(join(generated, file), 'utf8').split('\n').filter(Boolean).slice(0, 20);

function outcome(format: 'auto' | 'tetragon' | 'falco', lines: string[]) {
  const r = { events: 0, ignored: 0, errors: [] as string[] };
  const sink: LineSink = {
    event: () => {
      r.events++;
    },
    ignored: () => {
      r.ignored++;
    },
    error: (_line, message) => {
      r.errors.push(message);
    },
  };
  const p = createLineProcessor(format, { node: 'n' });
  for (const [i, text] of lines.entries()) p.line(text, i + 1, sink);
  return r;
}

describe('a line of the other sensor under a fixed --format', () => {
  const tetragon = firstLines('git-push-ssh-db-dump.tetragon.jsonl');
  const falco = firstLines('git-push-ssh-db-dump.falco.jsonl');

  it('the lines themselves are events in their own format', () => {
    expect(outcome('auto', tetragon).events).toBe(tetragon.length);
    expect(outcome('falco', falco).events).toBe(falco.length);
  });

  it('Tetragon lines as falco: decode errors saying they are not Falco alerts', () => {
    const r = outcome('falco', tetragon);
    expect(r).toMatchObject({ events: 0, ignored: 0 });
    expect(r.errors).toHaveLength(tetragon.length);
    expect(r.errors[0]).toMatch(/^not a Falco alert/);
    // Told what the line is and where it goes, as a Falco line read as Tetragon is.
    expect(r.errors[0]).toBe(
      'not a Falco alert: this is a Tetragon event (process_*): read it as Tetragon (scan or events --format auto ' +
        'or tetragon; live, a tetragon-file or tetragon-grpc source)',
    );
  });

  it('Falco lines as tetragon: decode errors saying they are not Tetragon events', () => {
    const r = outcome('tetragon', falco);
    expect(r).toMatchObject({ events: 0, ignored: 0 });
    expect(r.errors).toHaveLength(falco.length);
    expect(r.errors[0]).toMatch(/^not a Tetragon event/);
    // A user who gave Falco's file as Tetragon's (--tetragon-file, --format tetragon) is told what it is and
    // where it goes, not only that no process_* key was found.
    expect(r.errors[0]).toBe(
      'not a Tetragon event: this is a Falco alert (rule, priority, output): read it as Falco (scan or events ' +
        '--format auto or falco; live, a falco-http source fed by Falco http_output)',
    );
  });
});
