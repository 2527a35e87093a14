/**
 * Both sensors' JSON lines merged by event time, as one daemon fed by Tetragon and Falco on the same node
 * sees them (tests and scripts/dual-sensor-compare.ts). A line the formats ignore keeps its place after the
 * line before it.
 */
import { detectFormat } from '../formats/index.js';

function timed(lines: readonly string[]): Array<{ ms: number; line: string }> {
  let last = Number.NEGATIVE_INFINITY;
  return lines.map((line) => {
    const obj = JSON.parse(line) as Record<string, unknown>;
    const event = detectFormat(obj)?.normalize(obj, { node: 'interleave' });
    if (event) last = event.timeMs;
    return { ms: last, line };
  });
}

/** `first`'s and `second`'s lines by event time; on equal times `first`'s line goes first. */
export function interleaveByTime(first: readonly string[], second: readonly string[]): string[] {
  const a = timed(first);
  const b = timed(second);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.ms <= b[j]!.ms)) out.push(a[i++]!.line);
    else out.push(b[j++]!.line);
  }
  return out;
}
