/**
 * Broker outages against the real daemon and Debian's nats-server: the broker stopped under a burst of
 * alerts, exfilwatch SIGKILLed and restarted while it is down, the broker back: every alert the daemon
 * accepted is in JetStream exactly once, in order. Past the spool bound, alerts are dropped by the
 * documented policy (oldest info/low first, then oldest overall) and counted.
 * (In-process sink behaviour — lost acks, core NATS, stream check mode — is in test/integration/daemon.)
 */
import { appendFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import { startNatsServer } from '../helpers/nats-server.js';
import { type Daemon, startDaemon, tempDir, waitFor } from './helpers/daemon.js';
import { storedAlerts } from './helpers/jetstream.js';
import { attackBurst } from './helpers/scenario.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FAST_CORRELATOR = { latenessMs: 1000, pushSettleMs: 1000, destinations: { dnsRefreshMs: 0 } };
const base = Date.now() - 30 * 60_000;

/** Attacks `from` to `to - 1` of a run, 5 s of event time apart, each in its own container. */
function writeAttacks(file: string, tag: string, from: number, to: number, readBytes?: (i: number) => number): void {
  appendFileSync(file, attackBurst({ tag, from, to, startMs: base, spacingMs: 5000, readBytes }));
}

function natsSink(url: string, spoolDir: string, extra: Record<string, unknown> = {}) {
  return {
    servers: [url],
    reconnectTimeWaitMs: 100,
    reconnectJitterMs: 0,
    ...extra,
    spool: { dir: spoolDir, ...((extra.spool as object | undefined) ?? {}) },
  };
}

async function daemonFor(dir: string, file: string, nats: Record<string, unknown>): Promise<Daemon> {
  const d = await startDaemon(
    {
      sources: { tetragonFile: [{ path: file, startAt: 'start', pollIntervalMs: 50 }] },
      sinks: { stdout: { enabled: true }, nats },
      correlator: FAST_CORRELATOR,
    },
    { dir },
  );
  cleanups.push(() => d.dispose());
  return d;
}

describe.sequential('broker outage (real daemon, real nats-server)', () => {
  it('broker stopped under a burst, exfilwatch SIGKILLed and restarted while it is down: every alert delivered exactly once, in order', async () => {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const spoolDir = join(dir, 'spool');
    const sink = natsSink(nats.url, spoolDir);

    // Broker up: the first alerts go straight through.
    const file1 = join(dir, 'first.log');
    const d1 = await daemonFor(dir, file1, sink);
    writeAttacks(file1, 'outage', 0, 4);
    await d1.waitForMetric('exfilwatch_alerts_acked_total', { sink: 'nats' }, (v) => v === 4, 20_000);

    // Broker gone; a burst of alerts lands in the spool.
    await nats.stop();
    await d1.waitForMetric('exfilwatch_sink_up', { sink: 'nats' }, (v) => v === 0);
    writeAttacks(file1, 'outage', 4, 16);
    await waitFor(() => d1.alerts().length === 16, '16 alerts from the first daemon', 20_000);
    await d1.waitForMetric('exfilwatch_alert_spool_messages', {}, (v) => v === 12);
    const spoolFile = join(spoolDir, 'alerts.spool');
    expect(statSync(spoolFile).mode & 0o777).toBe(0o600);

    // SIGKILL: no flush, no goodbye.
    d1.child.kill('SIGKILL');
    expect((await d1.exited).signal).toBe('SIGKILL');

    // Restarted while the broker is still down: the spool is recovered, more alerts join it.
    const file2 = join(dir, 'second.log');
    const d2 = await daemonFor(dir, file2, sink);
    const recovered = await d2.waitForLog((l) => l.msg === 'recovered spooled alerts; they are delivered first');
    expect(recovered.spooled).toBe(12);
    writeAttacks(file2, 'outage', 16, 24);
    await waitFor(() => d2.alerts().length === 8, '8 alerts from the second daemon', 20_000);
    await d2.waitForMetric('exfilwatch_alert_spool_messages', {}, (v) => v === 20);

    // The broker returns: the spool drains, oldest first.
    await nats.start();
    await d2.waitForMetric('exfilwatch_alert_spool_messages', {}, (v) => v === 0, 30_000);
    const produced: Alert[] = [...d1.alerts(), ...d2.alerts()];
    const stored = await storedAlerts(nats.url);
    expect(stored.map((s) => s.id)).toEqual(produced.map((a) => a.id));
    expect(new Set(stored.map((s) => s.id)).size).toBe(24);
    for (const s of stored) {
      expect(s.alert.id).toBe(s.id);
      expect(s.subject).toBe(`exfilwatch.alerts.${s.alert.severity}.${s.alert.rule}`);
    }
    // Nothing was lost to a bound, and the drained spool file comes to hold no live record. Polled: the gauge
    // drops at each ack, and the delete record rides on the spool's next group commit (spool.ts remove()).
    expect(await d2.metric('exfilwatch_alert_spool_dropped_total')).toBe(0);
    const liveOnDisk = () => {
      const live = new Set<number>();
      for (const line of readFileSync(spoolFile, 'utf8').split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as { op: string; seq: number };
        if (r.op === 'add') live.add(r.seq);
        else live.delete(r.seq);
      }
      return live.size;
    };
    await waitFor(() => liveOnDisk() === 0, 'no live record in the drained spool file', 10_000);
  });

  it('past the spool bound: oldest low alerts are dropped first, every drop counted and logged, the rest delivered once', async () => {
    const nats = await startNatsServer();
    cleanups.push(() => nats.dispose());
    await nats.stop();
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tetragon.log');
    const d = await daemonFor(
      dir,
      file,
      natsSink(nats.url, join(dir, 'spool'), { maxInFlight: 1, spool: { maxMessages: 4 } }),
    );
    // high, low, high, low, high, low (a push after bulk reads is high; with no reads at all it is low).
    writeAttacks(file, 'bound', 0, 6, (i) => (i % 2 === 0 ? 96 * 1024 * 1024 : 0));
    await waitFor(() => d.alerts().length === 6, '6 alerts', 20_000);
    const produced = d.alerts();
    expect(produced.map((a) => a.severity)).toEqual(['high', 'low', 'high', 'low', 'high', 'low']);
    await d.waitForMetric('exfilwatch_alert_spool_dropped_total', { severity: 'low' }, (v) => v === 2);
    expect(await d.metric('exfilwatch_alert_spool_dropped_total', { severity: 'high' })).toBe(0);
    // The second drop is counted just before the alert that caused it is spooled: wait for that add.
    await d.waitForMetric('exfilwatch_alert_spool_messages', {}, (v) => v === 4);
    const dropLogs = d.logs().filter((l) => String(l.msg).startsWith('alert dropped from the NATS spool'));
    expect(dropLogs.map((l) => l.alertId)).toEqual([produced[1]!.id, produced[3]!.id]);

    await nats.start();
    await d.waitForMetric('exfilwatch_alert_spool_messages', {}, (v) => v === 0, 30_000);
    const stored = await storedAlerts(nats.url);
    expect(stored.map((s) => s.id)).toEqual([produced[0]!.id, produced[2]!.id, produced[4]!.id, produced[5]!.id]);
  });
});
