/** examples/consumer: a durable JetStream consumer that acks, run as a real process against nats-server. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNatsSink, natsSinkConfigSchema } from '../../../src/sinks/nats/index.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { startNatsServer } from '../../helpers/nats-server.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';
import { REPO_ROOT } from './cli-process.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Consumed {
  code: number | null;
  lines: string[];
  stderr: string;
}

/** Runs the example until it has taken `max` alerts; `onStderr` sees its stderr as it comes. */
function consume(url: string, max: number, onStderr: (text: string) => void = () => {}): Promise<Consumed> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/consumer/consumer.ts', String(max)], {
      cwd: REPO_ROOT,
      env: { ...process.env, NATS_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      onStderr(err);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: out.trim().split('\n').filter(Boolean), stderr: err });
    });
  });
}

async function startSink(url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const sink = createNatsSink(natsSinkConfigSchema.parse({ servers: [url], spool: { dir } }), {
    logger: silentLogger(),
    metrics: createMetrics(),
    clock: { now: () => Date.now() },
  });
  await sink.start();
  cleanups.push(() => sink.close());
  return sink;
}

describe('examples/consumer', () => {
  it('receives alerts in order, acks them, and resumes after the last ack when run again', async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    const sink = await startSink(srv.url);
    for (const a of [makeAlert(1, 'critical'), makeAlert(2, 'high'), makeAlert(3, 'low')]) await sink.send(a);
    // The sink connects in the background (start-up never waits for the broker) and flush() returns at once
    // while it is still disconnected: wait for the spool to drain, as a responder would wait for delivery.
    const deadline = Date.now() + 15_000;
    while (sink.status().spooled > 0 && Date.now() < deadline) {
      await sink.flush(1_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sink.status().spooled).toBe(0);

    const first = await consume(srv.url, 2);
    expect(first.code).toBe(0);
    expect(first.lines).toHaveLength(2);
    expect(first.lines[0]).toMatch(/CRITICAL bulk-read-then-push on node-a \(default\/app-0\): .*\[alert-000001\]$/);
    expect(first.lines[1]).toMatch(/\[alert-000002\]$/);

    const second = await consume(srv.url, 1);
    expect(second.code).toBe(0);
    expect(second.lines).toEqual([expect.stringMatching(/ LOW .*\[alert-000003\]$/)]);
  });

  it('started before exfilwatch has created the stream, says it waits and then takes the first alert', async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    let saidWaiting: () => void = () => {};
    const waiting = new Promise<void>((resolve) => {
      saidWaiting = resolve;
    });
    const consumed = consume(srv.url, 1, (text) => {
      if (text.includes('no stream EXFILWATCH_ALERTS')) saidWaiting();
    });
    await Promise.race([waiting, consumed]); // a consumer that died instead of waiting fails below, at once
    const sink = await startSink(srv.url);
    await sink.send(makeAlert(1, 'critical'));
    const result = await consumed;
    expect(result.code).toBe(0);
    expect(result.lines).toEqual([expect.stringMatching(/ CRITICAL .*\[alert-000001\]$/)]);
    expect(result.stderr).toMatch(
      /^consumer: no stream EXFILWATCH_ALERTS on nats:\/\/127\.0\.0\.1:\d+ yet; .*waiting\n$/,
    );
  });
});
