/**
 * Two of the daemon's own listeners on one port (/metrics and a falco-http receiver, or two receivers
 * spelled differently) cannot both bind. Found by running it: `run --falco-http 127.0.0.1:P --metrics-addr
 * 127.0.0.1:P` exited 1 with "address already in use (another process listens there)", blaming a process
 * that does not exist. It is a config problem, named by key (or flag) and pointing at the other listener.
 */

import { lookup } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig, loadRunConfigResolved } from '../../../src/cli/run-config.js';
import { resolvedListenClashProblems } from '../../../src/config/listen-clash.js';
import { allConfigProblems } from '../../../src/config/validate.js';
import { ConfigError } from '../../../src/errors.js';
import { configErrorOf } from '../../helpers/config-error.js';

describe('two listeners of the daemon on one port', () => {
  it('/metrics and a falco-http receiver: a problem of the receiver, naming metrics.listen', () => {
    const problems = allConfigProblems({
      metrics: { listen: '127.0.0.1:9500' },
      sources: { falcoHttp: [{ listen: '127.0.0.1:2801' }, { listen: '127.0.0.1:9500' }] },
    });
    expect(problems.map((p) => p.keyPath)).toEqual(['sources.falcoHttp[1].listen']);
    expect(problems[0]!.message).toContain('metrics.listen 127.0.0.1:9500');
  });

  it("the default metrics.listen (0.0.0.0:9464) takes the port on every IPv4 address, so a receiver's on 127.0.0.1 clashes", () => {
    const problems = allConfigProblems({ sources: { falcoHttp: [{ listen: '127.0.0.1:9464' }] } });
    expect(problems.map((p) => p.keyPath)).toEqual(['sources.falcoHttp[0].listen']);
    expect(problems[0]!.message).toContain('metrics.listen 0.0.0.0:9464');
  });

  it('two receivers, one on a wildcard address: the second is named (the same spelling twice is the duplicate check)', () => {
    const clash = allConfigProblems({
      metrics: { enabled: false },
      sources: { falcoHttp: [{ listen: '[::]:2801' }, { listen: '10.0.0.5:2801' }] },
    });
    expect(clash.map((p) => p.keyPath)).toEqual(['sources.falcoHttp[1].listen']);
    const twice = allConfigProblems({
      metrics: { enabled: false },
      sources: { falcoHttp: [{ listen: '127.0.0.1:2801' }, { listen: '127.0.0.1:2801' }] },
    });
    expect(twice).toHaveLength(1);
    expect(twice[0]!.message).toMatch(/is already sources\.falcoHttp\[0\]/);
  });

  it('different ports, different addresses of one family, port 0, hostnames and a disabled /metrics are fine', () => {
    expect(
      allConfigProblems({
        metrics: { listen: '127.0.0.1:9464' },
        sources: {
          falcoHttp: [
            { listen: '127.0.0.1:2801' },
            { listen: '10.0.0.5:9464' },
            { listen: '127.0.0.1:0' },
            { listen: 'localhost:2801' },
            { listen: '[::1]:9464' },
          ],
        },
      }),
    ).toEqual([]);
    expect(
      allConfigProblems({ metrics: { enabled: false }, sources: { falcoHttp: [{ listen: '0.0.0.0:9464' }] } }),
    ).toEqual([]);
  });

  it('by flags: run exits with a config error naming the flag, not a failure to listen at start', () => {
    const err = configErrorOf(() =>
      loadRunConfig({ falcoHttp: ['127.0.0.1:9500'], metricsAddr: '127.0.0.1:9500' }, {}),
    );
    expect(err.keyPath).toBe('--falco-http');
    expect(err.message).toContain('--metrics-addr 127.0.0.1:9500');
  });

  it("in a file with another problem: run's one line names the first and counts the clash, as check-config lists both", () => {
    const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-listen-clash-'));
    try {
      const file = join(dir, 'c.yaml');
      writeFileSync(
        file,
        'logLevel: loud\nmetrics:\n  listen: 127.0.0.1:9500\nsources:\n  falcoHttp:\n    - listen: 0.0.0.0:9500\n',
      );
      const err = configErrorOf(() => loadRunConfig({ config: file }, {}));
      expect(err.keyPath).toBe('logLevel');
      expect(err.message).toContain(`(and 1 more problem: exfilwatch check-config ${file} lists them all)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('two listeners on one port that only resolving a hostname shows (check-config and run look it up)', () => {
  /** What `localhost` is on this machine, as net.Server.listen looks it up: 127.0.0.1, or ::1. */
  const localhostAddress = async () => (await lookup('localhost')).address;
  const spelled = (address: string, port: number) =>
    isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;

  it('a localhost receiver beside /metrics on the address localhost is: one problem naming both, and both hosts', async () => {
    const address = await localhostAddress();
    const raw = { metrics: { listen: spelled(address, 9500) }, sources: { falcoHttp: [{ listen: 'localhost:9500' }] } };
    // The synchronous check compares spellings: it cannot see it.
    expect(allConfigProblems(raw)).toEqual([]);
    const problems = await resolvedListenClashProblems(raw);
    expect(problems.map((p) => p.keyPath)).toEqual(['sources.falcoHttp[0].listen']);
    expect(problems[0]!.message).toContain(`metrics.listen ${spelled(address, 9500)}`);
    expect(problems[0]!.message).toContain(`localhost is ${address} here`);
  });

  it('by flags, run refuses it with a config error naming both flags (exit 2), not a port in use at start', async () => {
    const address = await localhostAddress();
    const err = await loadRunConfigResolved(
      { falcoHttp: ['localhost:9500'], metricsAddr: spelled(address, 9500) },
      {},
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).keyPath).toBe('--falco-http');
    expect((err as ConfigError).message).toContain(`--metrics-addr ${spelled(address, 9500)}`);
  });

  it('no false clash: another port, another loopback address, port 0, a clash the spelling shows said once', async () => {
    const address = await localhostAddress();
    const other = isIP(address) === 6 ? '::2' : '127.0.0.2';
    expect(
      await resolvedListenClashProblems({
        metrics: { listen: spelled(address, 9501) },
        sources: {
          falcoHttp: [{ listen: 'localhost:9502' }, { listen: spelled(other, 9503) }, { listen: 'localhost:0' }],
        },
      }),
    ).toEqual([]);
    expect(
      await resolvedListenClashProblems({
        metrics: { listen: spelled(other, 9504) },
        sources: { falcoHttp: [{ listen: 'localhost:9504' }] },
      }),
    ).toEqual([]);
    // Both spelled localhost: the synchronous check names it; the lookup adds no second line for it.
    const twice = { metrics: { listen: 'localhost:9505' }, sources: { falcoHttp: [{ listen: 'localhost:9505' }] } };
    expect(allConfigProblems(twice)).toHaveLength(1);
    expect(await resolvedListenClashProblems(twice)).toEqual([]);
  });

  it('an IPv6 address is compared in its canonical spelling', () => {
    const problems = allConfigProblems({
      metrics: { listen: '[::1]:9506' },
      sources: { falcoHttp: [{ listen: '[0:0:0:0:0:0:0:1]:9506' }] },
    });
    expect(problems.map((p) => p.keyPath)).toEqual(['sources.falcoHttp[0].listen']);
  });

  it('an IPv4-mapped IPv6 address is its IPv4 address (Linux refuses 127.0.0.1 beside ::ffff:127.0.0.1)', () => {
    const problems = allConfigProblems({
      metrics: { listen: '127.0.0.1:9507' },
      sources: { falcoHttp: [{ listen: '[::ffff:127.0.0.1]:9507' }, { listen: '[::ffff:0.0.0.0]:9508' }] },
    });
    expect(problems.map((p) => p.keyPath)).toEqual(['sources.falcoHttp[0].listen']);
    expect(
      allConfigProblems({
        metrics: { listen: '[::ffff:0.0.0.0]:9509' },
        sources: { falcoHttp: [{ listen: '10.1.2.3:9509' }] },
      }).map((p) => p.keyPath),
    ).toEqual(['sources.falcoHttp[0].listen']);
  });
});
