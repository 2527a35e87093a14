/**
 * A Kubernetes API server for tests, over HTTPS (the Falco fixtures' localhost certificate): `GET /api/v1/pods`
 * as a list (`{kind: PodList, metadata: {resourceVersion, continue}, items}`) and, with `watch=true`, as a
 * stream of JSON lines `{type, object}`. Each request is answered by the handler the test gives; every request
 * is recorded.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

const TLS = resolve(import.meta.dirname, '../fixtures/falco/tls');
export const FAKE_API_CA = readFileSync(`${TLS}/ca.crt`, 'utf8');

export interface ApiRequest {
  watch: boolean;
  query: URLSearchParams;
  authorization: string | undefined;
}

/** Answers one request: write to `res` and end it (or keep it open, for a watch). */
export type ApiHandler = (req: ApiRequest, res: ServerResponse) => void;

export interface FakeKubeApi {
  readonly server: string;
  readonly requests: ApiRequest[];
  /** Handlers taken in order, one per request; the last one answers every request after them. */
  respond(...handlers: ApiHandler[]): void;
  close(): Promise<void>;
}

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const requests: ApiRequest[] = [];
  let handlers: ApiHandler[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer(
    { cert: readFileSync(`${TLS}/server.crt`), key: readFileSync(`${TLS}/server.key`) },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      if (url.pathname !== '/api/v1/pods') {
        res.writeHead(404).end();
        return;
      }
      const r = {
        watch: url.searchParams.get('watch') === 'true',
        query: url.searchParams,
        authorization: req.headers.authorization,
      };
      requests.push(r);
      open.add(res);
      res.on('close', () => open.delete(res));
      const handler = handlers.length > 1 ? handlers.shift()! : handlers[0];
      if (handler === undefined) res.writeHead(500).end();
      else handler(r, res);
    },
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    server: `https://localhost:${port}`,
    requests,
    respond: (...h) => {
      handlers = h;
    },
    close: async () => {
      for (const res of open) res.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A PodList page. */
export function listOf(items: unknown[], resourceVersion: string, next?: string): ApiHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion, ...(next ? { continue: next } : {}) },
        items,
      }),
    );
  };
}

/** A watch sending `events` (one JSON line each, as the API server writes them), then ending (or held open). */
export function watchOf(events: Array<{ type: string; object: unknown }>, o: { hold?: boolean } = {}): ApiHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    for (const e of events) res.write(`${JSON.stringify(e)}\n`);
    if (!o.hold) res.end();
  };
}

/** An answer with a Status body, as the API server refuses (403 Forbidden, 410 Gone …). */
export function statusOf(code: number, reason: string, message: string): ApiHandler {
  return (_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }),
    );
  };
}
