/**
 * The whole daemon as users run it: `exfilwatch run --tetragon unix://… --nats nats://…` (a real child
 * process) against a replaying Tetragon-compatible gRPC server and Debian's nats-server. Alerts land in
 * JetStream on the promised subjects with Nats-Msg-Id; /metrics counts them; source_up and /readyz follow
 * the sensor; SIGTERM mid-stream and SIGKILL with the broker down lose nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import { tetragonJsonLinesToProto } from '../../../src/sensors-sim/tetragon-json.js';
import {
  type ReplayItem,
  startTetragonReplayServer,
  type TetragonReplayServer,
} from '../../../src/sensors-sim/tetragon-replay-server.js';
import { type NatsServer, startNatsServer } from '../../helpers/nats-server.js';
import { type CliRun, REPO_ROOT, startCli, stopChild } from './cli-process.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SCENARIOS = ['curl-gist-aws-credentials', 'crane-copy-docker-config', 'buildah-push-dockerhub'];
const RFC3339 = /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z"/g;

/**
 * The scenarios as a live sensor would stream them: merged in event-time order and moved to the present
 * (the newest event is "now"), so the daemon's wall-clock lateness handling sees a realistic stream.
 * Whole seconds are added, so the fractional digits (nanoseconds) stay as the sensor wrote them.
 */
