/**
 * Shutdown of the real daemon: SIGTERM in the middle of a burst exits 0 with every alert the correlator
 * produced (those it judges at the stop included) either acked by JetStream or in the spool, and a later
 * start delivers the rest exactly once. A second SIGTERM while the first is still flushing (the broker
 * hangs) exits at once, and still loses nothing that was spooled.
 */
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNatsServer } from '../helpers/nats-server.js';
import { type Daemon, startDaemon, tempDir, waitFor } from './helpers/daemon.js';
import { spoolLiveIds, storedAlerts } from './helpers/jetstream.js';
import { attackBurst, attackScenario } from './helpers/scenario.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Pushes are judged 1 s (event time) after they settle: a burst keeps a few pending at any moment. */
const CORRELATOR = { latenessMs: 500, pushSettleMs: 500, destinations: { dnsRefreshMs: 0 } };

/** `count` attacks, 3 s of event time apart. */
const attacks = (tag: string, count: number, startMs: number): string =>
  attackBurst({ tag, to: count, startMs, spacingMs: 3000 });

async function drainWith(dir: string, url: string): Promise<Daemon> {
  const d = await startDaemon(
    {
      sinks: {
        nats: { servers: [url], reconnectTimeWaitMs: 100, reconnectJitterMs: 0, spool: { dir: join(dir, 'spool') } },
      },
    },
    { dir },
  );
  cleanups.push(() => d.dispose());
  await d.waitForMetric('exfilwatch_alert_spool_messages', {}, (v) => v === 0, 20_000);
  return d;
}

describe.sequential('shutdown (real daemon process)', () => {
  it('SIGTERM mid-burst: exit 0, every alert acked or spooled (pending ones judged at the stop), delivered once after restart', async () => {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 20 }] },
        sinks: {
          stdout: { enabled: true },
          nats: { servers: [nats.url], spool: { dir: join(dir, 'spool') } },
        },
        correlator: CORRELATOR,
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    await d.waitForMetric('exfilwatch_sink_up', { sink: 'nats' }, (v) => v === 1);
    // Event time well behind the wall clock: each push is judged as soon as the stream passes it.
    const t = Date.now() - 20 * 60_000;
    const burst = attacks('burst-a', 20, t);
    appendFileSync(file, burst);
    await waitFor(() => d.alerts().length >= 5, 'the burst to be under way', 20_000);
    // The last attack happens "now": its push cannot be judged before the wall clock passes it by 1 s, so
    // it is (almost always) still pending when the signal comes and is judged by the stop's flush.
    const lastStart = Date.now() - 1000;
    const lastAttack = attackScenario({ name: 'burst-b-0', startMs: lastStart });
    appendFileSync(file, attacks('burst-b', 1, lastStart));
    const lines = burst.split('\n').length - 1 + lastAttack.tetragon.length;
    await waitFor(
      async () =>
        (await d.metric('exfilwatch_events_total')) +
          (await d.metric('exfilwatch_events_dropped_total', { reason: 'ignored' })) >=
        lines,
      'every line read',
    );
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    expect(code).toBe(0);

    const produced = d.alerts().map((a) => a.id);
    expect(produced.length).toBeGreaterThanOrEqual(5);
    expect(d.alerts().some((a) => a.container.id === lastAttack.containerId)).toBe(true);
    const acked = (await storedAlerts(nats.url)).map((s) => s.id);
    const spooled = spoolLiveIds(join(dir, 'spool', 'alerts.spool'));
    expect([...acked, ...spooled].sort()).toEqual([...produced].sort());
    expect(d.logs().some((l) => l.msg === 'exfilwatch stopped' && l.exitCode === 0)).toBe(true);

    // Whatever was still spooled goes out after the next start, once.
    await drainWith(dir, nats.url);
    expect((await storedAlerts(nats.url)).map((s) => s.id)).toEqual(produced);
  });

  it('a second SIGTERM while the first waits on a hung broker exits at once; the spool keeps every alert', async () => {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    const proxy = await startTcpProxy(nats.port);
    cleanups.push(() => proxy.close());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 20 }] },
        sinks: {
          stdout: { enabled: true },
          nats: { servers: [proxy.url], ackTimeoutMs: 1000, spool: { dir: join(dir, 'spool') } },
        },
        correlator: CORRELATOR,
        pipeline: { shutdownTimeoutMs: 30_000 },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    await d.waitForMetric('exfilwatch_sink_up', { sink: 'nats' }, (v) => v === 1);
    // The broker hangs: the connection stays open, nothing is acked.
    proxy.freeze();
    appendFileSync(file, attacks('hung', 5, Date.now() - 20 * 60_000));
    await waitFor(() => d.alerts().length === 5, '5 alerts', 20_000);
    await d.waitForMetric('exfilwatch_alert_spool_messages', {}, (v) => v === 5);

    d.child.kill('SIGTERM');
    await d.waitForLog((l) => l.msg === 'signal received: stopping intake and flushing alerts');
    await new Promise((r) => setTimeout(r, 500));
    expect(d.alive()).toBe(true); // still giving the broker its chance
    const second = Date.now();
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    expect(Date.now() - second).toBeLessThan(1500);
    expect(code).toBe(128 + 15);
    expect(d.logs().some((l) => l.msg === 'second signal: exiting now')).toBe(true);

    const produced = d.alerts().map((a) => a.id);
    expect(spoolLiveIds(join(dir, 'spool', 'alerts.spool'))).toEqual(produced);
    proxy.thaw();
    await drainWith(dir, nats.url);
    // Any publish the hung broker received before the freeze lifted is de-duplicated by Nats-Msg-Id.
    expect((await storedAlerts(nats.url)).map((s) => s.id)).toEqual(produced);
  });
});
