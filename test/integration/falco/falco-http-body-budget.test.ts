/**
 * One budget for request bodies held across all of the receiver's connections (maxBufferedBodyBytes): a flood
 * of connections each holding part of a large body is refused past the budget (503, Retry-After, closed,
 * counted, logged once), Falco-sized alerts keep flowing meanwhile, and bodies that complete or connections
 * that go away give their bytes back. The fast path and node:http alone give the same answers.
 * (The RSS this keeps off the pod: docs/falco.md, "Limits".)
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFalcoHttpPoster } from '../../../src/sensors-sim/falco-http-poster.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { execAlert } from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { falcoRequest } from './differential.js';
import { runSource } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const BODY = 64 * 1024;
const BUDGET = 4 * BODY; // exactly four large bodies at once
const BUDGET_LOG = 'request bodies held reached maxBufferedBodyBytes: refusing requests until some complete';

/** A valid exec alert padded (in `output`) to exactly `bytes` bytes of JSON. */
function alertOf(bytes: number): string {
  const alert = JSON.parse(execAlert()) as Record<string, unknown>;
  alert.output = '';
  alert.output = 'x'.repeat(bytes - JSON.stringify(alert).length);
  return JSON.stringify(alert);
}

/** A connection that sends a request's head and the first `sent` bytes of its body, and maybe the rest later. */
function partialRequest(port: number, body: string, sent: number) {
  const socket = net.connect(port, '127.0.0.1');
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
  const request = falcoRequest(body);
  socket.write(request.slice(0, request.length - body.length + sent));
  return {
    answer: () => text.replace(/\r\nDate: [^\r]*/, ''),
    closed: () => closed,
    finish: () => socket.write(body.slice(sent)),
    /** Closes with a FIN (the server reads an end), or with a RST (`reset`: an error, no end). */
    close: (reset: boolean) => (reset ? socket.resetAndDestroy() : socket.destroy()),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

async function scenario(fastPath: boolean) {
  const logs: Array<Record<string, unknown>> = [];
  const cfg = falcoHttpConfigSchema.parse({
    listen: '127.0.0.1:0',
    fastPath,
    maxBodyBytes: BODY,
    maxBufferedBodyBytes: BUDGET,
    maxConnections: 64,
  });
  const h = runSource((d) => createFalcoHttpSource(cfg, d), { logs });
  cleanups.push(() => h.stop());
  const { port } = await (h.source as ReturnType<typeof createFalcoHttpSource>).listening;
  const series = async () => (await h.metrics.receiverBufferedBodyBytes.get()).values;
  expect(await series()).toEqual([{ value: 0, labels: { source: 'falco-http' } }]); // there, at 0, from the start
  const p = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
  cleanups.push(() => p.close());
  const large = alertOf(BODY);
  const medium = alertOf(20 * 1024); // over the 16 KiB a body may hold outside the budget

  // 12 connections each announce a 64 KiB body and send 1000 bytes of it: four fit, eight are refused.
  const flood = Array.from({ length: 12 }, () => partialRequest(port, large, 1000));
  await until(() => flood.filter((c) => c.closed()).length >= 8, 5000, 'eight refusals');
  await settle();
  const held = flood.filter((c) => !c.closed());
  const refused = flood.filter((c) => c.closed());
  expect(held.length).toBe(4);
  expect(held.every((c) => c.answer() === '')).toBe(true);
  // The budget's level and ceiling are on /metrics: full now.
  const level = () => h.metric('exfilwatch_receiver_buffered_body_bytes', { source: 'falco-http' });
  expect(await level()).toBe(BUDGET);
  expect(await h.metric('exfilwatch_receiver_body_budget_bytes', { source: 'falco-http' })).toBe(BUDGET);
  const refusal = refused[0]!.answer();
  expect(refusal.split('\r\n')[0]).toBe('HTTP/1.1 503 Service Unavailable');
  expect(refusal).toMatch(/\r\nretry-after: 1\r\nconnection: close\r\n/);
  expect(refusal).toContain(`would exceed maxBufferedBodyBytes ${BUDGET}`);
  expect(new Set(refused.map((c) => c.answer())).size).toBe(1);

  // The budget is full, yet Falco-sized alerts keep flowing; a larger body does not fit.
  const small = await p.postAll(Array.from({ length: 5 }, () => execAlert()));
  expect(small.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  await h.waitFor(5);
  const p2 = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
  cleanups.push(() => p2.close());
  expect((await p2.post(medium)).status).toBe(503);

  // A client gone mid-body (reset) gives its 64 KiB back: the medium body fits now, released once served.
  held[0]!.close(true);
  await settle();
  const p3 = createFalcoHttpPoster({ url: `http://127.0.0.1:${port}/` });
  cleanups.push(() => p3.close());
  expect((await p3.post(medium)).status).toBe(200);
  // A held body completed: served (200), and its 64 KiB given back too.
  held[1]!.finish();
  await until(() => held[1]!.answer().length > 0, 5000, 'the completed body answered');
  expect(held[1]!.answer().split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  await h.waitFor(7);
  // A client that half-closes mid-body: node:http answers that (400) and its 64 KiB come back as well.
  held[2]!.close(false);
  await settle();
  // So exactly three more large bodies fit (the medium one holds nothing any more), a fourth does not.
  const again = Array.from({ length: 4 }, () => partialRequest(port, large, 1000));
  await until(() => again.some((c) => c.closed()), 5000, 'one more refusal');
  await settle();
  expect(again.map((c) => c.closed()).sort()).toEqual([false, false, false, true]);
  expect(await level()).toBe(BUDGET);
  // Every holder gone: the level is back to nothing.
  for (const c of [...held, ...again]) c.close(true);
  await until(async () => (await level()) === 0, 5000, 'the level back to 0');

  const refusals = 8 + 1 + 1;
  expect(await h.metric('exfilwatch_receiver_requests_total', { source: 'falco-http', code: '503' })).toBe(refusals);
  expect(await h.metric('exfilwatch_events_dropped_total', { reason: 'rejected' })).toBe(refusals);
  // Ten refusals within seconds: one warning (at most one per 10 s), naming the budget.
  const warnings = logs.filter((l) => l.msg === BUDGET_LOG);
  expect(warnings.length).toBe(1);
  expect(warnings[0]).toMatchObject({ code: 503, maxBufferedBodyBytes: BUDGET, refused: 1 });
  return { refusal, served: held[1]!.answer(), events: h.events.length };
}

describe('falco-http: one budget for request bodies across all connections', () => {
  it('holds under a flood of partial large bodies, keeps small alerts flowing, gives bytes back; both paths alike', async () => {
    const fast = await scenario(true);
    const node = await scenario(false);
    // The same bytes on the wire (Date aside) from the fast path as from node:http alone.
    expect(fast).toEqual(node);
  });
});
