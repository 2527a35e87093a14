/**
 * Another JetStream stream already stores the alert subjects (a platform team's catch-all on `exfilwatch.>`
 * or `>`), against a real nats-server: creating EXFILWATCH_ALERTS fails with "subjects overlap with an
 * existing stream". The setup was retried once a minute and every alert waited in the spool until its bounds
 * dropped it, though a JetStream publish on those subjects is stored and acked by the other stream. Now the
 * alerts go into it, each once, and that is said once, with what that stream does not promise.
 */
import { type JetStreamManager, nanos, RetentionPolicy } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/telemetry/metrics.js';
import { type NatsServer, natsClient, startNatsServer } from '../helpers/nats-server.js';
import { startLoggedNatsSink } from '../helpers/nats-sink.js';
import { until } from '../helpers/until.js';
import { makeAlert } from '../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(): Promise<NatsServer> {
  const s = await startNatsServer();
  cleanups.push(() => s.dispose());
  return s;
}

async function manager(srv: NatsServer): Promise<JetStreamManager> {
  return (await natsClient(srv.url, (c) => cleanups.push(c))).jetstreamManager();
}

/** The Nats-Msg-Id of every message in `stream`, in order. */
async function storedIds(jsm: JetStreamManager, stream: string): Promise<string[]> {
  const { first_seq, last_seq, messages } = (await jsm.streams.info(stream)).state;
  const ids: string[] = [];
  if (messages === 0) return ids;
  for (let seq = first_seq; seq <= last_seq; seq++)
    ids.push((await jsm.streams.getMessage(stream, { seq })).header.get('Nats-Msg-Id'));
  return ids;
}

const fast = { reconnectTimeWaitMs: 100, reconnectJitterMs: 0 };

/** The streams exfilwatch_alert_stream_foreign says the sink publishes into, with their values. */
async function foreignStreams(metrics: Metrics): Promise<Record<string, number>> {
  const { values } = await metrics.alertStreamForeign.get();
  return Object.fromEntries(values.filter((v) => v.labels.sink === 'nats').map((v) => [v.labels.stream, v.value]));
}

