import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { createNatsSink, natsSinkConfigSchema, natsSubject, parseNatsUrl } from '../../../src/sinks/nats/index.js';
import { DEFAULT_SPOOL_MAX_BYTES, spoolHeapProblem } from '../../../src/sinks/nats/spool-bounds.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

const issues = (input: unknown) => {
  const r = natsSinkConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('NATS sink config', () => {
  it('defaults: prefix, stream EXFILWATCH_ALERTS for 7 days with a de-dup window of at least 2 minutes, bounded spool', () => {
    const c = natsSinkConfigSchema.parse({});
    expect(c.subjectPrefix).toBe('exfilwatch.alerts');
    expect(c.stream).toMatchObject({ mode: 'create', name: 'EXFILWATCH_ALERTS', maxAgeMs: 7 * 24 * 3600 * 1000 });
    expect(c.stream.duplicateWindowMs).toBeGreaterThanOrEqual(120_000);
    expect(c.spool.maxMessages).toBeGreaterThan(c.maxInFlight);
    expect(c.spool.dir).toBe('/var/lib/exfilwatch/spool');
  });

  it('accepts nats://, tls:// and bare host:port; rejects other schemes and paths', () => {
    expect(parseNatsUrl('nats://a:4222')?.port).toBe('4222');
    expect(parseNatsUrl('tls://a.example:4443')?.hostname).toBe('a.example');
    expect(parseNatsUrl('a:4222')?.protocol).toBe('nats:');
    for (const bad of ['http://a:4222', 'nats://', 'nats://a:4222/path', 'nats://a:notaport'])
      expect(parseNatsUrl(bad), bad).toBeNull();
  });

  it('allows one auth method, a password only with a user, cert and key together', () => {
    expect(issues({ user: 'u', token: 't' })).toEqual(['token: choose one auth method (got user and token)']);
    expect(issues({ password: 'p' })).toEqual(['user: a password needs a user']);
    expect(issues({ token: 't', tokenFile: '/f' })).toEqual(['tokenFile: give token or tokenFile, not both']);
    expect(issues({ tls: { certFile: '/c' } })).toEqual(['tls.keyFile: certFile and keyFile go together']);
    expect(issues({ subjectPrefix: 'alerts.>' })[0]).toMatch(/^subjectPrefix: /);
    expect(issues({ maxInFlight: 10, spool: { maxMessages: 5 } })).toEqual([
      'spool.maxMessages: must be larger than maxInFlight (10)',
    ]);
    expect(issues({ user: 'u', passwordFile: '/p', tls: { caFile: '/ca' } })).toEqual([]);
  });

  it('builds <prefix>.<severity>.<rule> subjects with safe tokens', () => {
    expect(natsSubject('exfilwatch.alerts', 'critical', 'bulk-read-then-push')).toBe(
      'exfilwatch.alerts.critical.bulk-read-then-push',
    );
    expect(natsSubject('p', 'high', 'a.b *>')).toBe('p.high.a_b___');
  });

  it('refuses at start a spool bound the heap cannot hold, naming the key and the most it allows', async () => {
    const limit = getHeapStatistics().heap_size_limit;
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-bound-'));
    try {
      const start = (maxBytes: number) =>
        createNatsSink(natsSinkConfigSchema.parse({ servers: ['nats://127.0.0.1:1'], spool: { dir, maxBytes } }), {
          logger: silentLogger(),
          metrics: createMetrics(),
          clock: { now: () => Date.now() },
          node: 'node-a',
        }).start();
      const refused = await start(Math.ceil(limit / 4) + 1).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as ConfigError).keyPath).toBe('sinks.nats.spool.maxBytes');
      expect((refused as Error).message).toContain(`(${Math.floor(limit / 4)})`);
      // Refused before anything was opened.
      expect(readdirSync(dir)).toEqual([]);
      expect(spoolHeapProblem(DEFAULT_SPOOL_MAX_BYTES, limit)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
