/**
 * The security review of the Falco receiver's fast path (docs/falco-fast-path-review.md), one targeted
 * case per finding: request smuggling shapes, pipelining and the hand-over to node:http, timeouts and
 * limits, the shared secret, TLS. node:http alone (`fastPath: false`) is the contract: the same bytes must get
 * the same answers and the same events from both receivers.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastPathOptions } from '../../../src/sources/falco-http/fast-path.js';
import { execAlert, FIXTURES, readAlert } from '../../fixtures/falco/events.js';
import {
  both,
  converse,
  falcoRequest,
  listenWithFastPath,
  type Receiver,
  receiverPair,
  type Step,
  startReceiver,
  thenValid,
} from './differential.js';
import type { Harness } from './harness.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pair(config: Record<string, unknown> = {}): Promise<[Receiver, Receiver]> {
  const receivers = await Promise.all([startReceiver(true, config), startReceiver(false, config)]);
  cleanups.push(() => Promise.all(receivers.map((r) => r.h.stop())));
  return receivers;
}

const paths = (h: Harness) => h.events.map((e) => (e.kind === 'file' ? e.file.path : e.kind));
const settle = () => new Promise((r) => setTimeout(r, 150));
const followUp = () => falcoRequest(readAlert('/src/after', 99));

describe('falco-http fast path review: request smuggling shapes get node:http answers', () => {
  const receivers = receiverPair();

  const body = readAlert('/src/smuggle', 1);
  const n = Buffer.byteLength(body);
  /** Host, `fillers` empty `a:` lines, then Content-Type. */
  const typeAfter = (fillers: number) =>
    falcoRequest(body, `${'a:\r\n'.repeat(fillers)}Content-Type: application/json\r\n`).replace(
      'Content-Type: application/json\r\n',
      '',
    );
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
    // node:http keeps the first 1000 header lines: Content-Type as the 1001st is not seen there (415).
    ['Content-Type past 1000 header lines', typeAfter(999)],
    ['Content-Type as the 1000th header line', typeAfter(998)],
  ];

  it.each(cases)('%s', async (_name, request) => {
    const before = [paths(receivers.fast.h).length, paths(receivers.node.h).length];
    const r = await both(receivers.fast, receivers.node, thenValid(request, followUp()));
    expect(r.fast.answers).toBe(r.node.answers);
    expect(r.fast.text).toBe(r.node.text);
    await settle();
    expect(paths(receivers.fast.h).slice(before[0])).toEqual(paths(receivers.node.h).slice(before[1]));
  });
});

