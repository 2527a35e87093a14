/**
 * The Tetragon replay server under backpressure: a slow client makes nearly every write wait for room on
 * the stream. Each wait must remove the listener it did not need (drain vs. cancelled vs. error), or
 * Node warns MaxListenersExceededWarning after ten waits and memory grows with the stream.
 */
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { GetEventsRequest } from '../../../src/generated/tetragon/events.js';
import {
  startTetragonReplayServer,
  type TetragonReplayServer,
} from '../../../src/sensors-sim/tetragon-replay-server.js';

const MESSAGES = 400;
const MESSAGE_BYTES = 32 * 1024;

let server: TetragonReplayServer | null = null;
let client: Client | null = null;
afterEach(async () => {
  client?.close();
  client = null;
  await server?.close();
  server = null;
});

describe('tetragon replay server', () => {
  it('streams many messages to a slow client without leaving listeners behind (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      // Raw message bytes are passed through unchanged: the client reads them without decoding.
      const events = Array.from({ length: MESSAGES }, (_, i) => Buffer.alloc(MESSAGE_BYTES, i % 251));
      server = await startTetragonReplayServer({ address: '127.0.0.1:0', events, endStream: true });
      client = new Client(server.address, credentials.createInsecure());
      const stream = client.makeServerStreamRequest(
        '/tetragon.FineGuidanceSensors/GetEvents',
        (req: GetEventsRequest) => Buffer.from(GetEventsRequest.encode(req).finish()),
        (buf: Buffer) => buf,
        GetEventsRequest.fromJSON({}),
        new Metadata(),
      );
      let received = 0;
      let bytes = 0;
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (buf: Buffer) => {
          received++;
          bytes += buf.length;
          // Slow reader: stop for a moment every few messages so HTTP/2 flow control pushes back.
          if (received % 8 === 0) {
            stream.pause();
            setTimeout(() => stream.resume(), 2);
          }
        });
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      // Warnings are emitted on a later tick.
      await new Promise((r) => setTimeout(r, 20));
      expect(received).toBe(MESSAGES);
      expect(bytes).toBe(MESSAGES * MESSAGE_BYTES);
      expect(server.sent).toBe(MESSAGES);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
