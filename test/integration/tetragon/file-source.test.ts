import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTetragonJson } from '../../../src/formats/tetragon/index.js';
import { tetragonFileSource } from '../../../src/sources/tetragon-file/index.js';
import { generatedEvents } from '../../fixtures/tetragon/generated.js';
import { allSamples } from '../../fixtures/tetragon/samples.js';
import { createHarness, metricValue } from './harness.js';

const lines = [...allSamples().map((s) => s.json), ...generatedEvents().map(([, j]) => j)].map((j) =>
  JSON.stringify(j),
);
const expected = lines
  .map((l) => normalizeTetragonJson(JSON.parse(l), { node: 'test-node' }))
  .filter((e) => e !== null);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('tetragon-file source (follows the JSON export)', () => {
  it('follows the export through a rotation, counts a malformed line, keeps every event once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-tfile-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'tetragon.log');
    writeFileSync(path, 'old line that must not be read\n');
    const h = createHarness();
    const config = tetragonFileSource.schema.parse({ path, pollIntervalMs: 10 });
    h.start(tetragonFileSource.create(config, h.deps));
    cleanups.push(() => h.stop());
    await h.waitFor(() => h.up(), 'file open');

    const half = Math.floor(lines.length / 2);
    appendFileSync(path, `${lines.slice(0, half).join('\n')}\n{"process_exec":\n`);
    renameSync(path, join(dir, 'tetragon-2025-01-01T00-00-00.000.log'));
    writeFileSync(path, `${lines.slice(half).join('\n')}\n`);

    await h.waitFor(() => h.events.length >= expected.length, 'all events');
    await new Promise((r) => setTimeout(r, 50));
    expect(h.events).toEqual(expected);
    expect(h.decodeErrors).toEqual([`${path} line ${half + 1}: invalid JSON (Unexpected end of JSON input)`]);
    expect(await metricValue(h.metrics.eventsDropped, { reason: 'malformed' })).toBe(1);
    expect(await h.stop()).toBe('resolved');
  });

  // The export followed by the daemon says of a pretty-printed event what scan and events say (io/json-line-problems.ts).
  it('a pretty-printed event appended says so where it opens, and how to compact it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-tfile-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'tetragon.log');
    writeFileSync(path, '');
    const h = createHarness();
    h.start(tetragonFileSource.create(tetragonFileSource.schema.parse({ path, pollIntervalMs: 10 }), h.deps));
    cleanups.push(() => h.stop());
    await h.waitFor(() => h.up(), 'file open');
    const pretty = JSON.stringify(JSON.parse(lines[0]!), null, 2);
    appendFileSync(path, `${pretty}\n`);
    await h.waitFor(() => h.decodeErrors.length === pretty.split('\n').length, 'every line refused');
    expect(h.decodeErrors[0]?.startsWith(`${path} line 1: invalid JSON (`)).toBe(true);
    expect(h.decodeErrors[0]).toMatch(/: .*pretty-printed JSON \(compact it: jq -c \. FILE\)$/);
    expect(h.decodeErrors.slice(1).filter((e) => e.includes('pretty-printed'))).toEqual([]);
  });

  it('a directory at the path names the file meant in it', async () => {
    // `--tetragon-file /var/run/cilium/tetragon` (the export's directory): "is not a regular file" alone, for ever.
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-tfile-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const h = createHarness();
    h.start(tetragonFileSource.create(tetragonFileSource.schema.parse({ path: dir, pollIntervalMs: 10 }), h.deps));
    cleanups.push(() => h.stop());
    await h.waitFor(() => h.logs.some((l) => l.msg === 'waiting for the export file'), 'directory reported');
    expect(h.logs.find((l) => l.msg === 'waiting for the export file')?.detail).toBe(
      `${dir} is a directory, not a regular file: give the export file in it (Tetragon writes tetragon.log)`,
    );
    expect(h.up()).toBe(false);
  });

  it('a FIFO at the path is reported like a directory, not opened for good: down, retried, back on a regular file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-tfile-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'tetragon.log');
    execFileSync('mkfifo', [path]);
    const h = createHarness();
    h.start(tetragonFileSource.create(tetragonFileSource.schema.parse({ path, pollIntervalMs: 10 }), h.deps));
    cleanups.push(() => h.stop());
    // Should a reader ever block in open(2) on the FIFO, a writer end releases it so the test ends.
    cleanups.push(() => {
      try {
        closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {}
    });
    const kept = lines.filter((l) => normalizeTetragonJson(JSON.parse(l), { node: 'test-node' }) !== null);
    const read = () => h.events.filter((e) => e.kind !== 'gap');
    const notRegular = () =>
      h.logs.filter((l) => l.msg === 'waiting for the export file' && String(l.detail).includes('not a regular file'));

    await h.waitFor(() => notRegular().length === 1, 'FIFO reported');
    expect(h.up()).toBe(false);

    // A regular file put there later is read from its start (it appeared after we started, as a missing one).
    rmSync(path);
    writeFileSync(path, `${kept.slice(0, 5).join('\n')}\n`);
    await h.waitFor(() => h.up() && read().length === 5, 'file read after the FIFO');

    // The followed file replaced by a FIFO: down again, then a regular file back and every line read.
    rmSync(path);
    execFileSync('mkfifo', [path]);
    await h.waitFor(() => !h.up(), 'down while a FIFO');
    rmSync(path);
    writeFileSync(path, `${kept.slice(5, 12).join('\n')}\n`);
    await h.waitFor(() => h.up() && read().length === 12, 'file read after the second FIFO');
    expect(read()).toEqual(expected.slice(0, 12));
    expect(notRegular().length).toBe(2);
    expect(await metricValue(h.metrics.sourceReconnects, { source: 'tetragon-file' })).toBe(1);
    expect(await h.stop()).toBe('resolved');
  });
});
