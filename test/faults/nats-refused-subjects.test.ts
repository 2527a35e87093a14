/**
 * A broker that refuses alerts on some subjects only, against a real nats-server: the account may not publish
 * on one severity's subjects (permissions), or the existing stream does not store them (no responders). The
 * refused alerts stay spooled and are tried again with backoff, but they must not stand in front of the
 * alerts the broker takes: with `maxInFlight` of them at the spool's head, the publish window held only
 * refused alerts, and every later alert, on any subject, waited behind them for good.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, DiscardPolicy, nanos } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/telemetry/metrics.js';
import { metricSum } from '../helpers/metric-sum.js';
import { type NatsServer, natsClient, startNatsServer } from '../helpers/nats-server.js';
import { startLoggedNatsSink } from '../helpers/nats-sink.js';
import { until } from '../helpers/until.js';
import { makeAlert } from '../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(config: string, jetstream = true): Promise<NatsServer> {
  const s = await startNatsServer({ jetstream, config });
  cleanups.push(() => s.dispose());
  return s;
}

/**
 * JetStream from the config file, so that a config reload keeps it (nats-server 2.9 drops a JetStream enabled
 * by the -js flag only at a reload: every publish then answers 503 until a restart).
 */
async function reloadableServer(config: string): Promise<NatsServer> {
  const store = mkdtempSync(join(tmpdir(), 'exfilwatch-js-'));
  cleanups.push(() => rmSync(store, { recursive: true, force: true }));
  return server(`jetstream { store_dir: "${store}" }\n${config}`, false);
}

/** Rewrites the server's config file and has it re-read it. */
async function reconfigure(srv: NatsServer, from: string, to: string): Promise<void> {
  const conf = join(srv.storeDir, 'server.conf');
  writeFileSync(conf, readFileSync(conf, 'utf8').replace(from, to));
  await srv.reload();
}

const refused = (metrics: Metrics, reason: string) => metricSum(metrics.alertPublishRefused, { reason });

const DENY_CRITICAL = [
  'authorization { users: [',
  '  { user: pub, password: pw, permissions: { publish: { deny: ["exfilwatch.alerts.critical.>"] } } },',
  '  { user: admin, password: pw }',
  '] }',
].join('\n');

