/**
 * Hostile HTTP against the real daemon's Falco receiver: fuzzed bodies (mutated real alerts, random bytes),
 * wrong content types and encodings, oversized and gzip-bomb bodies, oversized headers, a slowloris
 * trickle, more connections than allowed. Every request gets a definite answer (never a 5xx), every
 * refusal is counted in exfilwatch_receiver_requests_total, legitimate traffic keeps flowing meanwhile,
 * and the process stays up.
 */
import { rmSync } from 'node:fs';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Daemon, startDaemon, tempDir, waitFor } from '../faults/helpers/daemon.js';
import { FUZZ_MS, falcoTexts, mutatedBytes, mutatedObjects } from './corpus.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const REQUEST_TIMEOUT_MS = 2000;
const MAX_CONNECTIONS = 16;

function post(
  port: number,
  body: Buffer | string,
  headers: Record<string, string | number> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A POST the server may answer before it has read all of it (413, 415, 431) and then close: on a loaded box the
 * client's write can meet the closed socket (ECONNRESET, EPIPE) before it reads the answer. The server has
 * counted that answer all the same, so such an attempt is tallied as `status` and the POST sent again until
 * an answer is read (whose status the caller checks).
 */
async function postAnsweredEarly(
  port: number,
  body: Buffer | string,
  headers: Record<string, string | number>,
  status: number,
  saw: (status: number) => void,
): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const r = await post(port, body, headers);
      saw(r.status);
      return r.status;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ECONNRESET' && code !== 'EPIPE') throw err;
      saw(status);
    }
  }
  throw new Error(`no answer read in 5 attempts (${status} expected)`);
}

/** A raw connection; resolves with what the server said before closing (or '' when it just closed). */
function raw(port: number): { socket: Socket; closed: Promise<string> } {
  const socket = connect({ host: '127.0.0.1', port });
  let got = '';
  socket.on('data', (d: Buffer) => {
    got += d.toString();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(got)));
  return { socket, closed };
}

