/**
 * parseFalcoJson is defined as "quote the first `"evt.time"` key's long bare integer, then JSON.parse"; its
 * fast path parses the text as is and puts the digits back. Both must give the same object, or the same
 * error, for real alerts and for every awkward variant of where and how that key can appear.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFalcoJson } from '../../../src/formats/falco/index.js';
import { readAlert, T0 } from '../../fixtures/falco/events.js';

/** The reference: the quoting the parser is defined by, written out independently of src/. */
function reference(text: string): { ok: unknown } | { error: string } {
  // Only the first occurrence of the key counts; it must be followed by a colon (else nothing is quoted).
  const at = text.indexOf('"evt.time"');
  const colon = /[ \t\n\r]*:[ \t\n\r]*/y;
  colon.lastIndex = at + '"evt.time"'.length;
  const m = at >= 0 ? colon.exec(text) : null;
  let quoted = text;
  if (m) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    if (end - start >= 16) quoted = `${text.slice(0, start)}"${text.slice(start, end)}"${text.slice(end)}`;
  }
  try {
    const value = JSON.parse(quoted);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not an object' };
    return { ok: value };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function actual(text: string): { ok: unknown } | { error: string } {
  try {
    return { ok: parseFalcoJson(text) };
  } catch (err) {
    const message = (err as Error).message;
    return { error: message.startsWith('not JSON: ') ? message.slice('not JSON: '.length) : 'not an object' };
  }
}

const NS = '1772445600003000123';

const variants = [
  `{"output_fields":{"evt.time":${NS},"proc.pid":1},"rule":"r","time":"x"}`,
  `{"output_fields":{"evt.time" :\t${NS} },"rule":"r"}`,
  `{"evt.time":${NS},"output_fields":{"proc.pid":1}}`,
  `{"output_fields":{"x":{"evt.time":${NS}}}}`,
  `{"output_fields":{"evt.time":${NS},"evt\\u002etime":5}}`,
  `{"output_fields":{"evt\\u002etime":5,"evt.time":${NS}}}`,
  `{"output_fields":{"evt.time":${NS}},"output_fields":{"proc.pid":1}}`,
  `{"output_fields":{"evt.time":${NS}},"evt.time":${NS}}`,
  `{"output_fields":{"evt.time":000${NS}}}`,
  `{"output_fields":{"evt.time":${NS}.5}}`,
  `{"output_fields":{"evt.time":${NS}e3}}`,
  `{"output_fields":{"evt.time":${NS}E3}}`,
  `{"output_fields":{"evt.time":${NS} x}}`,
  `{"output_fields":{"evt.time":-${NS}}}`,
  `{"output_fields":{"evt.time":1234567890123}}`,
  `{"output_fields":{"evt.time":"${NS}"}}`,
  `{"a":"evt.time","output_fields":{"evt.time":${NS}}}`,
  `{"output":"\\"evt.time\\": ${NS}","output_fields":{"evt.time":${NS}}}`,
  `{"output_fields":[${NS}],"evt.time":${NS}}`,
  `{"output_fields":null,"evt.time":${NS}}`,
  `{"output_fields":{"evt.time":${NS}}`,
  `[{"evt.time":${NS}}]`,
  `"evt.time"`,
];

describe('parseFalcoJson keeps evt.time exact exactly as quoting would', () => {
  it('a real alert: the 19 digits arrive as a string, exactly', () => {
    const text = readAlert('/src/main.go', 4096);
    expect(text).toMatch(/"evt\.time":\d{19}[,}]/);
    const fields = parseFalcoJson(text).output_fields as Record<string, unknown>;
    expect(fields['evt.time']).toBe(String(T0));
    expect(actual(text)).toStrictEqual(reference(text));
  });

  it.each(variants)('same object or error as the quoted text: %s', (text) => {
    expect(actual(text)).toStrictEqual(reference(text));
  });

  it('same result for generated variants of key placement, spacing, number shape and escapes', () => {
    const number = fc.oneof(
      fc.bigInt({ min: 1n, max: 99_999_999_999_999_999_999n }).map(String),
      fc.constantFrom(`0${NS}`, `${NS}.25`, `${NS}e2`, `-${NS}`, `"${NS}"`, 'null', `${NS},`),
    );
    const space = fc.constantFrom('', ' ', '\t', '\n ');
    const key = fc.constantFrom('"evt.time"', '"evt\\u002etime"', '"evt.tim"');
    const text = fc
      .record({ number, s1: space, s2: space, k: key, where: fc.constantFrom(0, 1, 2, 3), extra: fc.boolean() })
      .map(({ number, s1, s2, k, where, extra }) => {
        const pair = `${k}${s1}:${s2}${number}`;
        const more = extra ? `,"evt.time":${NS}` : '';
        if (where === 0) return `{"output_fields":{${pair},"proc.pid":7}${more},"rule":"r"}`;
        if (where === 1) return `{${pair},"output_fields":{"proc.pid":7}${more}}`;
        if (where === 2) return `{"output_fields":{"n":{${pair}}}${more}}`;
        return `{"output_fields":{"proc.pid":7,${pair}${more}}}`;
      });
    fc.assert(
      fc.property(text, (t) => {
        expect(actual(t)).toStrictEqual(reference(t));
      }),
      { numRuns: 500 },
    );
  });
});
