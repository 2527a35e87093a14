/**
 * A NATS user without permission for the JetStream API (real nats-server): every setup attempt is refused.
 * It was retried at the reconnect pace with two warnings each time (`NATS setup failed`, `NATS reported an
 * error`): some 20 lines a second at a 100 ms reconnect wait, two every 2–3 s at the defaults, for as long
 * as the refusal lasted. Now the retries back off and the same warning is repeated at most once a minute
 * (debug in between). The alert stays spooled, and is delivered once the broker grants the permission.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { refusedSetupRetryMs } from '../../../src/sinks/nats/link.js';
import { startNatsServer } from '../../helpers/nats-server.js';
import { startLoggedNatsSink } from '../../helpers/nats-sink.js';
import { until } from '../../helpers/until.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const users = (alertUserPublish: string) =>
  `authorization { users = [ { user: alerts, password: pw, permissions: { publish: { allow: [${alertUserPublish}] } } }, { user: admin, password: admin } ] }`;

/** A NATS sink on `server` (100 ms reconnect pace unless told) with one alert sent into its spool, and its log lines. */
async function sinkWithOneAlert(server: string, ackTimeoutMs: number, reconnectTimeWaitMs = 100) {
  const config = { servers: [server], reconnectTimeWaitMs, reconnectJitterMs: 0, ackTimeoutMs };
  const { sink, lines } = await startLoggedNatsSink(config, (c) => cleanups.push(c));
  expect((await sink.send(makeAlert(1))).status).toBe('ok');
  return { sink, lines };
}

