/**
 * Differential helpers for the Falco receiver's fast path: the same bytes sent to a receiver with
 * `fastPath: true` and to one with `fastPath: false` (node:http alone, the contract), answers compared.
 */
import type http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { attachFastPath, type FastPathOptions } from '../../../src/sources/falco-http/fast-path.js';
import { createBodyBudget } from '../../../src/sources/falco-http/guards.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { type Harness, runSource } from './harness.js';

export interface Receiver {
  h: Harness;
  port: number;
}

export async function startReceiver(fastPath: boolean, config: Record<string, unknown> = {}): Promise<Receiver> {
  const cfg = falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0', maxRequestsPerSecond: 0, ...config, fastPath });
  const h = runSource((d) => createFalcoHttpSource(cfg, d));
  const { port } = await (h.source as ReturnType<typeof createFalcoHttpSource>).listening;
  return { h, port };
}

/**
 * A receiver with the fast path and one without (node:http alone), started before the enclosing
 * `describe` block's tests and stopped after them; read `fast` and `node` inside the tests.
 */
export function receiverPair(): { readonly fast: Receiver; readonly node: Receiver } {
  let pair: [Receiver, Receiver] | undefined;
  beforeAll(async () => {
    pair = await Promise.all([startReceiver(true), startReceiver(false)]);
  });
  afterAll(async () => {
    await Promise.all((pair ?? []).map((r) => r.h.stop()));
  });
  return {
    get fast() {
      return pair![0];
    },
    get node() {
      return pair![1];
    },
  };
}

/**
 * The fast path alone on a bare node:http `server` (the receiver's checks left out, its timeouts set apart):
 * `options` over generous limits and 5 s timeouts, listening on a free loopback port; `onCleanup` gets
 * what closes it all after the test.
 */
export async function listenWithFastPath(
  server: http.Server,
  options: Pick<FastPathOptions, 'serve' | 'timedOut'> & Partial<FastPathOptions>,
  onCleanup: (close: () => Promise<void>) => void,
): Promise<number> {
  const handle = attachFastPath(server, {
    maxHeaderBytes: 16_384,
    maxBodyBytes: 1_000_000,
    budget: createBodyBudget(64_000_000),
    headersTimeoutMs: 5000,
    requestTimeoutMs: 5000,
    keepAliveTimeoutMs: 5000,
    secretHeader: null,
    accepts: () => true,
    ...options,
  });
  if (handle === null) throw new Error('the fast path did not attach to this node:http server');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        handle.closeAll();
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

/** A Falco-shaped request; `extra` header lines go before Content-Length, `length` overrides its value. */
export const falcoRequest = (body: string, extra = '', length?: string): string =>
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}` +
  `Content-Length: ${length ?? Buffer.byteLength(body)}\r\n\r\n${body}`;

export interface Step {
  /** Milliseconds after connecting. */
  at: number;
  /** Bytes to write, or 'end' to half-close. */
  send: Buffer | 'end';
}

export interface Outcome {
  /** Status codes answered, in order, then `closed` if the server closed the connection. */
  answers: string;
  /** Everything the server wrote, Date headers removed. */
  text: string;
  /** Milliseconds from connecting until the server closed (-1: still open when we gave up). */
  closedAfterMs: number;
}

/**
 * One connection: writes each step at its time, then waits until the server closes it or `quietMs` pass
 * without anything from it (measured from the last step or the last bytes read, whichever is later).
 */
export function converse(port: number, steps: readonly Step[], quietMs = 250): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const t0 = Date.now();
    let text = '';
    let closedAfterMs = -1;
    let quiet: NodeJS.Timeout | undefined;
    let stepping = true;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      clearTimeout(quiet);
      for (const t of timers) clearTimeout(t);
      socket.destroy();
      const codes = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => m[1]);
      const answers = `${codes.join(',')}${closedAfterMs >= 0 ? ' closed' : ''}`;
      resolve({ answers, text: text.replace(/\r\nDate: [^\r]*/g, ''), closedAfterMs });
    };
    const arm = () => {
      if (stepping) return;
      clearTimeout(quiet);
      quiet = setTimeout(finish, quietMs);
    };
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      arm();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (closedAfterMs < 0) closedAfterMs = Date.now() - t0;
      finish();
    });
    socket.once('connect', async () => {
      // One step after the other (not a timer per step: timers due in the same tick may run out of order).
      for (const s of steps) {
        const wait = t0 + s.at - Date.now();
        if (wait > 0) await new Promise<void>((r) => timers.push(setTimeout(r, wait)));
        if (socket.destroyed) break;
        if (s.send === 'end') socket.end();
        else socket.write(s.send);
      }
      stepping = false;
      arm();
    });
  });
}

/** The same conversation with both receivers at once. */
export async function both(fast: Receiver, node: Receiver, steps: readonly Step[], quietMs?: number) {
  const [a, b] = await Promise.all([converse(fast.port, steps, quietMs), converse(node.port, steps, quietMs)]);
  return { fast: a, node: b };
}

/** `bytes` at once, then (100 ms later, once its answer is out) a valid request: node:http's answers are the contract. */
export const thenValid = (bytes: Buffer | string, valid: string): Step[] => [
  { at: 0, send: typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes },
  { at: 100, send: Buffer.from(valid) },
];
