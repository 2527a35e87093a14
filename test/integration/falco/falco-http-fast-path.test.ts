/**
 * The receiver's plain-HTTP fast path (src/sources/falco-http/fast-path.ts): the same answers, byte for byte
 * but the Date header, as node:http gives with `fastPath: false`; requests cut anywhere across writes and
 * several in one write; everything unusual handed to node:http on the same connection; 408 for a request
 * that never completes. Raw sockets, so the bytes on the wire are what is compared.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastRequest } from '../../../src/sources/falco-http/fast-path.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { execAlert, FIXTURES, readAlert } from '../../fixtures/falco/events.js';
import { listenWithFastPath } from './differential.js';
import { deps, startFalcoReceiver } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const receiver = (config: Record<string, unknown> = {}) => startFalcoReceiver(cleanups, config);

/** One raw connection: write byte pieces (with a pause between), collect everything answered. */
function rawClient(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let text = '';
  let closed = false;
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
  });
  cleanups.push(() => void socket.destroy());
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    async send(...pieces: Array<string | Buffer>) {
      await connected;
      for (const p of pieces) {
        socket.write(p);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /** Waits until `n` whole answers arrived; returns them, Date headers removed. */
    async answers(n: number, timeoutMs = 3000): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const parts = splitAnswers(text);
        if (parts.length >= n || Date.now() > deadline) return parts;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    isClosed: () => closed,
  };
}

function httpsPost(port: number, agent: https.Agent, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        method: 'POST',
        path: '/',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => resolve(`${res.statusCode} ${text}`));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function splitAnswers(all: string): string[] {
  const out: string[] = [];
  let rest = all;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) return out;
    const length = Number(/content-length: (\d+)/i.exec(rest.slice(0, headEnd))?.[1] ?? 0);
    const end = headEnd + 4 + length;
    if (rest.length < end) return out;
    out.push(rest.slice(0, end).replace(/\r\nDate: [^\r]*/, ''));
    rest = rest.slice(end);
  }
}

/**
 * The fast path on a bare server whose `accept` decides (true: answered `200 fast`; false: handed to
 * node:http), on a free loopback port, closed after the test.
 */
function listenAccepting(
  server: http.Server,
  secretHeader: string | null,
  accept: (request: FastRequest, body: Buffer) => boolean,
): Promise<number> {
  return listenWithFastPath(
    server,
    {
      secretHeader,
      serve(request, body, socket) {
        if (!accept(request, body)) return false;
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nfast');
        return true;
      },
      timedOut: (socket) => socket.destroy(),
    },
    (close) => cleanups.push(close),
  );
}

const post = (body: string | Buffer, headers: Record<string, string> = {}) => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = Object.entries({
    Host: '127.0.0.1',
    'User-Agent': 'falcosecurity/falco',
    'Content-Type': 'application/json',
    'Content-Length': String(bytes.length),
    ...headers,
  }).map(([k, v]) => `${k}: ${v}\r\n`);
  return Buffer.concat([Buffer.from(`POST / HTTP/1.1\r\n${lines.join('')}\r\n`), bytes]);
};

