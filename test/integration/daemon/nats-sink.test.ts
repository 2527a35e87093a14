/**
 * The NATS sink against Debian's real nats-server: subjects, headers and payload; the stream it creates;
 * a broker outage mid-stream (stop and start on the same port) and a restart of the sink with a
 * non-empty spool — every alert exactly once, in order.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NatsConnection, nanos, nkeys, StorageType } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import { createNatsSink, type NatsSink, natsSinkConfigSchema } from '../../../src/sinks/nats/index.js';
import { createLogger, silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { type NatsServer, natsClient, startNatsServer } from '../../helpers/nats-server.js';
import { until } from '../../helpers/until.js';
import { makeAlert } from '../../unit/sinks/make-alert.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options?: Parameters<typeof startNatsServer>[0]): Promise<NatsServer> {
  const s = await startNatsServer(options);
  cleanups.push(() => s.dispose());
  return s;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function sink(
  url: string,
  spoolDir: string,
  extra: Record<string, unknown> = {},
  metrics: Metrics = createMetrics(),
): Promise<NatsSink> {
  const config = natsSinkConfigSchema.parse({
    servers: [url],
    reconnectTimeWaitMs: 100,
    reconnectJitterMs: 50,
    ackTimeoutMs: 1000,
    spool: { dir: spoolDir },
    ...extra,
  });
  const s = createNatsSink(config, {
    logger: silentLogger(),
    metrics,
    clock: { now: () => Date.now() },
    node: 'node-a',
  });
  await s.start();
  cleanups.push(() => s.close());
  return s;
}

const client = (url: string): Promise<NatsConnection> => natsClient(url, (close) => cleanups.push(close));

interface Stored {
  subject: string;
  msgId: string | undefined;
  alert: Alert;
}

async function storedAlerts(nc: NatsConnection, stream = 'EXFILWATCH_ALERTS'): Promise<Stored[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(stream);
  const out: Stored[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    out.push({
      subject: m.subject,
      msgId: m.header.get('Nats-Msg-Id'),
      alert: JSON.parse(new TextDecoder().decode(m.data)),
    });
  }
  return out;
}

const streamCount = async (nc: NatsConnection) =>
  (await (await nc.jetstreamManager()).streams.info('EXFILWATCH_ALERTS')).state.messages;

describe('NATS sink (real nats-server -js)', () => {
  it('creates the stream and publishes to <prefix>.<severity>.<rule> with Nats-Msg-Id and the alert JSON', async () => {
    const srv = await server();
    const nc = await client(srv.url);
    const live: string[] = [];
    const sub = nc.subscribe('exfilwatch.alerts.>', { callback: (_e, m) => live.push(m.subject) });
    cleanups.push(() => sub.unsubscribe());
    const metrics = createMetrics();
    const s = await sink(srv.url, tempDir(), {}, metrics);
    const alerts = [makeAlert(1, 'critical'), makeAlert(2, 'low', 'push-without-reads'), makeAlert(3, 'high')];
    for (const a of alerts) expect(await s.send(a)).toEqual({ status: 'ok' });
    await until(async () => s.status().connected && (await streamCount(nc).catch(() => 0)) === 3);

    const stored = await storedAlerts(nc);
    expect(stored.map((m) => m.subject)).toEqual([
      'exfilwatch.alerts.critical.bulk-read-then-push',
      'exfilwatch.alerts.low.push-without-reads',
      'exfilwatch.alerts.high.bulk-read-then-push',
    ]);
    expect(stored.map((m) => m.msgId)).toEqual(alerts.map((a) => a.id));
    expect(stored.map((m) => m.alert)).toEqual(alerts);
    await until(() => live.length === 3);

    const info = await (await nc.jetstreamManager()).streams.info('EXFILWATCH_ALERTS');
    expect(info.config.subjects).toEqual(['exfilwatch.alerts.>']);
    expect(info.config.storage).toBe(StorageType.File);
    expect(info.config.max_age).toBe(nanos(7 * 24 * 3600 * 1000));
    expect(info.config.duplicate_window).toBeGreaterThanOrEqual(nanos(120_000));
    await until(async () => (await metrics.alertsAcked.get()).values[0]?.value === 3);
    expect((await metrics.sinkUp.get()).values[0]?.value).toBe(1);
    expect((await metrics.alertSpoolMessages.get()).values[0]?.value).toBe(0);
  });

  it('delivers every alert exactly once, in order, across a broker outage (stop/start on the same port)', async () => {
    const srv = await server();
    const metrics = createMetrics();
    const s = await sink(srv.url, tempDir(), {}, metrics);
    let n = 0;
    for (; n < 20; n++) await s.send(makeAlert(n));
    await until(() => s.status().connected && s.status().spooled === 0);

    await srv.stop();
    await until(() => !s.status().connected);
    for (; n < 60; n++) expect(await s.send(makeAlert(n, n % 3 === 0 ? 'low' : 'high'))).toEqual({ status: 'ok' });
    expect(s.status().spooled).toBeGreaterThanOrEqual(40);
    expect((await metrics.alertSpoolMessages.get()).values[0]?.value).toBe(s.status().spooled);

    await srv.start();
    for (; n < 80; n++) await s.send(makeAlert(n));
    await until(() => s.status().connected && s.status().spooled === 0);

    const nc = await client(srv.url);
    await until(async () => (await streamCount(nc)) === 80);
    const stored = await storedAlerts(nc);
    expect(stored.map((m) => m.alert.id)).toEqual(Array.from({ length: 80 }, (_, i) => makeAlert(i).id));
  });

  it('after a restart of exfilwatch with the broker down, replays the spool first, once, in order', async () => {
    const srv = await server();
    await srv.stop();
    const dir = tempDir();
    const first = await sink(srv.url, dir);
    for (let i = 0; i < 10; i++) await first.send(makeAlert(i));
    // No close(): a SIGKILL gives none. What send() acknowledged is already on disk.
    const second = await sink(srv.url, dir);
    expect(second.status().spooled).toBe(10);
    await first.close();
    await srv.start();
    for (let i = 10; i < 15; i++) await second.send(makeAlert(i));
    await until(() => second.status().connected && second.status().spooled === 0);
    const nc = await client(srv.url);
    await until(async () => (await streamCount(nc)) === 15);
    expect((await storedAlerts(nc)).map((m) => m.alert.id)).toEqual(
      Array.from({ length: 15 }, (_, i) => makeAlert(i).id),
    );
  });

  it('de-duplicates a re-send of the same alert id (lost ack)', async () => {
    const srv = await server();
    const s = await sink(srv.url, tempDir());
    await s.send(makeAlert(1));
    await s.send(makeAlert(1));
    await s.send(makeAlert(2));
    await until(() => s.status().connected && s.status().spooled === 0);
    const nc = await client(srv.url);
    expect((await storedAlerts(nc)).map((m) => m.alert.id)).toEqual([makeAlert(1).id, makeAlert(2).id]);
  });

  it('falls back to core NATS publish (with the header) when JetStream is off', async () => {
    const srv = await server({ jetstream: false });
    const nc = await client(srv.url);
    const got: Array<{ subject: string; id: string | undefined }> = [];
    const sub = nc.subscribe('ops.alerts.>', {
      callback: (_e, m) => got.push({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id') }),
    });
    await nc.flush();
    cleanups.push(() => sub.unsubscribe());
    const s = await sink(srv.url, tempDir(), { subjectPrefix: 'ops.alerts' });
    await until(() => s.status().mode === 'core');
    await s.send(makeAlert(7, 'medium'));
    await until(() => got.length === 1);
    expect(got[0]).toEqual({ subject: 'ops.alerts.medium.bulk-read-then-push', id: makeAlert(7).id });
  });

  it('waits a few reconnect waits before taking a silent JetStream for none', async () => {
    // nats.js says "JetStream not enabled" for no answer at all, which a broker still starting JetStream
    // gives too: going core at once published alerts that no stream kept. Now core NATS only after three
    // reconnect waits (here 3 × 1 s) without JetStream, the alert spooled meanwhile.
    const srv = await server({ jetstream: false });
    const s = await sink(srv.url, tempDir(), { reconnectTimeWaitMs: 1000, reconnectJitterMs: 0 });
    await s.send(makeAlert(3));
    // Connected at once (a local broker); its JetStream asked and silent twice within these 1.5 s.
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.status().mode).toBeNull();
    expect(s.status().spooled).toBe(1);
    await until(() => s.status().mode === 'core', 10_000, 'core NATS after the grace');
    await until(() => s.status().spooled === 0);
  });

  it('authenticates with user/password and with a token', async () => {
    const withUser = await server({ config: 'authorization { user: alice, password: s3cret }' });
    const s1 = await sink(withUser.url, tempDir(), { user: 'alice', password: 's3cret' });
    await s1.send(makeAlert(1));
    await until(() => s1.status().connected && s1.status().spooled === 0);

    const withToken = await server({ config: 'authorization { token: t0ken }' });
    const s2 = await sink(withToken.url, tempDir(), { token: 't0ken' });
    await s2.send(makeAlert(2));
    await until(() => s2.status().connected && s2.status().spooled === 0);
  });

  it('keeps alerts spooled on an auth failure, keeps retrying, and never logs the credentials', async () => {
    const srv = await server({ config: 'authorization { user: alice, password: right-pass }' });
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const config = natsSinkConfigSchema.parse({
      servers: [srv.url],
      user: 'alice',
      password: 'wrong-pass-xyz',
      reconnectTimeWaitMs: 50,
      reconnectJitterMs: 10,
      spool: { dir: tempDir() },
    });
    const s = createNatsSink(config, { logger, metrics: createMetrics(), clock: { now: () => Date.now() }, node: 'n' });
    await s.start();
    cleanups.push(() => s.close());
    await s.send(makeAlert(1));
    await until(() => lines.some((l) => /NATS unreachable/.test(l)));
    await new Promise((r) => setTimeout(r, 300));
    expect(s.status()).toMatchObject({ connected: false, spooled: 1 });
    expect(lines.join('')).not.toContain('wrong-pass-xyz');
  });

  it('authenticates with an NKey seed file', async () => {
    const kp = nkeys.createUser();
    const srv = await server({ config: `authorization { users: [ { nkey: ${kp.getPublicKey()} } ] }` });
    const dir = tempDir();
    const seedFile = join(dir, 'user.nk');
    writeFileSync(seedFile, `${new TextDecoder().decode(kp.getSeed())}\n`, { mode: 0o600 });
    const s = await sink(srv.url, join(dir, 'spool'), { nkeySeedFile: seedFile });
    await s.send(makeAlert(3));
    await until(() => s.status().connected && s.status().spooled === 0);
  });

  it('connects over TLS with a custom CA and a client certificate (mutual TLS)', async () => {
    const dir = tempDir();
    const f = (name: string) => join(dir, name);
    const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=test-ca',
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
    );
    writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    for (const who of ['server', 'client']) {
      ssl(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        `/CN=${who}`,
        '-keyout',
        f(`${who}.key`),
        '-out',
        f(`${who}.csr`),
      );
      ssl(
        'x509',
        '-req',
        '-in',
        f(`${who}.csr`),
        '-CA',
        f('ca.pem'),
        '-CAkey',
        f('ca.key'),
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        f('san.ext'),
        '-out',
        f(`${who}.pem`),
      );
    }
    const srv = await server({
      config: `tls { cert_file: "${f('server.pem')}", key_file: "${f('server.key')}", ca_file: "${f('ca.pem')}", verify: true }`,
    });
    const s = await sink(srv.url.replace('nats://', 'tls://'), join(dir, 'spool'), {
      tls: { caFile: f('ca.pem'), certFile: f('client.pem'), keyFile: f('client.key') },
    });
    await s.send(makeAlert(4));
    await until(() => s.status().connected && s.status().spooled === 0);
    // Without the client certificate the server refuses: the alert stays spooled.
    const refused = await sink(srv.url.replace('nats://', 'tls://'), join(dir, 'spool2'), {
      tls: { caFile: f('ca.pem') },
    });
    await refused.send(makeAlert(5));
    await new Promise((r) => setTimeout(r, 500));
    expect(refused.status()).toMatchObject({ connected: false, spooled: 1 });
  });

  it('in stream mode "check" keeps alerts spooled while the stream is missing, and sends once it exists', async () => {
    const srv = await server();
    const s = await sink(srv.url, tempDir(), { stream: { mode: 'check', checkIntervalMs: 200 } });
    await s.send(makeAlert(1));
    await new Promise((r) => setTimeout(r, 500));
    expect(s.status()).toMatchObject({ connected: false, spooled: 1 });
    const nc = await client(srv.url);
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({
      name: 'EXFILWATCH_ALERTS',
      subjects: ['exfilwatch.alerts.>'],
      duplicate_window: nanos(120_000),
    });
    await until(() => s.status().connected && s.status().spooled === 0);
    expect((await storedAlerts(nc)).map((m) => m.alert.id)).toEqual([makeAlert(1).id]);
    // check mode never changes the stream it found
    expect((await jsm.streams.info('EXFILWATCH_ALERTS')).config.max_age).toBe(0);
  });
});