async function codes(d: Daemon): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await d.metricsText()).split('\n')) {
    const m = /^exfilwatch_receiver_requests_total\{source="falco-http",code="(\w+)"\} (\d+)/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

describe('fuzz: Falco HTTP receiver (real daemon process)', () => {
  it('fuzzed bodies, wrong types, oversized bodies and headers, slowloris, too many connections: definite answers, all counted, still serving', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const d = await startDaemon(
      {
        sources: {
          falcoHttp: [{ listen: '127.0.0.1:0', requestTimeoutMs: REQUEST_TIMEOUT_MS, maxConnections: MAX_CONNECTIONS }],
        },
        sinks: { stdout: { enabled: true } },
        correlator: { destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const listening = await d.waitForLog((l) => l.msg === 'falco-http receiver listening');
    const port = Number(String(listening.listen).split(':').pop());
    const texts = falcoTexts();
    const expected: Record<string, number> = {};
    const saw = (status: number) => {
      expected[status] = (expected[status] ?? 0) + 1;
    };

    // 1. Fuzzed bodies: mutated real alerts (objects and bytes) and random bytes.
    const arb = fc.oneof(
      mutatedObjects(texts.map((t) => JSON.parse(t) as Record<string, unknown>)).map((o) =>
        Buffer.from(JSON.stringify(o)),
      ),
      mutatedBytes(texts.map((t) => Buffer.from(t))),
      fc.constantFrom(...texts.map((t) => Buffer.from(t))),
    );
    const until = Date.now() + FUZZ_MS;
    let fuzzed = 0;
    while (Date.now() < until) {
      for (const body of fc.sample(arb, 50)) {
        if (body.length > 1024 * 1024) continue;
        const r = await post(port, body);
        expect([200, 400]).toContain(r.status);
        expect(() => JSON.parse(r.body)).not.toThrow();
        saw(r.status);
        fuzzed++;
      }
    }
    expect(expected[200]).toBeGreaterThan(0);
    expect(expected[400]).toBeGreaterThan(0);

    // 2. Wrong media types and encodings.
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml', '']) {
      expect(await postAnsweredEarly(port, texts[0]!, { 'content-type': type }, 415, saw)).toBe(415);
    }
    expect(await postAnsweredEarly(port, texts[0]!, { 'content-encoding': 'br' }, 415, saw)).toBe(415);

    // 3. Oversized: declared, streamed without a length, and a gzip bomb (1 KiB on the wire, 64 MiB inflated).
    expect(await postAnsweredEarly(port, Buffer.alloc(2 * 1024 * 1024, 0x20), {}, 413, saw)).toBe(413);
    const chunked = await new Promise<number>((resolve) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve(-1));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 40; i++) req.write(chunk);
      req.end();
    });
    expect(chunked).toBe(413);
    saw(413);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(await postAnsweredEarly(port, bomb, { 'content-encoding': 'gzip' }, 413, saw)).toBe(413);
    expect((await post(port, Buffer.from('not gzip'), { 'content-encoding': 'gzip' })).status).toBe(400);
    saw(400);

    // 4. Header block over maxHeaderBytes (16 KiB): 431 from the parser.
    expect(await postAnsweredEarly(port, texts[0]!, { 'x-padding': 'p'.repeat(20_000) }, 431, saw)).toBe(431);

    // 5. Slowloris: headers one byte at a time. Cut off after requestTimeoutMs; others served meanwhile.
    const slow = raw(port);
    const request = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n';
    let i = 0;
    const drip = setInterval(() => {
      if (i < request.length && !slow.socket.destroyed) slow.socket.write(request[i++]!);
    }, 100);
    cleanups.push(() => clearInterval(drip));
    const slowStart = Date.now();
    const ok = await post(port, texts[0]!);
    expect(ok.status).toBe(200);
    saw(200);
    const slowAnswer = await slow.closed;
    clearInterval(drip);
    expect(Date.now() - slowStart).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
    expect(slowAnswer).toMatch(/^HTTP\/1\.1 408/);
    saw(408);

    // 6. More connections than maxConnections: as many as the excess are closed at once, without an answer
    // (the ones longest without a request in progress, to admit the newcomers).
    const conns = Array.from({ length: MAX_CONNECTIONS + 8 }, () => raw(port));
    await Promise.all(conns.map((c) => new Promise((r) => c.socket.once('connect', r))));
    const dropped = await waitFor(
      () => {
        const n = conns.filter((c) => c.socket.destroyed || c.socket.readableEnded).length;
        return n >= 8 ? n : 0;
      },
      'extra connections closed',
      5000,
    );
    expect(dropped).toBeGreaterThanOrEqual(8);
    for (const c of conns) c.socket.destroy();
    await Promise.all(conns.map((c) => c.closed));
    const after = await waitFor(
      async () => {
        const r = await post(port, texts[0]!).catch(() => null);
        return r?.status === 200 ? r : null;
      },
      'service after the connection flood',
      5000,
    );
    expect(after.status).toBe(200);
    saw(200);

    // Every answer is in the metrics, by code; every refusal before ingest is a counted drop.
    const counted = await codes(d);
    for (const [code, n] of Object.entries(expected)) expect(counted[code], `code ${code}`).toBe(n);
    // The invalid gzip body's 400 is refused before decoding: a rejection, not a decode error.
    const gzipRefusals = 1;
    const refusedBeforeIngest = (expected[413] ?? 0) + (expected[415] ?? 0) + gzipRefusals;
    expect(await d.metric('exfilwatch_events_dropped_total', { reason: 'rejected' })).toBeGreaterThanOrEqual(
      refusedBeforeIngest,
    );
    expect(await d.metric('exfilwatch_decode_errors_total', { source: 'falco' })).toBeGreaterThanOrEqual(
      (expected[400] ?? 0) - gzipRefusals,
    );
    expect((await fetch(`${d.base}/healthz`)).status).toBe(200);
    expect(d.alive()).toBe(true);
    expect(fuzzed).toBeGreaterThan(0);
  });
});