describe('falco-http fast path review: pipelining and the hand-over', () => {
  it('a request whose body ends mid-read, followed by a partial head, then a hand-off: every byte once, in order', async () => {
    const [fast, node] = await pair();
    const one = Buffer.from(falcoRequest(readAlert('/src/p1', 1)));
    const two = Buffer.from(falcoRequest(readAlert('/src/p2', 2)));
    const chunkedBody = readAlert('/src/p3', 3);
    const three = Buffer.from(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `${Buffer.byteLength(chunkedBody).toString(16)}\r\n${chunkedBody}\r\n0\r\n\r\n`,
    );
    const four = Buffer.from(falcoRequest(readAlert('/src/p4', 4)));
    const all = Buffer.concat([one, two, three, four]);
    // Cuts: inside one's body; at two's head (its first 20 bytes with the end of one); inside three's chunk.
    const cuts = [one.length - 7, one.length + 20, one.length + two.length + 100, all.length];
    const steps: Step[] = [];
    let at = 0;
    for (const [i, cut] of cuts.entries()) {
      steps.push({ at: i * 40, send: all.subarray(at, cut) });
      at = cut;
    }
    const r = await both(fast, node, steps);
    expect(r.fast.answers).toBe('200,200,200,200');
    expect(r.fast.text).toBe(r.node.text);
    await settle();
    expect(paths(fast.h)).toEqual(['/src/p1', '/src/p2', '/src/p3', '/src/p4']);
    expect(paths(node.h)).toEqual(paths(fast.h));
  });

  it('a client that does not read its answers, handed off mid-pipeline: all answered, events once and in order', async () => {
    const [fast] = await pair();
    const socket = net.connect(fast.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    await new Promise((r) => socket.once('connect', r));
    socket.pause();
    const n = 2000;
    const handOffAt = 1000;
    const requests = Array.from({ length: n }, (_, i) => {
      const body = readAlert(`/src/q${i}`, i + 1);
      if (i !== handOffAt) return Buffer.from(falcoRequest(body));
      return Buffer.from(
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
          `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      );
    });
    socket.write(Buffer.concat(requests));
    await new Promise((r) => setTimeout(r, 300)); // the receiver stops reading: its answers are not taken
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    socket.resume();
    const events = await fast.h.waitFor(n, 15_000);
    for (let i = 0; i < 100 && (text.match(/HTTP\/1\.1 200 OK/g) ?? []).length < n; i++) await settle();
    expect((text.match(/HTTP\/1\.1 200 OK/g) ?? []).length).toBe(n);
    expect(events.map((e) => (e.kind === 'file' ? e.file.path : null))).toEqual(
      Array.from({ length: n }, (_, i) => `/src/q${i}`),
    );
  });

  it('a head that arrives one byte per read is taken as node:http takes it', async () => {
    const [fast, node] = await pair();
    const request = Buffer.from(falcoRequest(readAlert('/src/drip', 1)));
    const head = request.indexOf('\r\n\r\n') + 4;
    const steps: Step[] = Array.from({ length: head }, (_, i) => ({ at: i * 2, send: request.subarray(i, i + 1) }));
    steps.push({ at: head * 2 + 10, send: request.subarray(head) });
    const r = await both(fast, node, steps);
    expect([r.fast.answers, r.fast.text]).toEqual(['200', r.node.text]);
    await settle();
    expect(paths(fast.h)).toEqual(['/src/drip']);
  });

  it('a head trickled in small reads past maxHeaderBytes, with and without line ends: node:http answers', async () => {
    const [fast, node] = await pair({ maxHeaderBytes: 1024 });
    // Over the limit in one line; 375 short lines (node:http counts name and value bytes only: under it); under it.
    const pads = [
      `X-Pad: ${'p'.repeat(1500)}\r\n`,
      'a:\r\n'.repeat(375),
      'a:\r\n'.repeat(90),
      `X-Pad: ${'p'.repeat(400)}\r\n`,
    ];
    const answers: string[] = [];
    for (const pad of pads) {
      const request = Buffer.from(falcoRequest(readAlert('/src/trickle', 1), pad));
      const steps: Step[] = [];
      for (let at = 0; at < request.length; at += 16) steps.push({ at: at / 8, send: request.subarray(at, at + 16) });
      const r = await both(fast, node, steps);
      expect(r.fast.answers).toBe(r.node.answers);
      expect(r.fast.text).toBe(r.node.text);
      answers.push(r.fast.answers);
    }
    // node:http answers 431 and closes while the client is still trickling the head: the client's next write
    // then meets a reset, which can discard the 431 before it is read (a race in the kernel, not in either
    // path; both paths always agree, above). The connection is closed either way.
    expect(['431 closed', ' closed']).toContain(answers[0]);
    expect(answers.slice(1)).toEqual(['200', '200', '200']);
  });

  it('a request cut short by the client (FIN mid-head, mid-body) gets node:http answer: 400, counted', async () => {
    const [fast, node] = await pair();
    const request = Buffer.from(falcoRequest(readAlert('/src/cut', 1)));
    for (const cut of [30, request.length - 5]) {
      const steps: Step[] = [
        { at: 0, send: Buffer.from(falcoRequest(execAlert())) },
        { at: 50, send: request.subarray(0, cut) },
        { at: 100, send: 'end' },
      ];
      const r = await both(fast, node, steps);
      expect(r.node.answers).toBe('200,400 closed');
      expect(r.fast.answers).toBe(r.node.answers);
    }
    for (const h of [fast.h, node.h]) {
      expect(await h.metric('exfilwatch_receiver_requests_total', { code: '400' })).toBe(2);
    }
  });
});

describe('falco-http fast path review: timeouts', () => {
  it('slowloris, a body that never completes, a silent connection: 408 within requestTimeoutMs, as node:http', async () => {
    const [fast, node] = await pair({ requestTimeoutMs: 1000 });
    const request = Buffer.from(falcoRequest(readAlert('/src/slow', 1)));
    const drip: Step[] = Array.from({ length: 40 }, (_, i) => ({ at: i * 50, send: request.subarray(i, i + 1) }));
    const cases: Step[][] = [drip, [{ at: 0, send: request.subarray(0, request.length - 3) }], []];
    const results = await Promise.all(cases.map((steps) => both(fast, node, steps, 2500)));
    for (const r of results) {
      expect(r.node.answers).toBe('408 closed');
      expect(r.fast.answers).toBe('408 closed');
      expect(r.fast.closedAfterMs).toBeGreaterThanOrEqual(900);
      expect(r.fast.closedAfterMs).toBeLessThan(2500);
    }
  });

  it('a pipelined request that starts mid-read gets its own deadline, not the one of the request before it', async () => {
    const [fast, node] = await pair({ requestTimeoutMs: 1000 });
    const one = Buffer.from(falcoRequest(readAlert('/src/d1', 1)));
    const two = Buffer.from(falcoRequest(readAlert('/src/d2', 2)));
    // one starts at 0 ms and ends at 600 ms, with two's first bytes; two ends at 1200 ms (600 ms after its start).
    const steps: Step[] = [
      { at: 0, send: one.subarray(0, 30) },
      { at: 600, send: Buffer.concat([one.subarray(30), two.subarray(0, 30)]) },
      { at: 1200, send: two.subarray(30) },
    ];
    const r = await both(fast, node, steps);
    expect(r.node.answers).toBe('200,200');
    expect(r.fast.answers).toBe('200,200');
  });

  it('a keep-alive connection idle mid-head after a request is closed quietly, as node:http closes it', async () => {
    const [fast, node] = await pair({ keepAliveTimeoutMs: 1000, requestTimeoutMs: 5000 });
    const request = Buffer.from(falcoRequest(execAlert()));
    const steps: Step[] = [
      { at: 0, send: request },
      { at: 50, send: request.subarray(0, 30) },
    ];
    const r = await both(fast, node, steps, 3000);
    expect([r.fast.answers, r.node.answers]).toEqual(['200 closed', '200 closed']);
    expect(r.fast.closedAfterMs).toBeLessThan(2900);
  });

  it('idle keep-alive connections are closed after keepAliveTimeoutMs + 1 s, as node:http closes them', async () => {
    const [fast, node] = await pair({ keepAliveTimeoutMs: 1000 });
    const r = await both(fast, node, [{ at: 0, send: Buffer.from(falcoRequest(execAlert())) }], 3000);
    expect([r.fast.answers, r.node.answers]).toEqual(['200 closed', '200 closed']);
    for (const o of [r.fast, r.node]) {
      expect(o.closedAfterMs).toBeGreaterThanOrEqual(1900);
      expect(o.closedAfterMs).toBeLessThan(2900);
    }
  });
});

/** The fast path alone on a bare node:http server (its timeouts set apart, which the receiver cannot). */
async function bareFastPath(options: Partial<FastPathOptions>): Promise<{ port: number; served: string[] }> {
  const served: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    res.end('node');
  });
  const port = await listenWithFastPath(
    server,
    {
      serve(_request, body, socket) {
        served.push(body.toString());
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nfast');
        return true;
      },
      timedOut: (socket) =>
        socket.end('HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'),
      ...options,
    },
    (close) => cleanups.push(close),
  );
  return { port, served };
}

describe('falco-http fast path review: timeouts measured as node:http measures them', () => {
  const request = Buffer.from(falcoRequest('{"rule":"x"}'));
  const headEnd = request.indexOf('\r\n\r\n') + 4;

  it('once the head is in, the request has requestTimeoutMs from its first byte, not headersTimeoutMs', async () => {
    const { port, served } = await bareFastPath({ headersTimeoutMs: 500, requestTimeoutMs: 1500 });
    const steps: Step[] = [
      { at: 0, send: request.subarray(0, 20) },
      { at: 300, send: request.subarray(20, headEnd + 2) }, // head complete by 300 ms < 500
      { at: 900, send: request.subarray(headEnd + 2) }, // body complete by 900 ms < 1500
    ];
    const r = await converse(port, steps);
    expect(r.answers).toBe('200');
    expect(served).toEqual(['{"rule":"x"}']);
  });

  it('the head alone still has headersTimeoutMs', async () => {
    const { port, served } = await bareFastPath({ headersTimeoutMs: 500, requestTimeoutMs: 1500 });
    const r = await converse(port, [{ at: 0, send: request.subarray(0, 20) }], 1500);
    expect(r.answers).toBe('408 closed');
    expect(r.closedAfterMs).toBeLessThan(1200);
    expect(served).toEqual([]);
  });

  it('no keep-alive idle timeout while a body is being read (node:http has only requestTimeout then)', async () => {
    const { port, served } = await bareFastPath({
      keepAliveTimeoutMs: 300,
      headersTimeoutMs: 3000,
      requestTimeoutMs: 3000,
    });
    const steps: Step[] = [
      { at: 0, send: request },
      { at: 50, send: request.subarray(0, headEnd + 2) },
      // 1.5 s without a byte: past keepAliveTimeoutMs + 1 s, within requestTimeoutMs.
      { at: 1550, send: request.subarray(headEnd + 2) },
    ];
    const r = await converse(port, steps);
    expect(r.answers).toBe('200,200');
    expect(served).toHaveLength(2);
  });
});

describe('falco-http fast path review: limits, secret, gzip, TLS', () => {
  it('maxBodyBytes and maxHeaderBytes at, just under and just over the limit: node:http answers', async () => {
    const [fast, node] = await pair({ maxBodyBytes: 2048, maxHeaderBytes: 2048 });
    const base = readAlert('/src/limit', 1);
    const sized = (len: number) => base + ' '.repeat(len - Buffer.byteLength(base));
    const headOf = (total: number) => {
      const plain = falcoRequest(base);
      const pad = total - (plain.indexOf('\r\n\r\n') + 4) - 'X-Pad: \r\n'.length;
      return falcoRequest(base, `X-Pad: ${'p'.repeat(pad)}\r\n`);
    };
    const requests = [
      ...[2047, 2048, 2049].map((len) => falcoRequest(sized(len))),
      ...[1023, 1024, 1025, 1028, 2047, 2048, 2049, 2100].map(headOf),
    ];
    const results = await Promise.all(requests.map((q) => both(fast, node, thenValid(q, followUp()))));
    for (const r of results) expect(r.fast.text).toBe(r.node.text);
    expect(results.map((r) => r.fast.answers.split(',')[0]!.slice(0, 3))).toEqual([
      '200',
      '200',
      '413',
      ...['200', '200', '200', '200', '200', '200', '200', '431'],
    ]);
  });

  it('gzip: the decompressed size is what maxBodyBytes limits, on both paths', async () => {
    const [fast, node] = await pair({ maxBodyBytes: 4096 });
    const alert = readAlert('/src/gz', 1);
    const exact = alert + ' '.repeat(4096 - Buffer.byteLength(alert));
    // Exactly the limit inflated, one byte over, and a bomb: 2 KiB on the wire (under the limit), 2 MiB inflated.
    const bodies = [gzipSync(exact), gzipSync(`${exact} `), gzipSync(Buffer.alloc(2 * 1024 * 1024))];
    const results = await Promise.all(
      bodies.map((b) => {
        const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${b.length}\r\n\r\n`;
        return both(fast, node, thenValid(Buffer.concat([Buffer.from(head), b]), followUp()));
      }),
    );
    expect(results.map((r) => r.fast.answers)).toEqual(['200,200', '413,200', '413,200']);
    for (const r of results) expect(r.fast.text).toBe(r.node.text);
  });

  it('shared secret: absent, wrong, doubled, right, Basic and Bearer: the same bytes as node:http', async () => {
    process.env.EXFILWATCH_TEST_FAST_PATH_SECRET = 's3cret';
    cleanups.push(() => delete process.env.EXFILWATCH_TEST_FAST_PATH_SECRET);
    for (const header of ['x-token', 'authorization']) {
      const [fast, node] = await pair({ sharedSecret: { header, valueEnv: 'EXFILWATCH_TEST_FAST_PATH_SECRET' } });
      const good = header === 'x-token' ? 's3cret' : `Basic ${Buffer.from('falco:s3cret').toString('base64')}`;
      const valid = falcoRequest(execAlert(), `${header}: ${good}\r\n`);
      const variants = [
        '',
        `${header}: nope\r\n`,
        `${header}: ${good}\r\n${header}: ${good}\r\n`,
        `${header}: ${good}\r\n`,
      ];
      if (header === 'authorization')
        variants.push('authorization: Bearer s3cret\r\n', 'authorization: Bearer s3cre\r\n');
      const results = await Promise.all(
        variants.map((v) => both(fast, node, thenValid(falcoRequest(execAlert(), v), valid))),
      );
      for (const r of results) expect(r.fast.text).toBe(r.node.text);
      expect(results[0]!.fast.answers).toBe('401,200');
      expect(results[1]!.fast.answers).toBe('401,200');
      expect(results[3]!.fast.answers).toBe('200,200');
    }
  });

  it('plaintext HTTP to the TLS port: closed without an answer and counted, as node:https; TLS clients still served', async () => {
    const tls = { certFile: join(FIXTURES, 'tls/server.crt'), keyFile: join(FIXTURES, 'tls/server.key') };
    const [fast, node] = await pair({ tls });
    const r = await both(fast, node, [{ at: 0, send: Buffer.from(falcoRequest(execAlert())) }], 1000);
    expect([r.fast.answers, r.fast.text]).toEqual([' closed', '']);
    expect(r.fast.text).toBe(r.node.text);
    for (const h of [fast.h, node.h])
      expect(await h.metric('exfilwatch_receiver_requests_total', { code: 'tls' })).toBe(1);
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: fast.port,
          servername: 'localhost',
          method: 'POST',
          ca: readFileSync(join(FIXTURES, 'tls/ca.crt')),
          agent: false,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(execAlert());
    });
    expect(status).toBe(200);
  });
});
