/**
 * The default demo path: an in-process Tetragon-compatible gRPC server on a temporary unix socket, and the
 * real `tetragon-grpc` source connected to it exactly as `run --tetragon unix://…` connects to a node's
 * agent. Lines are converted to GetEventsResponse messages and pushed onto the open stream as the replay
 * paces them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tetragonJsonToProto } from '../formats/tetragon/to-proto.js';
import { startTetragonReplayServer, type TetragonReplayServer } from '../sensors-sim/tetragon-replay-server.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../sources/tetragon-grpc/index.js';
import type { SourceDeps } from '../sources/types.js';
import type { ReplayTransport } from './transport.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function createTetragonTransport(deps: SourceDeps): Promise<ReplayTransport> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-demo-'));
  const address = `unix://${join(dir, 'tetragon.sock')}`;
  let server: TetragonReplayServer;
  try {
    server = await startTetragonReplayServer({ address, events: [] });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // Reconnect quickly: the server is in-process, and a demo should not sit in a 30 s backoff.
  const source = createTetragonGrpcSource(
    tetragonGrpcConfigSchema.parse({ address, reconnectMinMs: 50, reconnectMaxMs: 1000 }),
    deps,
  );
  return {
    source,
    describe: () => `Tetragon gRPC (${address}) → tetragon-grpc source`,
    async ready() {
      // Pushed messages go to open streams only: wait for the source's GetEvents call.
      const deadline = Date.now() + 10_000;
      while (server.activeStreams === 0) {
        if (Date.now() > deadline)
          throw new Error(`the tetragon-grpc source did not connect to ${address} within 10 s`);
        await sleep(10);
      }
    },
    async send(batch) {
      server.push(batch.map((line) => tetragonJsonToProto(JSON.parse(line) as Record<string, unknown>)));
    },
    refused: () => 0,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
