/**
 * A long NATS outage gives a handful of log lines, not one per attempt (real nats-server). With revoked
 * credentials every reconnect attempt is refused: each logged "NATS connection lost" at warn (~1 line a
 * second at the default pace, 10 here at 100 ms). With stream.mode=check and the stream missing, every look
 * (stream.checkIntervalMs) logged an error. Now a repeat is said at debug until a minute has passed; the first
 * occurrence and the recovery are always logged, and an outage after a recovery is said again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type NatsServer, natsClient, startNatsServer } from '../../helpers/nats-server.js';
import { type SinkLogLine, startLoggedNatsSink } from '../../helpers/nats-sink.js';
import { until } from '../../helpers/until.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const WARN = 40;
const ERROR = 50;
const LOST = 'NATS connection lost; reconnecting, alerts are spooled meanwhile';
const SERVER_ERROR = 'NATS reported an error';
const STREAM_MISSING = 'the alert stream does not exist (stream.mode=check): alerts stay spooled; checking again';

/** Lines of `msg` at `level` and above, and at any level. */
const said = (lines: SinkLogLine[], msg: string, level: number) => ({
  loud: lines.filter((l) => l.msg === msg && l.level >= level).length,
  all: lines.filter((l) => l.msg === msg).length,
});

/** The broker's only user `alerts` gets password `pw`: anything else revokes the sink's credentials. */
async function setPassword(nats: NatsServer, pw: string): Promise<void> {
  const users = `authorization { users = [ { user: alerts, password: ${pw} } ] }`;
  writeFileSync(join(nats.storeDir, 'server.conf'), `listen: "127.0.0.1:${nats.port}"\n${users}\n`);
  await nats.reload();
}

describe('NATS sink log volume during a long outage', () => {
  it('with revoked credentials, says the lost connection and the refusal once, the recovery, and a new outage again', async () => {
    const nats = await startNatsServer({ config: 'authorization { users = [ { user: alerts, password: pw } ] }' });
    cleanups.push(() => nats.dispose());
    const { sink, lines } = await startLoggedNatsSink(
      { servers: [nats.url.replace('nats://', 'nats://alerts:pw@')], reconnectTimeWaitMs: 100, reconnectJitterMs: 0 },
      (c) => cleanups.push(c),
    );
    await until(() => sink.status().connected, 10_000, 'connected');

    await setPassword(nats, 'revoked');
    // Counted, not slept for: under load the 100 ms pace stretches (a 1.5 s sleep saw 14 attempts at load 13).
    await until(() => said(lines, LOST, 0).all >= 20, 30_000, 'twenty refused reconnect attempts');
    const lost = said(lines, LOST, WARN);
    expect(lost.loud).toBe(1);
    expect(said(lines, SERVER_ERROR, WARN).loud).toBe(1);
    expect(sink.status().connected).toBe(false);

    // Credentials valid again: the recovery is logged, and the next outage is a new one, said again.
    await setPassword(nats, 'pw');
    await until(() => sink.status().connected, 10_000, 'reconnected');
    expect(lines.some((l) => l.msg === 'reconnected to NATS')).toBe(true);
    await setPassword(nats, 'revoked-again');
    await until(() => said(lines, LOST, WARN).loud === 2, 10_000, 'the second outage said');
    await until(() => said(lines, SERVER_ERROR, WARN).loud === 2, 10_000, "the second outage's refusal said");
  }, 60_000);

  it('with stream.mode=check and the stream missing, says so once, then that it exists, and delivers', async () => {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    const { sink, lines } = await startLoggedNatsSink(
      { servers: [nats.url], reconnectTimeWaitMs: 100, stream: { mode: 'check', checkIntervalMs: 100 } },
      (c) => cleanups.push(c),
    );
    expect((await sink.send(makeAlert(1))).status).toBe('ok');
    await until(() => said(lines, STREAM_MISSING, 0).all >= 15, 30_000, 'fifteen looks for the stream');
    const missing = said(lines, STREAM_MISSING, ERROR);
    expect(missing.loud).toBe(1);
    expect(sink.status()).toMatchObject({ connected: false, spooled: 1 });

    // The operator creates the stream: said, and the alert goes there.
    const nc = await natsClient(nats.url, (close) => cleanups.push(close));
    await (await nc.jetstreamManager()).streams.add({ name: 'EXFILWATCH_ALERTS', subjects: ['exfilwatch.alerts.>'] });
    await until(() => sink.status().spooled === 0, 10_000, 'the spooled alert acked');
    expect(lines.filter((l) => l.msg === 'the alert stream exists now' && l.level >= 30)).toHaveLength(1);
  }, 60_000);
});
