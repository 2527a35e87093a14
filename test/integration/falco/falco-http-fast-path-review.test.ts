/**
 * The security review of the Falco receiver's fast path (docs/falco-fast-path-review.md), one targeted
 * case per finding: request smuggling shapes, pipelining and the hand-over to node:http, timeouts and
 * limits, the shared secret, TLS. node:http alone (`fastPath: false`) is the contract: the same bytes must get
 * the same answers and the same events from both receivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAlert } from '../../fixtures/falco/events.js';
import { both, falcoRequest, type Receiver, startReceiver, thenValid } from './differential.js';
import type { Harness } from './harness.js';

const paths = (h: Harness) => h.events.map((e) => (e.kind === 'file' ? e.file.path : e.kind));
const settle = () => new Promise((r) => setTimeout(r, 150));
const followUp = () => falcoRequest(readAlert('/src/after', 99));

describe('falco-http fast path review: request smuggling shapes get node:http answers', () => {
  let fast: Receiver;
  let node: Receiver;
  beforeAll(async () => {
    [fast, node] = await Promise.all([startReceiver(true), startReceiver(false)]);
  });
  afterAll(async () => {
    await Promise.all([fast.h.stop(), node.h.stop()]);
  });

  const body = readAlert('/src/smuggle', 1);
  const n = Buffer.byteLength(body);
  const cases: Array<[string, string]> = [
    ...[`+${n}`, ` ${n}`, `${n} `, `0${n}`, `${n},${n}`, `${n}, ${n}`, '99999999999999999999', '9007199254740993']
      .concat(['', `${n}\t`, `\t${n}`, `${n} \t `, `0x${n.toString(16)}`, `${n}.0`, `-${n}`])
      .map((v): [string, string] => [`Content-Length ${JSON.stringify(v)}`, falcoRequest(body, '', v)]),
    ['two equal Content-Length', falcoRequest(body, `Content-Length: ${n}\r\n`)],
    ['two different Content-Length', falcoRequest(body, 'Content-Length: 3\r\n')],
    ...['chunked', ' chunked', 'Chunked', 'gzip, chunked', 'chunked\x0b', 'identity'].map((v): [string, string] => [
      `Content-Length + Transfer-Encoding ${JSON.stringify(v)}`,
      falcoRequest(body, `Transfer-Encoding: ${v}\r\n`),
    ]),
    ['space before the colon', falcoRequest(body, 'X-A : b\r\n')],
    ['tab before the colon', falcoRequest(body, 'X-A\t: b\r\n')],
    ['Content-Length with a space before the colon', falcoRequest(body).replace('Content-Length:', 'Content-Length :')],
    ['obs-fold (space)', falcoRequest(body, 'X-A: b\r\n c\r\n')],
    ['obs-fold (tab)', falcoRequest(body, 'X-A: b\r\n\tc\r\n')],
    ['bare LF in one line', falcoRequest(body, 'X-A: b\nX-B: c\r\n')],
    ['bare LF everywhere', falcoRequest(body).replace(/\r\n/g, '\n')],
    ['bare CR', falcoRequest(body, 'X-A: b\rX-B: c\r\n')],
    ['NUL in a value', falcoRequest(body, 'X-A: b\x00c\r\n')],
    ['NUL in a name', falcoRequest(body, 'X-\x00A: b\r\n')],
    ['non-ASCII in a value', falcoRequest(body, 'X-A: b\xe9c\r\n')],
    ['non-ASCII in a name', falcoRequest(body, 'X-\xe9A: b\r\n')],
    ['Proxy-Connection: close', falcoRequest(body, 'Proxy-Connection: close\r\n')],
    ['Connection: keep-alive then close', falcoRequest(body, 'Connection: keep-alive\r\nConnection: close\r\n')],
    ['no Host', falcoRequest(body).replace('Host: 127.0.0.1\r\n', '')],
    ['two Hosts', falcoRequest(body, 'Host: other\r\n')],
  ];

  it.each(cases)('%s', async (_name, request) => {
    const before = [paths(fast.h).length, paths(node.h).length];
    const r = await both(fast, node, thenValid(request, followUp()));
    expect(r.fast.answers).toBe(r.node.answers);
    expect(r.fast.text).toBe(r.node.text);
    await settle();
    expect(paths(fast.h).slice(before[0])).toEqual(paths(node.h).slice(before[1]));
  });
});
