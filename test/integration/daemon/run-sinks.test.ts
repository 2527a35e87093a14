/**
 * `exfilwatch run` sends every alert somewhere: with no sink configured the alerts go to stdout, with a
 * warning, instead of being counted and dropped; switching stdout off with no other sink is a config error.
 * (With a sink configured stdout stays empty: run-process.test.ts.)
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, waitFor } from '../../faults/helpers/daemon.js';
import { attackScenario } from '../../faults/helpers/scenario.js';
import { runCli } from './cli-process.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-sinks-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('exfilwatch run without a configured sink', () => {
  it('writes the alerts to stdout and warns that it does', async () => {
    const dir = tempDir();
    const log = join(dir, 'tetragon.log');
    writeFileSync(log, '');
    const d = await startDaemon(
      {
        sources: { tetragonFile: [{ path: log, startAt: 'start', pollIntervalMs: 50 }] },
        correlator: { latenessMs: 1000, pushSettleMs: 1000, destinations: { dnsRefreshMs: 0 } },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    await d.waitForLog((l) => l.level === 40 && String(l.msg).startsWith('no alert sink configured'));
    const running = await d.waitForLog((l) => l.msg === 'exfilwatch running');
    expect(running.sinks).toEqual(['stdout']);

    const attack = attackScenario({ name: 'no-sink', startMs: Date.now() - 10 * 60_000 });
    appendFileSync(log, attack.tetragon.map((l) => `${l}\n`).join(''));
    const alerts = await waitFor(() => (d.alerts().length > 0 ? d.alerts() : null), 'an alert on stdout');
    expect(alerts[0]?.container.id).toBe(attack.containerId);
    expect(await d.metric('exfilwatch_alerts_total')).toBe(alerts.length);
  });

  it('refuses sinks.stdout.enabled: false with no other sink (exit 2, naming the key)', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'sources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\nsinks:\n  stdout:\n    enabled: false\n');
    const r = await runCli(['run', '--config', config, '--metrics-addr', '127.0.0.1:0']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^exfilwatch: sinks\.stdout\.enabled: false leaves no alert sink/);
    expect(r.stdout).toBe('');
  });

  it('with NATS configured and stdout off: no fallback, and "running" lists only the sinks that are on', async () => {
    const dir = tempDir();
    const d = await startDaemon(
      {
        sinks: {
          stdout: { enabled: false },
          nats: { servers: ['nats://127.0.0.1:1'], spool: { dir: join(dir, 'spool') } },
        },
      },
      { dir },
    );
    cleanups.push(() => d.dispose());
    const running = await d.waitForLog((l) => l.msg === 'exfilwatch running');
    expect(running.sinks).toEqual(['nats']);
    expect(d.stderr()).not.toContain('no alert sink configured');
  });
});
