/**
 * Core NATS back to JetStream without a reconnect (real nats-server): a broker without JetStream makes the
 * sink publish with core NATS after three reconnect waits; the operator then enables JetStream and the
 * broker reloads its config (SIGHUP), which keeps every client connected. Only the sink's own re-look,
 * every `stream.checkIntervalMs`, can notice: alerts after it must land in the EXFILWATCH_ALERTS stream.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { type NatsServer, natsClient, startNatsServer } from '../../helpers/nats-server.js';
import { startLoggedNatsSink } from '../../helpers/nats-sink.js';
import { until } from '../../helpers/until.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A NATS sink on `server`, and the messages of the log lines it wrote so far; `extra` overrides the config. */
async function sinkOn(server: string, extra: Record<string, unknown>) {
  const config = { servers: [server], reconnectJitterMs: 0, ackTimeoutMs: 1000, ...extra };
  const { sink, lines } = await startLoggedNatsSink(config, (c) => cleanups.push(c));
  return { sink, messages: () => lines.map((l) => l.msg), lines };
}

/** Turns JetStream on in the broker's config file and reloads it (SIGHUP: clients stay connected). */
async function enableJetStream(nats: NatsServer): Promise<void> {
  writeFileSync(
    join(nats.storeDir, 'server.conf'),
    `listen: "127.0.0.1:${nats.port}"\njetstream { store_dir: "${join(nats.storeDir, 'js')}" }\n`,
  );
  await nats.reload();
}

const storedIds = async (nc: NatsConnection): Promise<string[]> => {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info('EXFILWATCH_ALERTS').catch(() => null);
  const ids: string[] = [];
  for (let seq = 1; info && seq <= info.state.last_seq; seq++)
    ids.push((await jsm.streams.getMessage('EXFILWATCH_ALERTS', { seq })).header.get('Nats-Msg-Id'));
  return ids;
};

