/**
 * Child process of settle.test.ts (run with --trace-opt --trace-deopt): the JSON normalizer optimized on
 * Tetragon tcp_sendmsg lines (a byte count: a small integer), then, after a marker, a tcp_close (no byte
 * count: null), as a stream of sends brings its first close.
 */
import { readFileSync } from 'node:fs';
import { normalizeTetragonJson } from '../../../src/formats/tetragon/index.js';

const fixture = new URL('../../fixtures/tetragon/process_kprobe.tcp_sendmsg.sock_int.jsonl', import.meta.url);
const line = readFileSync(fixture, 'utf8').split('\n')[0]!;
const defaults = { node: 'node-a' };
let kept = 0;
for (let i = 0; i < 60_000; i++) {
  const e = normalizeTetragonJson(JSON.parse(line), defaults);
  if (e?.kind === 'net' && e.net.bytes !== null) kept++;
}
console.log(`MARK close ${kept}`);
const close = JSON.parse(line.replace('"function_name":"tcp_sendmsg"', '"function_name":"tcp_close"'));
let closes = 0;
for (let i = 0; i < 100; i++) {
  const e = normalizeTetragonJson(close, defaults);
  if (e?.kind === 'net' && e.net.op === 'close' && e.net.bytes === null) closes++;
}
console.log(`done ${closes}`);
