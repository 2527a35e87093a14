/**
 * A message grpc-js cannot read before deserializing (the compressed flag set, no grpc-encoding) makes it
 * cancel the call with neither status code nor details. Both gRPC sources must log what happened instead of
 * `stream failed: undefined: undefined`. grpc-js's own server never frames such a message, so this one is a
 * raw HTTP/2 server answering with gRPC headers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFalcoGrpcSource, falcoGrpcConfigSchema } from '../../../src/sources/falco-grpc/index.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../../src/sources/tetragon-grpc/index.js';
import { execAlert } from '../../fixtures/falco/events.js';
import { until } from '../../helpers/until.js';
import { createHarness } from '../tetragon/harness.js';
import { runSource } from './harness.js';
import { responseBytes } from './scripted-server.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Answers every call with gRPC headers and one message whose compressed flag is set; counts the calls. */
async function compressedFlagServer(): Promise<{ address: string; calls: () => number }> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-grpc-unreadable-'));
  const path = join(dir, 'agent.sock');
  let calls = 0;
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => undefined);
  });
  server.on('stream', (stream) => {
    calls++;
    stream.on('error', () => undefined);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
    const message = responseBytes(execAlert());
    const frame = Buffer.alloc(5 + message.length);
    frame[0] = 1; // compressed, yet no grpc-encoding header says how
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    stream.write(frame);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => {
    for (const s of sessions) s.destroy();
    server.close();
  });
  return { address: `unix://${path}`, calls: () => calls };
}

const failureLines = (logs: Array<Record<string, unknown>>) =>
  logs
    .flatMap((l) => [l.msg, l.detail])
    .filter((t): t is string => typeof t === 'string' && t.includes('stream failed'));

function expectSaysWhatHappened(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).not.toMatch(/undefined/);
    expect(line).toMatch(/could not read a message \(compressed with no or an unsupported grpc-encoding/);
  }
}

describe('a message grpc-js cannot read is logged as such', () => {
  it('falco-grpc', async () => {
    const s = await compressedFlagServer();
    const cfg = falcoGrpcConfigSchema.parse({ address: s.address, initialBackoffMs: 50, maxBackoffMs: 200 });
    const logs: Array<Record<string, unknown>> = [];
    const h = runSource((d) => createFalcoGrpcSource(cfg, d), { logs });
    cleanups.push(() => h.stop());
    await until(() => s.calls() >= 2 && failureLines(logs).length > 0);
    expectSaysWhatHappened(failureLines(logs));
  });

  for (const worker of [false, true]) {
    it(`tetragon-grpc (worker: ${worker})`, async () => {
      const s = await compressedFlagServer();
      const h = createHarness();
      const config = tetragonGrpcConfigSchema.parse({
        address: s.address,
        worker,
        reconnectMinMs: 50,
        reconnectMaxMs: 200,
      });
      h.start(createTetragonGrpcSource(config, h.deps));
      cleanups.push(() => h.stop());
      await until(() => s.calls() >= 2 && failureLines(h.logs).length > 0, 10_000);
      expectSaysWhatHappened(failureLines(h.logs));
    });
  }
});