function liveStream(names: string[]): ReplayItem[] {
  const lines = names.flatMap((name) =>
    readFileSync(join(REPO_ROOT, 'examples/scenarios/generated', `${name}.tetragon.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== ''),
  );
  const timeOf = (line: string) => Date.parse((JSON.parse(line) as { time: string }).time);
  const sorted = lines.map((line, i) => ({ line, i, t: timeOf(line) })).sort((a, b) => a.t - b.t || a.i - b.i);
  const shiftS = Math.ceil((Date.now() - sorted.at(-1)!.t) / 1000);
  const moved = sorted.map(({ line }) =>
    line.replace(RFC3339, (_m, whole: string, frac: string | undefined) => {
      const iso = new Date(Date.parse(`${whole}Z`) + shiftS * 1000).toISOString().slice(0, 19);
      return `"${iso}${frac ?? ''}Z"`;
    }),
  );
  return tetragonJsonLinesToProto(moved.join('\n'));
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-e2e-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function broker(): Promise<NatsServer> {
  const s = await startNatsServer();
  cleanups.push(() => s.dispose());
  return s;
}

async function sensor(dir: string, events: ReplayItem[]): Promise<TetragonReplayServer> {
  const s = await startTetragonReplayServer({ address: `unix://${join(dir, 'tetragon.sock')}`, events });
  cleanups.push(() => s.close());
  return s;
}

async function daemon(dir: string, args: string[]): Promise<{ run: CliRun; base: string }> {
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      // Short lateness, so the test does not wait the production 30 s for late events.
      'correlator:',
      '  latenessMs: 1500',
      '  pushSettleMs: 1000',
      'sinks:',
      '  nats:',
      '    reconnectTimeWaitMs: 100',
      '    reconnectJitterMs: 50',
      '    spool:',
      `      dir: ${join(dir, 'spool')}`,
      '',
    ].join('\n'),
  );
  const run = startCli(['run', '--config', config, '--metrics-addr', '127.0.0.1:0', ...args], {
    NODE_NAME: 'worker-e2e',
  });
  cleanups.push(() => stopChild(run));
  const line = await run.waitForLog((l) => typeof l.port === 'number');
  await run.waitForLog((l) => l.msg === 'exfilwatch running');
  return { run, base: `http://127.0.0.1:${line.port}` };
}

interface Stored {
  subject: string;
  msgId: string;
  alert: Alert;
}

async function stored(nc: NatsConnection): Promise<Stored[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info('EXFILWATCH_ALERTS').catch(() => null);
  if (!info || info.state.messages === 0) return [];
  const out: Stored[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage('EXFILWATCH_ALERTS', { seq });
    out.push({
      subject: m.subject,
      msgId: m.header.get('Nats-Msg-Id'),
      alert: JSON.parse(new TextDecoder().decode(m.data)),
    });
  }
  return out;
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const metricsText = async (base: string) => (await fetch(`${base}/metrics`)).text();
const stdoutAlerts = (run: CliRun): Alert[] =>
  run
    .stdout()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Alert);

describe('exfilwatch run --tetragon … --nats … (end to end)', () => {
  it('publishes the expected alerts to JetStream, counts them in /metrics, follows the sensor in source_up and /readyz', async () => {
    const dir = tempDir();
    const nats = await broker();
    const tetragon = await sensor(dir, liveStream(SCENARIOS));
    const { run, base } = await daemon(dir, ['--tetragon', tetragon.address, '--nats', nats.url, '--alerts-stdout']);
    const nc = await connect({ servers: nats.url });
    cleanups.push(() => nc.close());

    const got = await until(
      () => stored(nc),
      (s) => s.length >= SCENARIOS.length,
    );
    const rules = got.map((m) => `${m.alert.severity}/${m.alert.rule}/${m.alert.push.tool}`).sort();
    expect(rules).toEqual([
      'high/bulk-read-then-push/buildah',
      'high/sensitive-read-then-push/crane',
      'high/sensitive-read-then-push/curl',
    ]);
    for (const m of got) {
      expect(m.subject).toBe(`exfilwatch.alerts.${m.alert.severity}.${m.alert.rule}`);
      expect(m.msgId).toBe(m.alert.id);
      expect(m.alert.mitre).toEqual({ technique: 'T1567.001', tactic: 'exfiltration' });
      expect(m.alert.node).toBeTruthy();
    }
    // The same JSON on stdout (--alerts-stdout) as in the NATS payload.
    await until(
      async () => stdoutAlerts(run).length,
      (n) => n >= SCENARIOS.length,
    );
    expect(
      stdoutAlerts(run)
        .map((a) => a.id)
        .sort(),
    ).toEqual(got.map((m) => m.alert.id).sort());

    const text = await until(
      () => metricsText(base),
      (t) => /exfilwatch_alerts_acked_total\{sink="nats"\} 3/.test(t),
    );
    expect(text).toMatch(/exfilwatch_alerts_total\{rule="sensitive-read-then-push",severity="high"\} 2/);
    expect(text).toMatch(/exfilwatch_alerts_total\{rule="bulk-read-then-push",severity="high"\} 1/);
    expect(text).toMatch(/exfilwatch_events_total\{source="tetragon",kind="exec"\} [1-9]/);
    expect(text).toMatch(/exfilwatch_source_up\{source="tetragon-grpc"\} 1/);
    expect(text).toMatch(/exfilwatch_alert_spool_messages 0/);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // The sensor goes away: source_up flips and /readyz says 503 within seconds.
    await tetragon.close();
    await until(
      () => metricsText(base),
      (t) => /exfilwatch_source_up\{source="tetragon-grpc"\} 0/.test(t),
      5000,
    );
    expect((await fetch(`${base}/readyz`)).status).toBe(503);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('SIGKILL with the broker down loses no alert: the spool is delivered after restart, in order, once', async () => {
    const dir = tempDir();
    const nats = await broker();
    await nats.stop();
    const tetragon = await sensor(dir, liveStream(SCENARIOS));
    const first = await daemon(dir, ['--tetragon', tetragon.address, '--nats', nats.url, '--alerts-stdout']);
    // Alerts are raised while the broker is down: they wait in the spool.
    await until(
      () => metricsText(first.base),
      (t) => /exfilwatch_alert_spool_messages [1-9]/.test(t),
    );
    await until(
      async () => stdoutAlerts(first.run).length,
      (n) => n >= SCENARIOS.length,
    );
    const raised = stdoutAlerts(first.run).map((a) => a.id);
    first.run.child.kill('SIGKILL');
    await first.run.exited;

    // Restart without sources and with the broker back: the spool is replayed first.
    await nats.start();
    const second = await daemon(dir, ['--nats', nats.url]);
    const nc = await connect({ servers: nats.url });
    cleanups.push(() => nc.close());
    const got = await until(
      () => stored(nc),
      (s) => s.length >= raised.length,
    );
    expect(got.map((m) => m.msgId)).toEqual(raised);
    await until(
      () => metricsText(second.base),
      (t) => /exfilwatch_alert_spool_messages 0/.test(t),
    );
    second.run.child.kill('SIGTERM');
    expect(await second.run.exited).toBe(0);
  });

  it('SIGTERM right as alerts are being raised: every alert raised is in JetStream, once', async () => {
    const dir = tempDir();
    const nats = await broker();
    const tetragon = await sensor(dir, liveStream(SCENARIOS));
    const { run } = await daemon(dir, ['--tetragon', tetragon.address, '--nats', nats.url, '--alerts-stdout']);
    await until(
      async () => stdoutAlerts(run).length,
      (n) => n >= 1,
    );
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // Printed = raised by the pipeline (the stdout sink sees every alert, including those the correlator
    // flushed at stop). Each one reached JetStream before exit; none twice.
    const printed = stdoutAlerts(run).map((a) => a.id);
    const nc = await connect({ servers: nats.url });
    cleanups.push(() => nc.close());
    const ids = (await stored(nc)).map((m) => m.msgId);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    expect([...ids].sort()).toEqual([...printed].sort());
  });
});
