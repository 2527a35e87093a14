import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../../src/io/line-splitter.js';

function split(chunks: Buffer[], maxLineBytes = 1024) {
  const lines: string[] = [];
  const oversize: number[] = [];
  const s = createLineSplitter({ maxLineBytes, onLine: (l) => lines.push(l), onOversize: (n) => oversize.push(n) });
  for (const c of chunks) s.push(c);
  s.flush();
  return { lines, oversize };
}

describe('line splitter', () => {
  it('gives the same lines however the bytes are chunked (multi-byte UTF-8 split across chunks included)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
            .filter((s) => !s.includes('\n') && s.trim() !== ''),
          {
            maxLength: 30,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (lines, cuts) => {
          const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
          const chunks: Buffer[] = [];
          let pos = 0;
          for (let i = 0; pos < bytes.length; i++) {
            const n = cuts[i % cuts.length]!;
            chunks.push(bytes.subarray(pos, pos + n));
            pos += n;
          }
          expect(split(chunks).lines).toEqual(lines.map((l) => l.replace(/\r$/, '')));
        },
      ),
    );
  });

  it('strips CR, skips blank lines, emits an unterminated last line at the end', () => {
    expect(split([Buffer.from('a\r\n\n   \nb'), Buffer.from('c')]).lines).toEqual(['a', 'bc']);
  });

  it('skips an over-long line whole (reported once) and resumes at the next line', () => {
    const long = 'x'.repeat(5000);
    const r = split(
      [Buffer.from(`ok1\n${long.slice(0, 2000)}`), Buffer.from(long.slice(2000)), Buffer.from('\nok2\n')],
      1024,
    );
    expect(r.lines).toEqual(['ok1', 'ok2']);
    expect(r.oversize).toEqual([5000]);
    expect(split([Buffer.from(`${long}\nok\n`)], 1024)).toEqual({ lines: ['ok'], oversize: [5000] });
  });
});