describe('falco-http fast path', () => {
  it('answers exactly as node:http does, request by request, over one keep-alive connection', async () => {
    const ndjson = `${execAlert()}\n${readAlert('/src/a', 10)}\n`;
    const requests = [
      post(execAlert()), // 200, one accepted (the constant answer)
      post('{"rule":"r","priority":"Notice","source":"k8s_audit","output_fields":{}}'), // 200, one ignored
      post('{"rule":'), // 400, not JSON
      post(ndjson, { 'Content-Type': 'application/x-ndjson' }), // 200 with a summary of two
      post(gzipSync(readAlert('/src/b', 20)), { 'Content-Encoding': 'gzip' }), // gzip, 200
      post(Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' }), // 400 invalid gzip
      post('', {}), // 400 empty body
      post(execAlert(), { 'Content-Type': 'text/plain' }), // 415 (handed to node:http from here on)
      post(execAlert()),
    ];
    const results: string[][] = [];
    for (const fastPath of [true, false]) {
      const { port } = await receiver({ fastPath, maxRequestsPerSecond: 0 });
      const c = rawClient(port);
      await c.send(...requests);
      results.push(await c.answers(requests.length));
    }
    expect(results[0]).toHaveLength(requests.length);
    expect(results[0]).toEqual(results[1]);
    expect(results[0]![0]).toMatch(/^HTTP\/1\.1 200 OK\r\n.*Keep-Alive: timeout=65\r\n\r\n\{"accepted":1,/s);
    expect(results[0]![7]).toMatch(/^HTTP\/1\.1 415 /);
  });

  it('takes a request cut anywhere across writes, and several requests in one write, in order', async () => {
    const { h, port } = await receiver();
    const c = rawClient(port);
    const one = post(readAlert('/src/one', 1));
    const two = post(readAlert('/src/two', 2));
    const three = post(readAlert('/src/three', 3));
    // Cut inside the request line, inside the head's end, inside the body; then two and three together.
    await c.send(
      one.subarray(0, 3),
      one.subarray(3, 40),
      one.subarray(40, 150),
      one.subarray(150),
      Buffer.concat([two, three]),
    );
    const answers = await c.answers(3);
    expect(answers.map((a) => a.slice(0, 15))).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    const events = await h.waitFor(3);
    expect(events.map((e) => (e.kind === 'file' ? e.file.path : null))).toEqual(['/src/one', '/src/two', '/src/three']);
  });

  it('takes a large body that arrives in many pieces', async () => {
    const { h, port } = await receiver();
    const n = 300;
    const body = Array.from({ length: n }, (_, i) => readAlert(`/src/big${i}`, i + 1)).join('\n');
    const request = post(body, { 'Content-Type': 'application/x-ndjson' });
    const c = rawClient(port);
    const pieces: Buffer[] = [];
    for (let at = 0; at < request.length; at += 4096) pieces.push(request.subarray(at, at + 4096));
    await c.send(...pieces);
    const [answer] = await c.answers(1);
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 200 OK\\r\\n[\\s\\S]*"accepted":${n},`));
    expect(await h.waitFor(n)).toHaveLength(n);
  });

  it.each([true, false])(
    'answers 500 and counts it when the pipeline throws, and keeps serving (fastPath %s)',
    async (fastPath) => {
      const metrics = createMetrics();
      const source = createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0', fastPath }), {
        ...deps(metrics),
      });
      let calls = 0;
      const boom = () => {
        calls++;
        if (calls <= 2) throw new Error('pipeline bug');
        return true;
      };
      const abort = new AbortController();
      const out = {
        offer: boom,
        decodeError: boom,
        ignored: () => undefined,
        connection: () => undefined,
        waitForRoom: async () => undefined,
      };
      const running = source.run(out, abort.signal);
      cleanups.push(async () => {
        abort.abort();
        await running;
      });
      const { port } = await source.listening;
      const c = rawClient(port);
      await c.send(post(execAlert()), post(execAlert()));
      const answers = await c.answers(2);
      expect(answers.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 500', 'HTTP/1.1 200']);
      const errors = await metrics.registry.getSingleMetric('exfilwatch_component_errors_total')?.get();
      expect(errors?.values.find((v) => v.labels.component === 'source:falco-http')?.value).toBe(1);
    },
  );

  it('hands chunked bodies, Expect and GET /healthz to node:http on the same connection, which keeps serving', async () => {
    const { h, port } = await receiver();
    const body = readAlert('/src/chunked', 5);
    const chunked =
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
      `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const c = rawClient(port);
    await c.send(post(readAlert('/src/before', 4)), chunked, post(readAlert('/src/after', 6)));
    const answers = await c.answers(3);
    expect(answers.map((a) => a.slice(0, 15))).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    const events = await h.waitFor(3);
    expect(events.map((e) => (e.kind === 'file' ? e.file.path : null))).toEqual([
      '/src/before',
      '/src/chunked',
      '/src/after',
    ]);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const e = rawClient(port);
    await e.send(post(readAlert('/src/expect', 7), { Expect: '100-continue' }));
    expect((await e.answers(2)).map((a) => a.slice(0, 21))).toEqual([
      'HTTP/1.1 100 Continue',
      'HTTP/1.1 200 OK\r\ncont',
    ]);
  });

  it('answers 408 and closes when a request does not arrive in full in time', async () => {
    const { port } = await receiver({ requestTimeoutMs: 1000 });
    const c = rawClient(port);
    const started = Date.now();
    await c.send(post(execAlert()), post(execAlert()).subarray(0, 60));
    const answers = await c.answers(2, 4000);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    for (let i = 0; i < 100 && !c.isClosed(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(c.isClosed()).toBe(true);
  });

  it('stops reading a client that does not read its answers, and answers everything once it does', async () => {
    const { h, port } = await receiver();
    const socket = net.connect(port, '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.pause();
    const n = 3000;
    const all = Buffer.concat(Array.from({ length: n }, (_, i) => post(readAlert(`/src/p${i}`, i + 1))));
    socket.write(all);
    await new Promise((r) => setTimeout(r, 300));
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
    });
    socket.resume();
    const events = await h.waitFor(n, 10_000);
    for (let i = 0; i < 200 && splitAnswers(text).length < n; i++) await new Promise((r) => setTimeout(r, 25));
    expect(splitAnswers(text).filter((a) => a.startsWith('HTTP/1.1 200 OK'))).toHaveLength(n);
    expect(events.map((e) => (e.kind === 'file' ? e.file.path : null))).toEqual(
      Array.from({ length: n }, (_, i) => `/src/p${i}`),
    );
  });

  it('closes its keep-alive connections when the source stops', async () => {
    const { h, port } = await receiver();
    const c = rawClient(port);
    await c.send(post(execAlert()));
    expect(await c.answers(1)).toHaveLength(1);
    const stopped = await Promise.race([
      h.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('still running'), 3000)),
    ]);
    expect(stopped).toBe('stopped');
    for (let i = 0; i < 100 && !c.isClosed(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(c.isClosed()).toBe(true);
  });

  it('over TLS with optional client certificates, answers as node:https does: an untrusted one is refused', async () => {
    const pem = (name: string) => readFileSync(join(FIXTURES, 'tls', name));
    const tlsConfig = {
      certFile: join(FIXTURES, 'tls/server.crt'),
      keyFile: join(FIXTURES, 'tls/server.key'),
      clientCaFile: join(FIXTURES, 'tls/ca.crt'),
      requireClientCert: false,
    };
    const clients = [
      { cert: pem('client.crt'), key: pem('client.key') },
      {},
      { cert: pem('rogue.crt'), key: pem('rogue.key') },
    ];
    const results: string[][] = [];
    for (const fastPath of [true, false]) {
      const { h, port } = await receiver({ fastPath, tls: tlsConfig });
      const answers: string[] = [];
      for (const client of clients) {
        // Two requests on one connection: the second shows whether the connection is still served.
        const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: pem('ca.crt'), ...client });
        cleanups.push(() => agent.destroy());
        for (let i = 0; i < 2; i++) answers.push(await httpsPost(port, agent, execAlert()));
      }
      expect(h.events).toHaveLength(4);
      results.push(answers);
    }
    expect(results[0]!.map((a) => a.slice(0, 3))).toEqual(['200', '200', '200', '200', '401', '401']);
    expect(results[0]).toEqual(results[1]);
  });

  it('serves the Falco-shaped request itself and hands every other shape to the server, unread bytes first', async () => {
    const served: string[] = [];
    const viaNode: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        viaNode.push(body);
        res.end('node');
      });
    });
    const port = await listenAccepting(server, 'x-secret', (request, body) => {
      if (request.secret === 'wrong') return false;
      served.push(body.toString());
      return true;
    });
    const cases: Array<[string | Buffer, 'fast' | 'node']> = [
      [post('a'), 'fast'],
      [post('b', { 'X-Secret': 's' }), 'fast'],
      [post('c', { 'X-Secret': 'wrong' }), 'node'],
      [post('d', { Connection: 'close' }), 'node'],
      [post('e').toString().replace('HTTP/1.1', 'HTTP/1.0'), 'node'],
      [post('f').toString().replace('POST', 'PUT'), 'node'],
      [post('g', { Expect: '100-continue' }), 'node'],
      [post('h', { 'Content-Length': '1', 'content-length': '1' }), 'node'],
      [post('i', { ' Bad': 'x' }), 'node'],
      [post('j', { 'X-Long': 'y'.repeat(9000) }), 'node'],
    ];
    for (const [request, expected] of cases) {
      served.length = 0;
      viaNode.length = 0;
      const c = rawClient(port);
      // After the case, a plain request on the same connection: still on the fast path unless handed off.
      await c.send(request, post('next'));
      const answers = await c.answers(2, 300);
      const what = String(request).slice(0, 60);
      if (expected === 'fast') {
        expect(served, what).toEqual([String(request).split('\r\n\r\n')[1], 'next']);
        expect(viaNode, what).toEqual([]);
      } else {
        expect(served, what).toEqual([]);
        // node:http got the case (unless it refused it outright) and, on a kept connection, the next one.
        expect(viaNode.length + answers.filter((a) => /^HTTP\/1\.1 4/.test(a)).length, what).toBeGreaterThan(0);
      }
    }
  });

  it('takes TLS connections once their handshake is done', async () => {
    const pem = (name: string) => readFileSync(join(FIXTURES, 'tls', name));
    const viaNode: string[] = [];
    const served: string[] = [];
    const server = https.createServer({ cert: pem('server.crt'), key: pem('server.key') }, (req, res) => {
      viaNode.push(req.method ?? '');
      req.resume();
      res.end('node');
    });
    const port = await listenAccepting(server, null, (_request, body) => {
      served.push(body.toString());
      return true;
    });
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: pem('ca.crt') });
    cleanups.push(() => agent.destroy());
    expect(await httpsPost(port, agent, 'one')).toBe('200 fast');
    expect(await httpsPost(port, agent, 'two')).toBe('200 fast');
    expect([served, viaNode]).toEqual([['one', 'two'], []]);
  });
});
