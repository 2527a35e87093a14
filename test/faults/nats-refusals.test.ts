/**
 * The broker refusing alerts, against a real nats-server: an alert larger than the server's max_payload or
 * the stream's max_msg_size can never be delivered (dropped, counted, and the alerts behind it go on);
 * a full stream (discard new) answers every publish with a 503 (retried with backoff, not thousands of
 * times a second). Both used to stop the sink: the first for good, even across restarts. A core NATS
 * broker (no JetStream) that refuses a publish for want of permission answers only with an -ERR: that
 * alert used to count as acked and leave the spool, lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscardPolicy, type NatsConnection, nanos } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import { createNatsSink, type NatsSink, natsSinkConfigSchema } from '../../src/sinks/nats/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../src/telemetry/metrics.js';
import { metricSum } from '../helpers/metric-sum.js';
import { type NatsServer, natsClient, startNatsServer } from '../helpers/nats-server.js';
import { until } from '../helpers/until.js';
import { makeAlert } from '../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(config?: string, jetstream = true): Promise<NatsServer> {
  const s = await startNatsServer({ jetstream, ...(config ? { config } : {}) });
  cleanups.push(() => s.dispose());
  return s;
}

async function sink(url: string, metrics: Metrics, extra: Record<string, unknown> = {}): Promise<NatsSink> {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-refusals-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = natsSinkConfigSchema.parse({ servers: [url], ackTimeoutMs: 1000, spool: { dir }, ...extra });
  const s = createNatsSink(config, { logger: silentLogger(), metrics, clock: { now: () => Date.now() }, node: 'n' });
  await s.start();
  cleanups.push(() => s.close());
  return s;
}

const client = (url: string): Promise<NatsConnection> => natsClient(url, (close) => cleanups.push(close));

async function storedIds(nc: NatsConnection): Promise<string[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info('EXFILWATCH_ALERTS');
  const ids: string[] = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage('EXFILWATCH_ALERTS', { seq });
    ids.push(m.header.get('Nats-Msg-Id'));
  }
  return ids;
}

/** An alert whose JSON is far over 4 kB (a JVM's command line). */
function hugeAlert(n: number): Alert {
  const a = makeAlert(n, 'critical');
  return { ...a, process: { ...a.process, args: `java ${'-Dx=y '.repeat(2000)}` } };
}

describe('NATS broker refusing alerts (real nats-server -js)', () => {
  for (const limit of ['server max_payload', 'stream max_msg_size'] as const) {
    it(`an alert over the ${limit} is dropped and counted; the alerts before and after it are delivered`, async () => {
      const srv = await server(limit === 'server max_payload' ? 'max_payload: 4096' : undefined);
      const nc = await client(srv.url);
      if (limit === 'stream max_msg_size') {
        await (await nc.jetstreamManager()).streams.add({
          name: 'EXFILWATCH_ALERTS',
          subjects: ['exfilwatch.alerts.>'],
          duplicate_window: nanos(120_000),
          max_msg_size: 4096,
        });
      }
      const metrics = createMetrics();
      const s = await sink(srv.url, metrics, limit === 'stream max_msg_size' ? { stream: { mode: 'check' } } : {});
      const alerts = [makeAlert(1), makeAlert(2), hugeAlert(3), makeAlert(4), makeAlert(5), makeAlert(6)];
      for (const a of alerts) await s.send(a);
      await until(() => s.status().spooled === 0);
      const delivered = alerts.filter((a) => a.id !== hugeAlert(3).id).map((a) => a.id);
      expect((await storedIds(nc)).sort()).toEqual(delivered.sort());
      expect(await metricSum(metrics.alertSpoolDropped)).toBe(1);
      // Still delivering: a later alert goes straight through.
      await s.send(makeAlert(7));
      await until(async () => (await storedIds(nc)).includes(makeAlert(7).id));
    });
  }

  it('a full stream (discard new) is retried with backoff, and everything is delivered once it has room', async () => {
    const srv = await server();
    const nc = await client(srv.url);
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({
      name: 'EXFILWATCH_ALERTS',
      subjects: ['exfilwatch.alerts.>'],
      duplicate_window: nanos(120_000),
      max_msgs: 1,
      discard: DiscardPolicy.New,
    });
    const metrics = createMetrics();
    const s = await sink(srv.url, metrics, { stream: { mode: 'check' } });
    for (const n of [1, 2, 3]) await s.send(makeAlert(n));
    await until(async () => (await storedIds(nc)).length === 1);
    await new Promise((r) => setTimeout(r, 3000));
    // Backoff from 250 ms doubling: a handful of tries in 3 s (it was ~2-3k failures a second).
    expect(await metricSum(metrics.alertPublishFailures)).toBeLessThan(40);
    expect(s.status().spooled).toBe(2);
    await jsm.streams.update('EXFILWATCH_ALERTS', {
      ...(await jsm.streams.info('EXFILWATCH_ALERTS')).config,
      max_msgs: -1,
    });
    await until(() => s.status().spooled === 0, 30_000);
    expect((await storedIds(nc)).sort()).toEqual([1, 2, 3].map((n) => makeAlert(n).id).sort());
    expect(await metricSum(metrics.alertSpoolDropped)).toBe(0);
  });

  it('core NATS refusing a publish (permissions violation): the alert stays spooled and counts as a failure, not as acked', async () => {
    const srv = await server(
      [
        'authorization { users: [ { user: pub, password: pw, permissions: {',
        '  publish: { allow: ["exfilwatch.alerts.high.>", "$JS.API.>"] }, subscribe: { allow: ["_INBOX.>"] } } } ] }',
      ].join('\n'),
      false,
    );
    const metrics = createMetrics();
    const s = await sink(srv.url, metrics, { user: 'pub', password: 'pw' });
    await until(() => s.status().mode === 'core');
    await s.send(makeAlert(1, 'high'));
    await until(() => s.status().spooled === 0);
    expect(await metricSum(metrics.alertsAcked)).toBe(1);

    // Not allowed on exfilwatch.alerts.critical.>: the server drops it with an -ERR, nothing else.
    // ($JS.API.> is allowed so that the sink learns that JetStream is off and goes core.)
    await s.send(makeAlert(2, 'critical'));
    await until(async () => (await metricSum(metrics.alertPublishFailures)) > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.status().spooled).toBe(1);
    expect(await metricSum(metrics.alertsAcked)).toBe(1);
  });
});