describe('NATS sink when the broker refuses the JetStream API', () => {
  it('backs off and warns once, keeps the alert spooled, and delivers it once permitted', async () => {
    const nats = await startNatsServer({ config: users('"exfilwatch.>"') });
    cleanups.push(() => nats.dispose());
    const { sink, lines } = await sinkWithOneAlert(nats.url.replace('nats://', 'nats://alerts:pw@'), 1000);

    await new Promise((r) => setTimeout(r, 3000));
    const setupLines = lines.filter((l) => l.msg === 'NATS setup failed; retrying');
    const warnings = lines.filter((l) => l.level === 40);
    // At the reconnect pace (100 ms) this was ~25 attempts and ~50 warnings in these 3 s.
    expect(setupLines.length).toBeGreaterThanOrEqual(2);
    expect(setupLines.length).toBeLessThanOrEqual(12);
    expect(warnings.filter((l) => l.msg === 'NATS setup failed; retrying')).toHaveLength(1);
    expect(warnings.filter((l) => l.msg === 'NATS reported an error')).toHaveLength(1);
    expect(sink.status().spooled).toBe(1);

    // The operator grants the permission (the broker restarts with it): the spooled alert goes out.
    writeFileSync(
      join(nats.storeDir, 'server.conf'),
      `listen: "127.0.0.1:${nats.port}"\n${users('"exfilwatch.>", "$JS.API.>"')}\n`,
    );
    await nats.stop();
    await nats.start();
    await until(() => sink.status().spooled === 0, 25_000, 'the spooled alert acked');
    const nc = await connect({ servers: nats.url, user: 'admin', pass: 'admin' });
    cleanups.push(() => nc.close());
    const info = await (await nc.jetstreamManager()).streams.info('EXFILWATCH_ALERTS');
    expect(info.state.messages).toBe(1);
  }, 60_000);

  it('a refusal after a setup that succeeded is a new episode: warned again, within the minute', async () => {
    // The warning's repeat limiter was never reset by a successful setup: a second refusal within 60 s, with
    // the same error, was said at debug only, so the log showed one outage where there were two.
    const nats = await startNatsServer({ config: users('"exfilwatch.>"') });
    cleanups.push(() => nats.dispose());
    const { sink, lines } = await sinkWithOneAlert(nats.url.replace('nats://', 'nats://alerts:pw@'), 1000);
    const setupWarnings = () => lines.filter((l) => l.level === 40 && l.msg === 'NATS setup failed; retrying');
    await until(() => setupWarnings().length === 1, 10_000, 'the first refusal warned');
    const restartWith = async (alertUserPublish: string) => {
      writeFileSync(
        join(nats.storeDir, 'server.conf'),
        `listen: "127.0.0.1:${nats.port}"\n${users(alertUserPublish)}\n`,
      );
      await nats.stop();
      await nats.start();
    };
    await restartWith('"exfilwatch.>", "$JS.API.>"');
    await until(() => sink.status().spooled === 0, 25_000, 'the spooled alert acked');
    expect(lines.some((l) => l.level === 30 && l.msg === 'NATS setup succeeded')).toBe(true);
    // The permission taken away again, seconds later: the same refusal, warned again.
    await restartWith('"exfilwatch.>"');
    await until(() => setupWarnings().length === 2, 25_000, 'the second refusal warned');
  }, 60_000);

  it('retries an unanswered setup (the JetStream API times out) at the reconnect pace, warning once', async () => {
    // A JetStream API that does not answer in time (a broker still restoring its streams after a restart, or
    // overloaded) is no refusal: backing off to 15 s there held the spool back for that long after it was
    // back. Here a client that takes the API's requests and never replies stands in for it.
    const nats = await startNatsServer({ jetstream: false });
    cleanups.push(() => nats.dispose());
    const silent = await connect({ servers: nats.url });
    cleanups.push(() => silent.close());
    silent.subscribe('$JS.API.>');
    await silent.flush();
    const { sink, lines } = await sinkWithOneAlert(nats.url, 100);
    await new Promise((r) => setTimeout(r, 3000));
    const setupLines = lines.filter((l) => l.msg === 'NATS setup failed; retrying');
    // Each attempt waits 100 ms for its answer, then 100 ms: ~15 in 3 s. Backing off (doubling towards 15 s,
    // with jitter) made the waits random and longer, and ~6 attempts.
    expect(setupLines.length).toBeGreaterThanOrEqual(4);
    expect(setupLines.map((l) => l.retryInMs)).toEqual(setupLines.map(() => 100));
    expect(lines.filter((l) => l.level === 40 && l.msg === 'NATS setup failed; retrying')).toHaveLength(1);
    expect(sink.status().spooled).toBe(1);
  }, 30_000);

  it('never retries a refused setup sooner than the configured reconnect pace, even past the 15 s backoff cap', async () => {
    // reconnectTimeWaitMs 20 s: the backoff's full-jitter floor (a quarter of it) and its 15 s cap retried the
    // first refusal after 5–15 s, faster than the operator asked for.
    const nats = await startNatsServer({ config: users('"exfilwatch.>"') });
    cleanups.push(() => nats.dispose());
    const { lines } = await sinkWithOneAlert(nats.url.replace('nats://', 'nats://alerts:pw@'), 1000, 20_000);
    await until(() => lines.some((l) => l.msg === 'NATS setup failed; retrying'), 10_000, 'the first refusal');
    expect(lines.find((l) => l.msg === 'NATS setup failed; retrying')?.retryInMs).toBe(20_000);
  }, 30_000);

  it('backs off refusals from the reconnect pace, to 15 s or that pace plus its jitter, whichever is longer', () => {
    const delays = (wait: number, jitter: number, random: number) =>
      [0, 1, 2, 3, 10].map((n) => refusedSetupRetryMs(n, wait, jitter, () => random));
    expect(delays(2000, 1000, 0)).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(delays(2000, 1000, 1)).toEqual([2000, 4000, 8000, 15_000, 15_000]);
    expect(delays(30_000, 1000, 0)).toEqual([30_000, 30_000, 30_000, 30_000, 30_000]);
    expect(delays(30_000, 1000, 1)).toEqual([30_000, 31_000, 31_000, 31_000, 31_000]);
  });
});
