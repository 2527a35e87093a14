/**
 * `exfilwatch run` as a real process against Debian's nats-server: ops endpoints, promtool accepts the
 * metrics exposition, SIGTERM exits 0 promptly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { type NatsServer, startNatsServer } from '../../helpers/nats-server.js';
import { type CliRun, startCli, stopChild } from './cli-process.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const INTERFACE_METRICS = [
  'exfilwatch_events_total',
  'exfilwatch_events_dropped_total',
  'exfilwatch_decode_errors_total',
  'exfilwatch_alerts_total',
  'exfilwatch_alerts_suppressed_total',
  'exfilwatch_source_up',
  'exfilwatch_tracked_containers',
  'exfilwatch_detection_latency_seconds',
  'exfilwatch_alert_publish_failures_total',
  'exfilwatch_alert_spool_messages',
];

async function daemon(srv: NatsServer): Promise<{ run: CliRun; base: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-run-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `sinks:\n  nats:\n    spool:\n      dir: ${join(dir, 'spool')}\n`);
  const run = startCli(['run', '--config', config, '--metrics-addr', '127.0.0.1:0'], {
    NATS_URL: srv.url,
    NODE_NAME: 'node-test',
  });
  cleanups.push(() => stopChild(run));
  const line = await run.waitForLog((l) => typeof l.port === 'number');
  await run.waitForLog((l) => l.msg === 'exfilwatch running');
  return { run, base: `http://127.0.0.1:${line.port}` };
}

describe('exfilwatch run (process)', () => {
  it('serves /metrics that promtool accepts, /healthz, /readyz; connects to NATS and creates the stream', async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    const { run, base } = await daemon(srv);

    const metricsText = await (await fetch(`${base}/metrics`)).text();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: metricsText, encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
    for (const name of INTERFACE_METRICS) expect(metricsText).toContain(`# TYPE ${name} `);
    expect(metricsText).toContain('process_cpu_seconds_total');
    expect(metricsText).toContain('nodejs_eventloop_lag_seconds');

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    // No source configured: nothing can be detected, so the kubelet must not see the pod as ready.
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      ready: false,
      sources: [],
      reason: 'no sources configured: nothing can be detected',
    });

    // The sink connected and created the stream.
    const nc = await connect({ servers: srv.url });
    cleanups.push(() => nc.close());
    const jsm = await nc.jetstreamManager();
    const deadline = Date.now() + 10_000;
    let subjects: string[] | undefined;
    while (!subjects && Date.now() < deadline) {
      subjects = await jsm.streams
        .info('EXFILWATCH_ALERTS')
        .then((i) => i.config.subjects)
        .catch(() => undefined);
      if (!subjects) await new Promise((r) => setTimeout(r, 50));
    }
    expect(subjects).toEqual(['exfilwatch.alerts.>']);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/exfilwatch_sink_up\{sink="nats"\} 1/);

    const t0 = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(run.stdout()).toBe('');
    await run.waitForLog((l) => l.msg === 'exfilwatch stopped' && l.exitCode === 0);
  });

  it('starts and stays up while the broker is down (start-up never waits for NATS)', async () => {
    const srv = await startNatsServer();
    cleanups.push(() => srv.dispose());
    await srv.stop();
    const { run, base } = await daemon(srv);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/exfilwatch_sink_up\{sink="nats"\} 0/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
