/**
 * A stream counts as up at its first message or after ESTABLISHED_AFTER_MS without a refusal. When the process
 * stalls past that time (a busy node), the timer and the refusal are both due at once, and Node runs timers
 * before it reads sockets: the refusal already received must still win, or the source reports itself up on
 * every refused attempt (seen in grpc-refused.test.ts at load 13–15).
 */
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { upOnceEstablished } from '../../../src/sources/established.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** A connected pair over loopback. */
async function pair(): Promise<{ client: Socket; server: Socket }> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const server = await accepted;
  listener.close();
  sockets.push(client, server);
  return { client, server };
}

function stall(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // the event loop is blocked, as on a descheduled daemon
  }
}

describe('upOnceEstablished', () => {
  it('a refusal that arrived while the process stalled past the timer wins over the timer', async () => {
    const { client, server } = await pair();
    let up = 0;
    const establishing = upOnceEstablished(() => up++, 50);
    client.once('data', () => establishing.cancel());
    server.write('refused');
    stall(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(up).toBe(0);
  });

  it('with nothing received it is up once the time has passed, stalled or not', async () => {
    let up = 0;
    upOnceEstablished(() => up++, 50);
    stall(100);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(up).toBe(1);
  });

  it('a message makes it up at once, and only once', () => {
    let up = 0;
    const establishing = upOnceEstablished(() => up++, 50);
    establishing.received();
    establishing.received();
    expect(up).toBe(1);
  });
});
