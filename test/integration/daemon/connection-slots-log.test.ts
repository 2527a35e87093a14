/**
 * src/http/connection-slots.ts on a real node:http server: every connection it closes to keep the limit is
 * passed to `onClosed` (the caller's metric), and logged as one warn line at most once a minute, carrying the
 * caller's fields, the message for the reason that triggered it and the tally by reason so far. The clock is
 * injected (`now`), so the minute passes without waiting.
 */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClosedReason, limitConnections } from '../../../src/http/connection-slots.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { until } from '../../helpers/until.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MESSAGES: Record<ClosedReason, string> = {
  evicted: 'test: closed the connection longest without a request',
  refused: 'test: every connection busy; closed the new one',
  pipelined: 'test: closed a connection that pipelined too much',
};

/** A server whose `/hold` is never answered (a request in progress for good), with one connection slot. */
async function slottedServer(now: () => number) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const closed: ClosedReason[] = [];
  let requests = 0;
  let accepted = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    if (req.url !== '/hold') res.end('ok\n');
  });
  server.on('connection', () => {
    accepted++;
  });
  limitConnections(server, {
    max: 1,
    // Never stalled within the test: a held request keeps its slot, so a newcomer is refused.
    stalledMs: 1e12,
    onClosed: (reason) => void closed.push(reason),
    logger,
    messages: MESSAGES,
    logFields: { server: 'test', maxConnections: 1 },
    now,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const port = (server.address() as { port: number }).port;
  const sockets: Socket[] = [];
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
  });
  /** A new connection, once the server has taken it (and so closed one, or it, when full). */
  const open = async (): Promise<Socket> => {
    const before = accepted;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    sockets.push(socket);
    await until(() => accepted > before, 5000, 'the server to take the connection');
    return socket;
  };
  const warnings = () => lines.filter((l) => l.level === 40);
  return { open, closed, warnings, requests: () => requests };
}

describe('connection slots: closures are counted each and logged at most once a minute, with the tally', () => {
  it('logs the first closure, only counts those within the minute, and logs the next after it with the tally by reason', async () => {
    let clock = 1_000;
    const s = await slottedServer(() => clock);

    // One slot: a second connection evicts the idle first one. Logged at once, with the tally.
    await s.open();
    const busy = await s.open();
    expect(s.closed).toEqual(['evicted']);
    expect(s.warnings()).toHaveLength(1);
    expect(s.warnings()[0]).toMatchObject({
      msg: MESSAGES.evicted,
      server: 'test',
      maxConnections: 1,
      closedSoFar: { evicted: 1, refused: 0, pipelined: 0 },
    });

    // Its request is in progress: newcomers are refused. Within the minute: counted, not logged.
    busy.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => s.requests() === 1, 5000, 'the held request to start');
    await s.open();
    clock += 30_000;
    await s.open();
    expect(s.closed).toEqual(['evicted', 'refused', 'refused']);
    expect(s.warnings()).toHaveLength(1);

    // A minute after the last line: the next closure is logged, with everything closed so far.
    clock += 30_000;
    await s.open();
    expect(s.closed).toEqual(['evicted', 'refused', 'refused', 'refused']);
    expect(s.warnings()).toHaveLength(2);
    expect(s.warnings()[1]).toMatchObject({
      msg: MESSAGES.refused,
      server: 'test',
      closedSoFar: { evicted: 1, refused: 3, pipelined: 0 },
    });
  });
});
