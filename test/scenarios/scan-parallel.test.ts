/**
 * scan's line workers change where lines are parsed, never what comes out: on a file mixing Tetragon and
 * Falco lines with bad ones (invalid JSON, non-objects, unknown shapes, normalizer errors, over-long lines,
 * CRLF, blank lines, values the worker hand-over cannot carry), the parallel source yields exactly the
 * events (same objects, same order), ignored count and decode errors (same messages and sensors) as the
 * main-thread source and as the file source scan used before (json-lines-source.ts); and `scan` itself
 * gives the same alerts and summary counts with and without workers, for plain, .gz and stdin input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/cli/scan.js';
import { parseConfig } from '../../src/config/load.js';
import type { DecodeError } from '../../src/errors.js';
import { systemClock } from '../../src/model/clock.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import type { UnreadableInput } from '../../src/scan/inputs.js';
import { createScanSource } from '../../src/scan/source.js';
import { defaultScenarioDir, generateBackground, generatedPaths, renderTetragon } from '../../src/scenarios/index.js';
import { createJsonLinesSource } from '../../src/sources/tetragon-file/json-lines-source.js';
import type { EventSource } from '../../src/sources/types.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { Capture } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-scan-par-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAX_LINE = 8_192;
const scenario = (name: string) => generatedPaths(defaultScenarioDir(), name);
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

/** Real events from both sensors, attacks included, with every kind of bad line in between. */
function mixedInput(): Buffer {
  const tetragon = [
    ...lines(scenario('git-push-https-bulk-read').tetragon),
    ...renderTetragon(generateBackground({ durationMs: 120_000, periodS: 2 })),
  ];
  const falco = lines(scenario('oras-push-secrets').falco);
  const real = JSON.parse(
    tetragon.find((l) => l.includes('"pod_labels"') && l.startsWith('{"process_kprobe"'))!,
  ) as Record<string, Record<string, Record<string, unknown>>>;
  const withLabels = (labels: unknown) => {
    const copy = structuredClone(real);
    (copy.process_kprobe!.process!.pod as Record<string, unknown>).pod_labels = labels;
    return JSON.stringify(copy);
  };
  let deep: unknown = 'bottom';
  for (let i = 0; i < 200; i++) deep = { d: deep };
  const bad = [
    '{"process_exec": ',
    '[1,2,3]',
    '"just a string"',
    '{"hello":"world"}',
    '{"process_exec":{"process":{"binary":"/bin/x"}}}',
    '{"process_kprobe":{"function_name":"nothing_we_use"},"time":"2026-03-02T10:00:00Z"}',
    '{"rate_limit_info":{"number_of_dropped_process_events":"12"},"time":"2026-03-02T10:00:01Z"}',
    `{"process_exec":{"process":{"binary":"${'A'.repeat(MAX_LINE * 2)}"}}}`,
    withLabels(deep),
    withLabels({ app: 'x' }).replace('"app":"x"', '"__proto__":"own","app":"x"'),
    withLabels([1, true, null, { a: -0 }]),
    // Strings cross from the workers as bytes: ASCII as is, anything else as UTF-16 (a lone surrogate too).
    withLabels({ app: 'café', tier: '日本😀', odd: '\ud800x', escaped: 'tab\tquote"' }),
    '   ',
    '',
    '\t',
  ];
  const out: string[] = [];
  let t = 0;
  let f = 0;
  let b = 0;
  for (let i = 0; t < tetragon.length; i++) {
    out.push(tetragon[t++]!);
    if (i % 7 === 3 && f < falco.length) out.push(falco[f++]!);
    if (i % 11 === 5) out.push(bad[b++ % bad.length]!);
    if (i % 13 === 0) out.push(`${tetragon[t - 1]!}\r`);
  }
  out.push(...falco.slice(f), ...bad);
  // The last line has no newline.
  return Buffer.from(`${out.join('\n')}\n${tetragon[0]}`);
}

interface Outcome {
  events: NormalizedEvent[];
  errors: Array<[string, string | null]>;
  ignored: number;
}

async function drain(source: EventSource): Promise<Outcome> {
  const outcome: Outcome = { events: [], errors: [], ignored: 0 };
  await source.run(
    {
      offer(event) {
        outcome.events.push(event);
        return true;
      },
      decodeError(error: DecodeError, sensor) {
        outcome.errors.push([error.message, sensor ?? null]);
      },
      ignored() {
        outcome.ignored++;
      },
      connection() {},
      waitForRoom: () => Promise.resolve(),
    },
    new AbortController().signal,
  );
  return outcome;
}

const deps = { logger: silentLogger(), node: 'test-node' };

