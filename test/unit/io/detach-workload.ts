/**
 * Child process of detach-early.test.ts (run with --trace-deopt): optimizes a function over a typed array,
 * then detaches a buffer as a worker transfer does, and prints markers around it. `early` calls
 * detachEarly() first, as scan's worker pool and line workers do; `bare` does not (the control).
 */
import { detachEarly } from '../../../src/io/detach-early.js';

const mode = process.argv[2];
if (mode === 'early') detachEarly();

function sumBytes(a: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

const data = new Uint8Array(256).fill(1);
let total = 0;
for (let i = 0; i < 200_000; i++) total += sumBytes(data);
console.log('MARK before-transfer');
const moved = new ArrayBuffer(16);
structuredClone(moved, { transfer: [moved] });
console.log('MARK after-transfer');
for (let i = 0; i < 1000; i++) total += sumBytes(data);
console.log(`done ${total > 0}`);
