/**
 * A Tetragon agent that refuses GetEvents (UNIMPLEMENTED: another service on the socket, a version without
 * the API) or ends it at once: the source must not report itself up between attempts. It used to mark
 * itself up as soon as the call started, so /readyz and exfilwatch_source_up flickered up on every try.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, type ServerWritableStream, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../../src/sources/tetragon-grpc/index.js';
import { createHarness } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A gRPC server whose GetEvents ends every call at once, the way `behaviour` says; counts the calls. */
async function refusingAgent(behaviour: 'unimplemented' | 'end'): Promise<{ address: string; calls: () => number }> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-tg-refuse-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const address = `unix://${join(dir, 'tetragon.sock')}`;
  let calls = 0;
  const server = new Server();
  const bytes = (b: Buffer) => b;
  server.addService(
    {
      GetEvents: {
        path: '/tetragon.FineGuidanceSensors/GetEvents',
        requestStream: false,
        responseStream: true,
        requestSerialize: bytes,
        requestDeserialize: bytes,
        responseSerialize: bytes,
        responseDeserialize: bytes,
      },
    },
    {
      GetEvents: (call: ServerWritableStream<Buffer, Buffer>) => {
        calls++;
        if (behaviour === 'end') call.end();
        else call.emit('error', { code: status.UNIMPLEMENTED, details: 'unknown service' });
      },
    },
  );
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(address, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  cleanups.push(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
  return { address, calls: () => calls };
}

describe('tetragon-grpc against an agent that refuses the stream', () => {
  for (const worker of [true, false]) {
    for (const behaviour of ['unimplemented', 'end'] as const) {
      it(`${behaviour}, ${worker ? 'ingest worker' : 'main thread'}: never reported up, retried`, async () => {
        const agent = await refusingAgent(behaviour);
        const h = createHarness();
        h.start(
          createTetragonGrpcSource(
            tetragonGrpcConfigSchema.parse({ address: agent.address, worker, reconnectMinMs: 50, reconnectMaxMs: 200 }),
            h.deps,
          ),
        );
        cleanups.push(() => void h.stop());
        await h.waitFor(() => agent.calls() >= 3, 'three refused calls');
        expect(h.logs.filter((l) => l.msg === 'source connected' || l.msg === 'source reconnected')).toEqual([]);
        expect(h.up()).toBe(false);
        expect(await h.stop()).toBe('resolved');
      });
    }
  }
});