describe('scan line workers', () => {
  const input = mixedInput();
  const path = join(dir, 'mixed.jsonl');
  writeFileSync(path, input);

  it('yield exactly what the main thread and the file source yield, whatever the read size', async () => {
    const reference = await drain(
      createJsonLinesSource({ paths: [path], format: 'auto', follow: false, maxLineBytes: MAX_LINE }, deps),
    );
    expect(reference.events.length).toBeGreaterThan(100);
    expect(reference.errors.length).toBeGreaterThan(20);
    expect(reference.errors.some(([m]) => /line \d+: line of \d+ bytes exceeds 8192/.test(m))).toBe(true);
    expect(new Set(reference.events.map((e) => e.source))).toEqual(new Set(['tetragon', 'falco']));
    expect(reference.events.some((e) => e.kind === 'gap')).toBe(true);
    for (const threads of [0, 1, 2]) {
      for (const chunkBytes of [4_096, 1024 * 1024]) {
        const got = await drain(
          createScanSource(
            { paths: [path], format: 'auto', threads, maxLineBytes: MAX_LINE, chunkBytes, awaitWorkers: true },
            deps,
          ),
        );
        expect(got.errors, `threads ${threads}, chunk ${chunkBytes}`).toEqual(reference.errors);
        expect(got.ignored).toBe(reference.ignored);
        expect(got.events).toStrictEqual(reference.events);
      }
    }
  });

  it('read .gz and stdin like plain files, and report a corrupt .gz after what it held', async () => {
    const reference = await drain(
      createJsonLinesSource({ paths: [path], format: 'auto', follow: false, maxLineBytes: MAX_LINE }, deps),
    );
    const gz = join(dir, 'mixed.jsonl.gz');
    writeFileSync(gz, gzipSync(input));
    const fromGz = await drain(
      createScanSource({ paths: [gz], format: 'auto', threads: 2, maxLineBytes: MAX_LINE, awaitWorkers: true }, deps),
    );
    expect(fromGz.events).toStrictEqual(reference.events);
    expect(fromGz.errors.map(([m, s]) => [m.replace(gz, path), s])).toEqual(reference.errors);
    const fromStdin = await drain(
      createScanSource(
        {
          paths: ['-'],
          format: 'auto',
          threads: 2,
          maxLineBytes: MAX_LINE,
          stdin: Readable.from([input]),
          awaitWorkers: true,
        },
        deps,
      ),
    );
    expect(fromStdin.events).toStrictEqual(reference.events);
    expect(fromStdin.errors.map(([m, s]) => [m.replace(/^stdin/, path), s])).toEqual(reference.errors);
    // gzip piped to stdin (`cat x.gz | exfilwatch scan -`), arriving a byte, then odd-sized chunks.
    const zippedInput = gzipSync(input);
    const chunks = [zippedInput.subarray(0, 1), zippedInput.subarray(1, 7)];
    for (let at = 7; at < zippedInput.length; at += 4099) chunks.push(zippedInput.subarray(at, at + 4099));
    for (const threads of [0, 2]) {
      const fromGzStdin = await drain(
        createScanSource(
          {
            paths: ['-'],
            format: 'auto',
            threads,
            maxLineBytes: MAX_LINE,
            stdin: Readable.from(chunks),
            awaitWorkers: true,
          },
          deps,
        ),
      );
      expect(fromGzStdin.events).toStrictEqual(reference.events);
      expect(fromGzStdin.errors.map(([m, s]) => [m.replace(/^stdin/, path), s])).toEqual(reference.errors);
    }

    const corrupt = join(dir, 'corrupt.jsonl.gz');
    const zipped = gzipSync(input);
    writeFileSync(corrupt, zipped.subarray(0, zipped.length - 100));
    const unreadable: UnreadableInput[] = [];
    const [old, par] = await Promise.all([
      drain(createJsonLinesSource({ paths: [corrupt], format: 'auto', follow: false, maxLineBytes: MAX_LINE }, deps)),
      drain(
        createScanSource(
          {
            paths: [corrupt],
            format: 'auto',
            threads: 2,
            maxLineBytes: MAX_LINE,
            awaitWorkers: true,
            onUnreadable: (u) => unreadable.push(u),
          },
          deps,
        ),
      ),
    ]);
    // The file source counts the failure as one more decode error; scan reports it as an unreadable input
    // (exit 1), after the lines the file held before the cut.
    expect(old.errors.at(-1)?.[0]).toMatch(/corrupt\.jsonl\.gz: unexpected end of file/);
    expect(par.errors).toEqual(old.errors.slice(0, -1));
    expect(par.events).toStrictEqual(old.events);
    const lastLine = Number(/line (\d+)/.exec(par.errors.at(-1)?.[0] ?? '')?.[1]);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatchObject({ path: corrupt, reason: 'truncated gzip data (unexpected end of file)' });
    expect(unreadable[0]!.linesBefore).toBeGreaterThanOrEqual(lastLine);
  });

  it('give the same alerts, counts and decode errors through scan', async () => {
    const attack = join(dir, 'attack-mixed.jsonl');
    writeFileSync(
      attack,
      Buffer.concat([
        readFileSync(scenario('crane-append-archive').tetragon),
        input,
        Buffer.from('\n'),
        readFileSync(scenario('benign-small-commit').falco),
      ]),
    );
    const run = async (threads: number) => {
      const stdout = new Capture();
      const metrics = createMetrics();
      const config = parseConfig({ correlator: { destinations: { dnsRefreshMs: 0 } } });
      const summary = await scan(
        config,
        { logger: silentLogger(), metrics, clock: systemClock, node: 'test-node' },
        {
          paths: [attack, path],
          format: 'auto',
          stdout,
          stderr: new Capture(),
          progressIntervalMs: 0,
          threads,
          awaitWorkers: true,
        },
      );
      const decodeErrors = (await metrics.decodeErrors.get()).values.map((v) => [v.labels, v.value]);
      const { elapsedMs: _e, eventsPerSecond: _r, ...counts } = summary;
      return { alerts: stdout.text, counts, decodeErrors };
    };
    const single = await run(0);
    const parallel = await run(2);
    expect(single.alerts.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2);
    expect(single.counts.decodeErrors).toBeGreaterThan(20);
    expect(parallel).toEqual(single);
  });
});