describe('another stream already stores the alert subjects (real nats-server)', () => {
  it('a catch-all stream on exfilwatch.> takes every alert, each once, and that is said once at warn', async () => {
    const srv = await server();
    let jsm = await manager(srv);
    await jsm.streams.add({ name: 'OTHER', subjects: ['exfilwatch.>'] });
    const { sink, lines } = await startLoggedNatsSink({ servers: [srv.url], ...fast }, (c) => cleanups.push(c));
    await until(() => sink.status().mode === 'jetstream', 10_000, 'the sink ready');
    const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
    for (let n = 1; n <= 10; n++) await sink.send(makeAlert(n, severities[n % 5]));
    // A re-send of the same detection (same id): de-duplicated by OTHER's duplicate window.
    await sink.send(makeAlert(3, severities[3]));
    await until(() => sink.status().spooled === 0, 10_000, 'the alerts delivered');
    // Every setup (here after a broker restart) finds the overlap again: said once all the same.
    await srv.stop();
    await srv.start();
    await until(() => sink.status().mode === 'jetstream', 15_000, 'the sink ready again');
    expect(lines.filter((l) => /^(re)?connected to NATS$/.test(l.msg)).length).toBeGreaterThanOrEqual(2);
    for (const n of [11, 12]) await sink.send(makeAlert(n, 'critical'));
    await until(() => sink.status().spooled === 0, 15_000, 'the later alerts delivered');

    jsm = await manager(srv);
    const ids = await storedIds(jsm, 'OTHER');
    expect(ids).toEqual([...Array(12)].map((_, i) => makeAlert(i + 1).id));
    await expect(jsm.streams.info('EXFILWATCH_ALERTS')).rejects.toThrow(/not found/);
    const said = lines.filter((l) => /^streams? .* already stores?/.test(l.msg));
    expect(said).toHaveLength(1);
    expect(said[0]?.level).toBe(40);
    expect(said[0]?.msg).toMatch(
      /^stream OTHER already stores exfilwatch\.alerts\.>: alerts are published into it; set sinks\.nats\.stream\.name: OTHER and sinks\.nats\.stream\.mode: check to make this explicit/,
    );
    // OTHER de-duplicates for its own 2 minutes, not the 10 exfilwatch would create its stream with.
    expect(said[0]?.msg).toMatch(/stored once only within OTHER's duplicate_window of 2 min/);
    expect(lines.filter((l) => l.level >= 40 && /setup failed/i.test(l.msg))).toEqual([]);
  }, 45_000);

  it('a stream storing only the critical alerts takes those; the others wait, refused, until the overlap goes', async () => {
    const srv = await server();
    const jsm = await manager(srv);
    await jsm.streams.add({
      name: 'OTHER',
      subjects: ['exfilwatch.alerts.critical.>'],
      duplicate_window: nanos(600_000),
    });
    const { sink, lines, metrics } = await startLoggedNatsSink({ servers: [srv.url], ...fast }, (c) =>
      cleanups.push(c),
    );
    await until(() => sink.status().mode === 'jetstream', 10_000, 'the sink ready');
    expect(await foreignStreams(metrics)).toEqual({ OTHER: 1 });
    await sink.send(makeAlert(1, 'critical'));
    await sink.send(makeAlert(2, 'high'));
    await sink.send(makeAlert(3, 'critical'));
    await sink.send(makeAlert(4, 'high'));
    await until(async () => (await jsm.streams.info('OTHER')).state.messages === 2, 10_000, 'critical in OTHER');
    await until(() => sink.status().spooled === 2, 10_000, 'the high alerts held');
    expect(await storedIds(jsm, 'OTHER')).toEqual([makeAlert(1).id, makeAlert(3).id]);
    const said = lines.filter((l) => /^streams? .* already stores?/.test(l.msg));
    expect(said).toHaveLength(1);
    expect(said[0]?.level).toBe(40);
    expect(said[0]?.msg).toMatch(
      /^stream OTHER \(exfilwatch\.alerts\.critical\.>\) already stores part of exfilwatch\.alerts\.>, so EXFILWATCH_ALERTS cannot be created: alerts on the subjects it stores \(exfilwatch\.alerts\.critical\.\*\) are published into it; those on exfilwatch\.alerts\.info\.\*, exfilwatch\.alerts\.low\.\*, exfilwatch\.alerts\.medium\.\*, exfilwatch\.alerts\.high\.\* stay spooled/,
    );
    // Its window is as long as exfilwatch's own: nothing to beware of.
    expect(said[0]?.msg).not.toMatch(/Beware/);
    expect(
      lines.some(
        (l) =>
          l.level === 50 &&
          /^no stream stores exfilwatch\.alerts\.high\.bulk-read-then-push: stream EXFILWATCH_ALERTS cannot be created because OTHER already stores part of exfilwatch\.alerts\.>: add exfilwatch\.alerts\.> to the subjects of OTHER/.test(
            l.msg,
          ),
      ),
    ).toBe(true);

    // The overlap goes: the next look creates EXFILWATCH_ALERTS and the held alerts are delivered into it.
    await jsm.streams.delete('OTHER');
    await until(() => sink.status().spooled === 0, 30_000, 'the high alerts delivered');
    expect(await storedIds(jsm, 'EXFILWATCH_ALERTS')).toEqual([makeAlert(2).id, makeAlert(4).id]);
    expect(lines.filter((l) => /go into the alert stream again/.test(l.msg))).toHaveLength(1);
    // Publishing into its own stream now: no other stream is.
    expect(await foreignStreams(metrics)).toEqual({});
  }, 60_000);

  it('once the catch-all stream is deleted, the refusal before the alert stream is created does not name it as storing the subjects', async () => {
    const srv = await server();
    const jsm = await manager(srv);
    await jsm.streams.add({ name: 'OTHER', subjects: ['exfilwatch.>'], duplicate_window: nanos(600_000) });
    const { sink, lines, metrics } = await startLoggedNatsSink({ servers: [srv.url], ...fast }, (c) =>
      cleanups.push(c),
    );
    await until(() => sink.status().mode === 'jetstream', 10_000, 'the sink ready');
    await sink.send(makeAlert(1, 'critical'));
    await until(() => sink.status().spooled === 0, 10_000, 'the first alert delivered into OTHER');
    expect(await foreignStreams(metrics)).toEqual({ OTHER: 1 });

    // The link still holds OTHER from its last setup; the JetStream API no longer knows it.
    await jsm.streams.delete('OTHER');
    await sink.send(makeAlert(2, 'high'));
    await until(() => sink.status().spooled === 0, 30_000, 'the second alert delivered');
    expect(await storedIds(jsm, 'EXFILWATCH_ALERTS')).toEqual([makeAlert(2).id]);
    const refused = lines.filter((l) => l.level === 50 && /^no stream stores exfilwatch\.alerts\.high\./.test(l.msg));
    expect(refused.length).toBeGreaterThan(0);
    for (const l of refused) {
      expect(l.msg).not.toMatch(/OTHER/);
      expect(l.msg).toMatch(/no longer do, so it is created at the next look for it/);
    }
    expect(await foreignStreams(metrics)).toEqual({});
  }, 45_000);

  it('a catch-all stream that deletes what no consumer wants (interest retention) is said at error', async () => {
    const srv = await server();
    const jsm = await manager(srv);
    await jsm.streams.add({ name: 'OTHER', subjects: ['exfilwatch.>'], retention: RetentionPolicy.Interest });
    const { sink, lines } = await startLoggedNatsSink({ servers: [srv.url], ...fast }, (c) => cleanups.push(c));
    await until(() => sink.status().mode === 'jetstream', 10_000, 'the sink ready');
    await sink.send(makeAlert(1, 'critical'));
    await until(() => sink.status().spooled === 0, 10_000, 'the alert acked');
    const said = lines.filter((l) => /^streams? .* already stores?/.test(l.msg));
    expect(said).toHaveLength(1);
    expect(said[0]?.level).toBe(50);
    expect(said[0]?.msg).toMatch(
      /OTHER has retention interest: an alert no consumer .* is deleted at once, though acked \(0 consumers now\)/,
    );
  }, 30_000);
  it('a catch-all stream that does not acknowledge publishes (no_ack) is not published into: the alerts stay spooled', async () => {
    const srv = await server();
    const jsm = await manager(srv);
    await jsm.streams.add({ name: 'OTHER', subjects: ['exfilwatch.>'], no_ack: true });
    const { sink, lines } = await startLoggedNatsSink({ servers: [srv.url], ...fast }, (c) => cleanups.push(c));
    await sink.send(makeAlert(1, 'critical'));
    await until(
      () =>
        lines.some(
          (l) =>
            l.level === 40 &&
            /does not acknowledge publishes \(no_ack\)/.test(`${l.msg} ${(l as { err?: string }).err}`),
        ),
      10_000,
      'the no_ack setup failure said',
    );
    expect(sink.status()).toMatchObject({ connected: false, spooled: 1 });
    expect((await jsm.streams.info('OTHER')).state.messages).toBe(0);
  }, 30_000);
  it('a catch-all stream sealed while alerts go into it: the setup fails naming it, the alerts stay spooled, and go into EXFILWATCH_ALERTS once it is deleted', async () => {
    const srv = await server();
    const jsm = await manager(srv);
    await jsm.streams.add({ name: 'OTHER', subjects: ['exfilwatch.>'] });
    const { sink, lines } = await startLoggedNatsSink({ servers: [srv.url], ...fast }, (c) => cleanups.push(c));
    await until(() => sink.status().mode === 'jetstream', 10_000, 'the sink ready');
    await sink.send(makeAlert(1, 'critical'));
    await until(() => sink.status().spooled === 0, 10_000, 'the first alert delivered');
    const info = await jsm.streams.info('OTHER');
    // nats.js's StreamUpdateConfig omits `sealed`; the server takes it on an update.
    const sealedConfig = { ...info.config, sealed: true };
    await jsm.streams.update('OTHER', sealedConfig as Parameters<JetStreamManager['streams']['update']>[1]);
    await sink.send(makeAlert(2, 'high'));
    await until(
      () =>
        lines.some(
          (l) =>
            l.level === 40 &&
            /NATS setup failed/.test(l.msg) &&
            /stream OTHER stores exfilwatch\.alerts\.> \(exfilwatch\.>\) but is sealed/.test(
              String((l as { err?: string }).err),
            ),
        ),
      20_000,
      'the sealed stream named',
    );
    expect(sink.status().spooled).toBe(1);

    await jsm.streams.delete('OTHER');
    await until(() => sink.status().spooled === 0, 40_000, 'the held alert delivered');
    expect(await storedIds(jsm, 'EXFILWATCH_ALERTS')).toEqual([makeAlert(2).id]);
  }, 60_000);

  it("a catch-all stream's max_msg_size is said: a larger alert is dropped", async () => {
    const srv = await server();
    const jsm = await manager(srv);
    await jsm.streams.add({ name: 'OTHER', subjects: ['exfilwatch.>'], max_msg_size: 100 });
    const { sink, lines } = await startLoggedNatsSink({ servers: [srv.url], ...fast }, (c) => cleanups.push(c));
    await until(() => sink.status().mode === 'jetstream', 10_000, 'the sink ready');
    const said = lines.filter((l) => /^streams? .* already stores?/.test(l.msg));
    expect(said).toHaveLength(1);
    expect(said[0]?.msg).toMatch(
      /OTHER refuses messages over 100 bytes \(max_msg_size\): a larger alert is dropped \(reason too_large\)/,
    );
  }, 30_000);
});
