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

function consume(url: string, max: number): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/consumer/consumer.ts', String(max)], {
      cwd: REPO_ROOT,
      env: { ...process.env, NATS_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: out.trim().split('\n').filter(Boolean) });
    });
  });
}

describe('examples/consumer', () => {
  it('receives alerts in order, acks them, and resumes after the last ack when run again', async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sink = createNatsSink(natsSinkConfigSchema.parse({ servers: [srv.url], spool: { dir } }), {
      logger: silentLogger(),
      metrics: createMetrics(),
      clock: { now: () => Date.now() },
    });
    await sink.start();
    cleanups.push(() => sink.close());
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
});