describe('NATS refusing the alerts of some subjects only (real nats-server)', () => {
  it('alerts on a subject the account may not publish on do not hold back the others (JetStream)', async () => {
    const srv = await server(DENY_CRITICAL);
    const { sink, lines, metrics } = await startLoggedNatsSink(
      { servers: [srv.url], user: 'pub', password: 'pw', maxInFlight: 2 },
      (c) => cleanups.push(c),
    );
    await until(() => sink.status().mode === 'jetstream');
    for (const n of [1, 2, 3]) await sink.send(makeAlert(n, 'critical'));
    await sink.send(makeAlert(4, 'high'));
    await until(() => sink.status().spooled === 3, 10_000);
    const nc = await connect({ servers: srv.url, user: 'admin', pass: 'pw' });
    cleanups.push(() => nc.close());
    const stored = await (await nc.jetstreamManager()).streams.getMessage('EXFILWATCH_ALERTS', { seq: 1 });
    expect(stored.header.get('Nats-Msg-Id')).toBe(makeAlert(4).id);
    // Tried again with backoff; the refusal is said once, naming its cause and the fix, and counted by reason.
    await until(async () => (await refused(metrics, 'permission')) >= 3, 10_000);
    const said = lines.filter((l) => /may not publish on exfilwatch\.alerts\.critical\..*grant/i.test(l.msg));
    expect(said.filter((l) => l.level >= 40)).toHaveLength(1);
    expect(sink.status().spooled).toBe(3);
    // A stop does not wait out its whole deadline for alerts only a permission change can deliver (the test's
    // own timeout is far below the flush's).
    await sink.flush(600_000);
    expect(sink.status().spooled).toBe(3);
  }, 30_000);

  it('a subject granted by a config reload delivers its held alerts, each once and in order, behind the others', async () => {
    const srv = await reloadableServer(DENY_CRITICAL);
    const { sink } = await startLoggedNatsSink(
      { servers: [srv.url], user: 'pub', password: 'pw', maxInFlight: 4 },
      (c) => cleanups.push(c),
    );
    await until(() => sink.status().mode === 'jetstream');
    // Alternating, so the refused ones are set aside between deliverable ones and must be put back in order.
    for (let n = 1; n <= 40; n++) await sink.send(makeAlert(n, n % 2 === 0 ? 'critical' : 'high'));
    await until(() => sink.status().spooled === 20, 10_000);
    // Long enough for the subject's backoff to grow (up to 15 s between tries).
    await new Promise((r) => setTimeout(r, 4_000));
    await reconfigure(srv, 'deny: ["exfilwatch.alerts.critical.>"]', 'deny: []');
    await until(() => sink.status().spooled === 0, 20_000);
    const nc = await connect({ servers: srv.url, user: 'admin', pass: 'pw' });
    cleanups.push(() => nc.close());
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info('EXFILWATCH_ALERTS')).state.messages).toBe(40);
    const critical: string[] = [];
    for (let seq = 1; seq <= 40; seq++) {
      const m = await jsm.streams.getMessage('EXFILWATCH_ALERTS', { seq });
      if (m.subject.includes('.critical.')) critical.push(m.header.get('Nats-Msg-Id'));
    }
    expect(critical).toEqual([...Array(20)].map((_, i) => makeAlert(2 * (i + 1)).id));
  }, 45_000);

  it('JetStream not answering (503 on every subject) is an outage, not a missing stream: no per-subject refusal, order kept', async () => {
    const srv = await reloadableServer(
      'accounts { A: { jetstream: enabled, users: [ { user: pub, password: pw } ] } }',
    );
    const { sink, lines, metrics } = await startLoggedNatsSink(
      { servers: [srv.url], user: 'pub', password: 'pw', maxInFlight: 2 },
      (c) => cleanups.push(c),
    );
    await until(() => sink.status().mode === 'jetstream');
    // The account's JetStream goes away for a while (as when it is restarting): every publish gets no responders.
    await reconfigure(srv, 'jetstream: enabled', 'jetstream: disabled');
    for (let n = 1; n <= 6; n++) await sink.send(makeAlert(n, n % 2 === 0 ? 'critical' : 'high'));
    await until(async () => ((await metrics.alertPublishFailures.get()).values[0]?.value ?? 0) >= 2, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    await reconfigure(srv, 'jetstream: disabled', 'jetstream: enabled');
    await until(() => sink.status().spooled === 0, 20_000);
    expect(await refused(metrics, 'no_stream')).toBe(0);
    expect(lines.filter((l) => /no stream stores/.test(l.msg))).toEqual([]);
    // Re-sent from the oldest, as for any outage: the stream holds them in the order they were sent.
    const nc = await connect({ servers: srv.url, user: 'pub', pass: 'pw' });
    cleanups.push(() => nc.close());
    const jsm = await nc.jetstreamManager();
    const ids: string[] = [];
    for (let seq = 1; seq <= 6; seq++)
      ids.push((await jsm.streams.getMessage('EXFILWATCH_ALERTS', { seq })).header.get('Nats-Msg-Id'));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6].map((n) => makeAlert(n).id));
  }, 45_000);

  it('alerts no stream stores do not hold back the ones a stream does store', async () => {
    const srv = await server('');
    const nc = await natsClient(srv.url, (c) => cleanups.push(c));
    await (await nc.jetstreamManager()).streams.add({
      name: 'EXFILWATCH_ALERTS',
      subjects: ['exfilwatch.alerts.high.>'],
      duplicate_window: nanos(60_000),
    });
    const { sink, lines } = await startLoggedNatsSink(
      { servers: [srv.url], maxInFlight: 2, stream: { mode: 'check' } },
      (c) => cleanups.push(c),
    );
    await until(() => sink.status().mode === 'jetstream');
    for (const n of [1, 2, 3]) await sink.send(makeAlert(n, 'critical'));
    await sink.send(makeAlert(4, 'high'));
    await until(() => sink.status().spooled === 3, 10_000);
    expect(lines.some((l) => /no stream stores exfilwatch\.alerts\.critical\./i.test(l.msg))).toBe(true);
  });

  it('a full stream (discard new) is said once per episode with its cause and fix, and its end once', async () => {
    const srv = await server('');
    const nc = await natsClient(srv.url, (c) => cleanups.push(c));
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({
      name: 'EXFILWATCH_ALERTS',
      subjects: ['exfilwatch.alerts.>'],
      duplicate_window: nanos(60_000),
      max_msgs: 1,
      discard: DiscardPolicy.New,
    });
    const { sink, lines, metrics } = await startLoggedNatsSink({ servers: [srv.url], stream: { mode: 'check' } }, (c) =>
      cleanups.push(c),
    );
    await until(() => sink.status().mode === 'jetstream');
    for (const n of [1, 2, 3]) await sink.send(makeAlert(n));
    await until(async () => (await refused(metrics, 'stream_full')) >= 4, 15_000);
    const loud = lines.filter((l) => l.level >= 40 && !/may not cover/.test(l.msg));
    expect(loud).toHaveLength(1);
    expect(loud[0]?.msg).toMatch(/full and discards new messages.*max_msgs.*discard: old/);
    await jsm.streams.update('EXFILWATCH_ALERTS', {
      ...(await jsm.streams.info('EXFILWATCH_ALERTS')).config,
      max_msgs: -1,
    });
    await until(() => sink.status().spooled === 0, 30_000);
    expect(lines.filter((l) => l.msg === 'NATS takes alerts again')).toHaveLength(1);
  });

  it('JetStream out of storage is said with its cause and fix; the alerts stay spooled', async () => {
    const srv = await server('jetstream { max_file_store: 4096, max_memory_store: 0 }');
    const { sink, lines, metrics } = await startLoggedNatsSink({ servers: [srv.url] }, (c) => cleanups.push(c));
    await until(() => sink.status().mode === 'jetstream');
    // 4 kB of store takes two or three alerts.
    for (let n = 1; n <= 8; n++) await sink.send(makeAlert(n));
    await until(async () => (await refused(metrics, 'storage')) >= 1, 15_000);
    expect(lines.some((l) => l.level >= 50 && /no storage left.*max_file_store/.test(l.msg))).toBe(true);
    expect(sink.status().spooled).toBeGreaterThan(0);
  });
});