describe('NATS sink in core mode when the broker gains JetStream', () => {
  it('looks again every stream.checkIntervalMs and moves to JetStream without a reconnect', async () => {
    const nats = await startNatsServer({ jetstream: false });
    cleanups.push(() => nats.dispose());
    const { sink, messages } = await sinkOn(nats.url, { reconnectTimeWaitMs: 100, stream: { checkIntervalMs: 300 } });

    const nc = await natsClient(nats.url, (close) => cleanups.push(close));
    const live: string[] = [];
    const sub = nc.subscribe('exfilwatch.alerts.>', {
      callback: (_e, m) => live.push((JSON.parse(new TextDecoder().decode(m.data)) as { id: string }).id),
    });
    cleanups.push(() => sub.unsubscribe());
    await nc.flush();

    const first = makeAlert(1);
    expect((await sink.send(first)).status).toBe('ok');
    await until(() => sink.status().mode === 'core' && sink.status().spooled === 0, 10_000, 'core mode, alert sent');
    await until(() => live.includes(first.id), 5000, 'the core alert seen');

    // The operator enables JetStream; the broker reloads its config and keeps its clients.
    await enableJetStream(nats);
    await until(() => sink.status().mode === 'jetstream', 10_000, 'the sink back on JetStream');

    const second = makeAlert(2);
    expect((await sink.send(second)).status).toBe('ok');
    await until(async () => (await storedIds(nc)).length === 1, 10_000, 'the second alert stored');
    expect(await storedIds(nc)).toEqual([second.id]);
    // The stream may hold the alert a moment before its ack reaches the sink and leaves the spool.
    await until(() => sink.status().spooled === 0, 5000, 'the second alert acked and out of the spool');
    // The re-look did it, not a reconnect.
    expect(messages()).not.toContain('reconnected to NATS');
    expect(messages()).not.toContain('NATS connection lost; reconnecting, alerts are spooled meanwhile');
  }, 40_000);

  it('says why it waits before going core: the JetStream API did not answer, not a bare "503"', async () => {
    // A user who started nats-server without -js read `"err":"503","msg":"NATS setup failed; retrying"` three
    // times before the core warning, and nothing told them JetStream was what was missing.
    const nats = await startNatsServer({ jetstream: false });
    cleanups.push(() => nats.dispose());
    const { sink, lines } = await sinkOn(nats.url, { reconnectTimeWaitMs: 100, stream: { checkIntervalMs: 60_000 } });
    await until(() => sink.status().mode === 'core', 10_000, 'core mode');
    const waits = lines.filter((l) => l.msg === 'NATS setup failed; retrying');
    expect(waits.length).toBeGreaterThan(0);
    for (const l of waits) {
      expect(l.err).toBe(
        '503: the JetStream API did not answer (JetStream off on the broker: nats-server -js; or still starting): ' +
          'alerts stay spooled, and go out as core NATS if it stays silent',
      );
    }
  }, 40_000);

  it('after a reconnect, waits three reconnect waits for a silent JetStream API again before going core', async () => {
    // A broker restarted with JetStream still starting answers its API with no responders for a while. Once
    // the sink had gone core on a broker without JetStream, the next reconnect took that silence for none at
    // once: the alerts went out as core messages no stream kept, until the next re-look (30 s by default).
    const nats = await startNatsServer({ jetstream: false });
    cleanups.push(() => nats.dispose());
    const { sink, messages } = await sinkOn(nats.url, {
      reconnectTimeWaitMs: 1000,
      stream: { checkIntervalMs: 60_000 },
    });
    await until(() => sink.status().mode === 'core', 10_000, 'core mode');

    await nats.stop();
    await until(() => !sink.status().connected, 10_000, 'the sink disconnected');
    const alert = makeAlert(1);
    expect((await sink.send(alert)).status).toBe('ok');
    await nats.start();
    await until(() => messages().includes('reconnected to NATS'), 10_000, 'the sink reconnected');
    // JetStream comes up within the three waits (3 s): the alert must be kept for it, not sent as core.
    await enableJetStream(nats);
    const nc = await natsClient(nats.url, (close) => cleanups.push(close));
    await until(async () => (await storedIds(nc)).length === 1, 10_000, 'the alert stored');
    expect(await storedIds(nc)).toEqual([alert.id]);
    // Stored before its ack reaches the sink (CI saw spooled: 1 here once): the ack must still come.
    await until(() => sink.status().spooled === 0, 5000, 'the alert acked and out of the spool');
    expect(sink.status().mode).toBe('jetstream');
  }, 40_000);

  it('in stream.mode check, keeps alerts spooled once JetStream is there but the stream is not, as it says', async () => {
    // The re-look found JetStream, logged "alerts stay spooled", and went on sending them as core messages.
    const nats = await startNatsServer({ jetstream: false });
    cleanups.push(() => nats.dispose());
    const { sink, messages } = await sinkOn(nats.url, {
      reconnectTimeWaitMs: 100,
      stream: { mode: 'check', checkIntervalMs: 300 },
    });
    await until(() => sink.status().mode === 'core', 10_000, 'core mode');
    const stillMissing = 'the alert stream does not exist (stream.mode=check): alerts stay spooled; checking again';
    await enableJetStream(nats);
    await until(() => messages().includes(stillMissing), 10_000, 'the re-look finding JetStream without the stream');
    const alert = makeAlert(1);
    expect((await sink.send(alert)).status).toBe('ok');
    await new Promise((r) => setTimeout(r, 700));
    expect(sink.status()).toMatchObject({ connected: false, spooled: 1 });

    // The operator creates the stream: the alert goes there.
    const nc = await natsClient(nats.url, (close) => cleanups.push(close));
    await (await nc.jetstreamManager()).streams.add({ name: 'EXFILWATCH_ALERTS', subjects: ['exfilwatch.alerts.>'] });
    await until(async () => (await storedIds(nc)).length === 1, 10_000, 'the alert stored');
    expect(await storedIds(nc)).toEqual([alert.id]);
    // Stored before its ack reaches the sink (CI saw spooled: 1 here once): the ack must still come.
    await until(() => sink.status().spooled === 0, 5000, 'the alert acked and out of the spool');
    expect(sink.status().mode).toBe('jetstream');
  }, 40_000);

  it('looks again in core mode without announcing the same core link again (no log line, no backoff cut short)', async () => {
    // Each look that found no JetStream announced the link anew: "delivering spooled alerts" at every look while
    // an alert waited (here one the server refuses), and the publish backoff cut short to checkIntervalMs.
    const refusing =
      'authorization { users = [ { user: a, password: pw, permissions: { publish: { deny: ["exfilwatch.>"] } } } ] }';
    const nats = await startNatsServer({ jetstream: false, config: refusing });
    cleanups.push(() => nats.dispose());
    const { sink, messages } = await sinkOn(nats.url.replace('nats://', 'nats://a:pw@'), {
      reconnectTimeWaitMs: 100,
      stream: { checkIntervalMs: 200 },
    });
    expect((await sink.send(makeAlert(1))).status).toBe('ok');
    await until(() => sink.status().mode === 'core', 10_000, 'core mode');
    await new Promise((r) => setTimeout(r, 2500));
    const looks = messages().filter((m) => m.startsWith('JetStream is not enabled on the broker')).length;
    expect(looks).toBeGreaterThanOrEqual(5);
    expect(messages().filter((m) => m === 'delivering spooled alerts').length).toBeLessThanOrEqual(1);
    expect(sink.status().spooled).toBe(1);
  }, 40_000);
});
