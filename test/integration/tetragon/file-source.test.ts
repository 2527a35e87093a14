import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
});
