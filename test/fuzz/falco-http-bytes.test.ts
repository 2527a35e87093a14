/**
 * Every byte value (0-255) at each place of a Falco-shaped request head the fast path reads itself
 * (src/sources/falco-http/fast-path.ts): the target, after the method and version, in a header name, before
 * the colon, inside and at the end of a value, before and after the Content-Length number, in Host. Each
 * request is followed by a valid one on the same connection. `fastPath: true` must give node:http's answers
 * (`fastPath: false`) and take the same events: a byte the fast path accepts where llhttp refuses it, or reads
 * with another meaning, shows here (a tab after the Content-Length number did, before it was handed off).
 */
import { describe, expect, it } from 'vitest';
import { readAlert } from '../fixtures/falco/events.js';
import { both, falcoRequest, receiverPair, thenValid } from '../integration/falco/differential.js';
import type { Harness } from '../integration/falco/harness.js';

const places: Array<[string, (byte: string, body: string) => string]> = [
  ['target', (b, body) => falcoRequest(body).replace('POST / ', `POST /a${b}b `)],
  ['after the method', (b, body) => falcoRequest(body).replace('POST / ', `POST${b} / `)],
  ['after the version', (b, body) => falcoRequest(body).replace('HTTP/1.1\r\n', `HTTP/1.1${b}\r\n`)],
  ['in a name', (b, body) => falcoRequest(body, `X-A${b}B: v\r\n`)],
  ['before the colon', (b, body) => falcoRequest(body, `X-AB${b}: v\r\n`)],
  ['inside a value', (b, body) => falcoRequest(body, `X-A: v${b}w\r\n`)],
  ['ending a value', (b, body) => falcoRequest(body, `X-A: v${b}\r\n`)],
  ['before the Content-Length number', (b, body) => falcoRequest(body, '', `${b}${Buffer.byteLength(body)}`)],
  ['after the Content-Length number', (b, body) => falcoRequest(body, '', `${Buffer.byteLength(body)}${b}`)],
  ['in Host', (b, body) => falcoRequest(body).replace('Host: 127.0.0.1', `Host: 127.0${b}0.1`)],
];

describe('falco-http fast path: every byte at every place of the head gets node:http answers', () => {
  const receivers = receiverPair();

  it(`${places.length} places x 256 byte values: same answers, same events`, async () => {
    const cases = places.flatMap(([place, make]) =>
      Array.from({ length: 256 }, (_, byte) => {
        const body = readAlert(`/src/${place.replaceAll(' ', '-')}/${byte}`, byte + 1);
        return {
          what: `${place}, byte ${byte}`,
          request: Buffer.from(make(String.fromCharCode(byte), body), 'latin1'),
        };
      }),
    );
    const valid = falcoRequest(readAlert('/src/then', 1000));
    const differences: string[] = [];
    let refusedByNode = 0;
    let next = 0;
    // Loopback connections in parallel; each case has its own pair of connections.
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const r = await both(receivers.fast, receivers.node, thenValid(c.request, valid), 150);
        if (r.fast.answers !== r.node.answers || r.fast.text !== r.node.text)
          differences.push(`${c.what}: fast ${r.fast.answers}, node ${r.node.answers}`);
        if (!r.node.answers.startsWith('200')) refusedByNode++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(differences).toEqual([]);
    // The corpus reaches node:http's refusals as well as what both accept.
    expect(refusedByNode).toBeGreaterThan(500);
    expect(refusedByNode).toBeLessThan(cases.length - 500);
    await new Promise((r) => setTimeout(r, 200));
    const paths = (h: Harness) => h.events.map((e) => (e.kind === 'file' ? e.file.path : e.kind)).sort();
    expect(paths(receivers.fast.h)).toEqual(paths(receivers.node.h));
  });
});
