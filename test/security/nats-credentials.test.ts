/**
 * NATS credentials never reach a log line or a metric — given in the URL (NATS_URL / --nats), in the
 * config, or wrong (auth failures are logged) — and the spool directory and file are created 0700/0600
 * even under a permissive umask.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, tempDir, waitFor } from '../faults/helpers/daemon.js';
import { startNatsServer } from '../helpers/nats-server.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PASSWORD = 'N4tsUs3rS3cretPw';
const TOKEN = 'n4tsT0kenS3cretValue';

async function everything(d: Awaited<ReturnType<typeof startDaemon>>): Promise<string> {
  const metrics = await d.metricsText();
  d.child.kill('SIGTERM');
  await d.exited;
  return `${d.stdout()}\n${d.stderr()}\n${metrics}`;
}

describe('NATS credentials and spool permissions', () => {
  it('a password in the NATS URL connects and is never logged; the spool is 0700/0600 under umask 000', async () => {
    const nats = await startNatsServer({ config: `authorization { user: exfil, password: "${PASSWORD}" }` });
    cleanups.push(() => nats.dispose());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const spoolDir = join(dir, 'state', 'spool');
    const d = await startDaemon(
      { logLevel: 'trace', sinks: { nats: { spool: { dir: spoolDir } } } },
      { dir, umask: '000', env: { NATS_URL: `nats://exfil:${PASSWORD}@127.0.0.1:${nats.port}` } },
    );
    cleanups.push(() => d.dispose());
    await d.waitForMetric('exfilwatch_sink_up', { sink: 'nats' }, (v) => v === 1);
    expect(statSync(spoolDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(spoolDir, 'alerts.spool')).mode & 0o777).toBe(0o600);
    const all = await everything(d);
    expect(all).toContain('connected to NATS');
    expect(all).not.toContain(PASSWORD);
  });

  it('a token in the config, and a wrong password whose auth failures are logged: neither appears', async () => {
    const nats = await startNatsServer({ config: `authorization { token: "${TOKEN}" }` });
    cleanups.push(() => nats.dispose());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const good = await startDaemon(
      { logLevel: 'trace', sinks: { nats: { servers: [nats.url], token: TOKEN, spool: { dir: join(dir, 'a') } } } },
      { dir },
    );
    cleanups.push(() => good.dispose());
    await good.waitForMetric('exfilwatch_sink_up', { sink: 'nats' }, (v) => v === 1);
    expect(await everything(good)).not.toContain(TOKEN);

    const wrong = 'WrongT0kenS3cret';
    const bad = await startDaemon(
      {
        logLevel: 'trace',
        sinks: {
          nats: {
            servers: [`nats://x:${wrong}@127.0.0.1:${nats.port}`],
            reconnectTimeWaitMs: 50,
            spool: { dir: join(dir, 'b') },
          },
        },
      },
      { dir },
    );
    cleanups.push(() => bad.dispose());
    await waitFor(() => /[Aa]uthorization/.test(bad.stderr()), 'an auth failure in the logs', 15_000);
    const all = await everything(bad);
    expect(all).not.toContain(wrong);
    expect(all).not.toContain(TOKEN);
  });
});
