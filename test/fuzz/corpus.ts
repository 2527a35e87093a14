/**
 * Seeds and mutators for the fuzz targets: the real sensor samples (test/fixtures) in their wire forms,
 * and byte/JSON mutations of them. Time per target: FUZZ_SECONDS (default 2; `npm run fuzz` sets more).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { tetragonJsonToProto } from '../../src/formats/tetragon/index.js';
import { GetEventsResponse } from '../../src/generated/tetragon/events.js';
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import { allSamples } from '../fixtures/tetragon/samples.js';

export const FUZZ_MS = Number(process.env.FUZZ_SECONDS ?? 2) * 1000;

export const tetragonObjects = (): Record<string, unknown>[] => allSamples().map((s) => s.json);

/** Real GetEventsResponse encodings: what the agent sends for the sample events. */
export const tetragonFrames = (): Buffer[] =>
  tetragonObjects().map((o) => Buffer.from(GetEventsResponse.encode(tetragonJsonToProto(o)).finish()));

const FALCO_DIR = new URL('../fixtures/falco/', import.meta.url).pathname;

/** The real Falco alert texts (one per POST / line). */
export function falcoTexts(): string[] {
  const out: string[] = [];
  for (const f of readdirSync(FALCO_DIR).sort()) {
    if (!/\.jsonl?$/.test(f)) continue;
    const text = readFileSync(join(FALCO_DIR, f), 'utf8');
    if (f.endsWith('.jsonl')) out.push(...text.split('\n').filter((l) => l.trim() !== ''));
    else if (f.endsWith('.json') && !f.startsWith('grpc_')) out.push(JSON.stringify(JSON.parse(text)));
  }
  return out;
}

/** Byte-level mutations of a seed: flips, truncation, insertion, duplication, splices. */
export function mutatedBytes(seeds: Buffer[]): fc.Arbitrary<Buffer> {
  const seed = fc.constantFrom(...seeds);
  const flip = fc
    .tuple(seed, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }))
    .map(([s, edits]) => {
      const b = Buffer.from(s);
      for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
      return b;
    });
  const cut = fc.tuple(seed, fc.nat()).map(([s, at]) => s.subarray(0, at % (s.length + 1)));
  const insert = fc.tuple(seed, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([s, at, bytes]) => {
    const i = at % (s.length + 1);
    return Buffer.concat([s.subarray(0, i), Buffer.from(bytes), s.subarray(i)]);
  });
  const splice = fc
    .tuple(seed, seed, fc.nat(), fc.nat())
    .map(([a, b, i, j]) => Buffer.concat([a.subarray(0, i % (a.length + 1)), b.subarray(j % (b.length + 1))]));
  const random = fc.uint8Array({ maxLength: 512 }).map((u) => Buffer.from(u));
  // Varint field tags with huge lengths: the classic protobuf decoder trap.
  const hugeLength = fc
    .tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom(2, 0))
    .map(([field, wire]) => Buffer.from([(field << 3) | wire, 0xff, 0xff, 0xff, 0xff, 0x0f]));
  return fc.oneof(flip, cut, insert, splice, random, hugeLength);
}

/** JSON values that break assumptions: deep nesting, huge strings, wrong types, big numbers. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(
    null,
    '',
    -1,
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    '18446744073709551617',
    '-1',
    'NaN',
    '9999-12-31T23:59:59Z',
    '0001-01-01T00:00:00Z',
    'not a time',
    '\u0000',
    '\ud800',
    [],
    {},
    true,
  ),
  fc.string({ maxLength: 4 }).map((s) => s.repeat(50_000)),
  // Deeper objects cannot even be JSON.stringify'd (V8's recursion limit); deep text is in json-lines.test.ts's craftedLines.
  fc.integer({ min: 1, max: 1000 }).map((depth) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  }),
);

/** Replaces the value at a random path inside `obj` (objects and arrays walked) with `value`. */
export function replaceAt(obj: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || obj === null || typeof obj !== 'object') return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(obj) ? [...obj] : { ...(obj as object) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return value;
  const key = keys[path[0]! % keys.length]!;
  (copy as Record<string, unknown>)[key] = replaceAt((copy as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

export function mutatedObjects(seeds: Record<string, unknown>[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), hostileValue), { minLength: 1, maxLength: 4 }),
    )
    .map(([seed, edits]) => {
      let o: unknown = seed;
      for (const [path, value] of edits) o = replaceAt(o, path.length === 0 ? [0] : path, value);
      return (o !== null && typeof o === 'object' && !Array.isArray(o) ? o : { value: o }) as Record<string, unknown>;
    });
}

const KINDS = new Set(['exec', 'exit', 'file', 'net', 'gap']);
const isNullableString = (v: unknown) => v === null || typeof v === 'string';
const isNullableNumber = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

/** What downstream relies on: a problem description, or null when the event is well-formed. */
export function eventProblem(e: NormalizedEvent): string | null {
  if (!KINDS.has(e.kind)) return `kind ${String(e.kind)}`;
  if (typeof e.time !== 'string' || e.time === '') return 'time is not a string';
  if (typeof e.timeMs !== 'number' || Number.isNaN(e.timeMs)) return `timeMs ${e.timeMs}`;
  if (typeof e.node !== 'string') return 'node is not a string';
  if (e.kind === 'gap') {
    return Number.isFinite(e.gap.dropped) && e.gap.dropped >= 0 ? null : `gap.dropped ${e.gap.dropped}`;
  }
  if (e.container !== null && typeof e.container.id !== 'string') return 'container.id is not a string';
  const p = e.process;
  if (!p || !isNullableString(p.binary) || !isNullableString(p.args) || !isNullableString(p.execId))
    return 'process fields';
  if (!isNullableNumber(p.pid)) return `pid ${p.pid}`;
  if (e.kind === 'file' && (typeof e.file.path !== 'string' || !isNullableNumber(e.file.bytes)))
    return `file ${JSON.stringify(e.file)}`;
  if (e.kind === 'net' && (!isNullableNumber(e.net.dport) || !isNullableNumber(e.net.bytes)))
    return `net ${JSON.stringify(e.net)}`;
  return null;
}
