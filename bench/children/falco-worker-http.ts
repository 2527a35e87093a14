/**
 * Experiment (BENCH_FALCO_WORKER=1), not exfilwatch code: the HTTP half of a Falco receiver in a worker
 * thread. node:http with the receiver's server options reads each body; bodies go to the main thread
 * once per event-loop turn as one message, the main thread's verdicts (200/400/503) come back as one, and
 * the worker answers. No TLS, secret or limits: it measures what moving the transport off the correlator's
 * thread costs and saves, not a receiver.
 */
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { falcoHttpConfigSchema } from '../../src/sources/falco-http/config.js';

const port = parentPort!;
const config = falcoHttpConfigSchema.parse({});
const waiting = new Map<number, ServerResponse>();
let nextId = 0;
let ids: number[] = [];
let bodies: string[] = [];
let scheduled = false;
const flush = () => {
  scheduled = false;
  port.postMessage({ ids, bodies });
  ids = [];
  bodies = [];
};
const reply = JSON.stringify({ accepted: 1, ignored: 0, dropped: 0, rejected: 0 });
const headers = ['content-type', 'application/json', 'content-length', String(reply.length)];

const server = http.createServer(
  {
    maxHeaderSize: config.maxHeaderBytes,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
    connectionsCheckingInterval: Math.min(1000, Math.ceil(config.requestTimeoutMs / 4)),
  },
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = nextId++;
      waiting.set(id, res);
      ids.push(id);
      bodies.push((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'));
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  },
);
port.on('message', (m: { ids: number[]; codes: number[] }) => {
  for (let i = 0; i < m.ids.length; i++) {
    const res = waiting.get(m.ids[i]!)!;
    waiting.delete(m.ids[i]!);
    res.writeHead(m.codes[i]!, headers);
    res.end(reply);
  }
});
server.listen(0, '127.0.0.1', () => port.postMessage({ port: (server.address() as AddressInfo).port }));
