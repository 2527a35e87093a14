import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src/cli/run-config.js';
import { applyRunOverrides } from '../../../src/cli/run-overrides.js';
import { allConfigProblems } from '../../../src/config/validate.js';
import { configErrorOf } from '../../helpers/config-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-cfg-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const keyPathOf = (fn: () => unknown): string => configErrorOf(fn).keyPath;

describe('run overrides (flags > env > file)', () => {
  it('--nats and NATS_URL set sinks.nats.servers; the flag wins', () => {
    const raw = { sinks: { nats: { subjectPrefix: 'x.y', servers: ['nats://file:4222'] } } };
    expect(applyRunOverrides(raw, {}, { NATS_URL: 'nats://a:1, nats://b:2' })).toMatchObject({
      sinks: { nats: { subjectPrefix: 'x.y', servers: ['nats://a:1', 'nats://b:2'] } },
    });
    expect(applyRunOverrides(raw, { nats: 'tls://flag:4222' }, { NATS_URL: 'nats://env:1' })).toMatchObject({
      sinks: { nats: { servers: ['tls://flag:4222'] } },
    });
    // the input is not mutated
    expect(raw.sinks.nats.servers).toEqual(['nats://file:4222']);
  });

  it('names the flag or variable of a bad URL or address', () => {
    expect(keyPathOf(() => applyRunOverrides({}, { nats: 'http://x:1' }, {}))).toBe('--nats');
    expect(keyPathOf(() => applyRunOverrides({}, {}, { NATS_URL: 'nats://' }))).toBe('NATS_URL');
    expect(keyPathOf(() => applyRunOverrides({}, { metricsAddr: '9464' }, {}))).toBe('--metrics-addr');
    expect(keyPathOf(() => applyRunOverrides({}, { logLevel: 'loud' }, {}))).toBe('--log-level');
  });

  it('--alerts-stdout, --metrics-addr and --log-level land on their keys', () => {
    const config = loadRunConfig({ alertsStdout: true, metricsAddr: '[::1]:0', logLevel: 'debug' }, {});
    expect(config.sinks.stdout).toEqual({ enabled: true, queueCapacity: 1024, whenFull: 'drop' });
    expect(config.metrics.listen).toBe('[::1]:0');
    expect(config.logLevel).toBe('debug');
    expect(config.sinks.nats).toBeUndefined();
  });

  it('says how many more problems there are after the first, and where to see them all', () => {
    const two = write('two.yaml', 'foo: 1\nlogLevel: loud\n');
    expect(configErrorOf(() => loadRunConfig({ config: two }, {})).message).toMatch(
      /^logLevel: .* \(and 1 more problem: exfilwatch check-config .*two\.yaml lists them all\)$/,
    );
    expect(configErrorOf(() => loadRunConfig({ config: two }, {})).message).toContain(`check-config ${two} lists`);
    const three = write('three.yaml', 'foo: 1\nlogLevel: loud\ncorrelator:\n  latenessMs: -1\n');
    expect(configErrorOf(() => loadRunConfig({ config: three }, {})).message).toMatch(/\(and 2 more problems: /);
    expect(
      configErrorOf(() => loadRunConfig({ config: write('one.yaml', 'logLevel: loud\n') }, {})).message,
    ).not.toMatch(/more problem/);
  });

  // run stops for a certificate it cannot read as for a key: counting the schema's problems alone, a bad logLevel
  // beside two missing certificates said "logLevel: …" and nothing more, while check-config listed three.
  it('counts every problem check-config lists, the files the config names too', () => {
    const mixed = write(
      'mixed.yaml',
      'logLevel: loud\nsources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\n      tls:\n        certFile: /nonexistent/c.pem\n        keyFile: /nonexistent/k.pem\n',
    );
    expect(configErrorOf(() => loadRunConfig({ config: mixed }, {})).message).toMatch(
      /^logLevel: .* \(and 2 more problems: exfilwatch check-config .*mixed\.yaml lists them all\)$/,
    );
    const certsOnly = write(
      'certs.yaml',
      'sources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\n      tls:\n        certFile: /nonexistent/c.pem\n        keyFile: /nonexistent/k.pem\n',
    );
    const error = configErrorOf(() => loadRunConfig({ config: certsOnly }, {}));
    expect(error.keyPath).toBe('sources.falcoHttp[0].tls.certFile');
    expect(error.message).toMatch(/ \(and 1 more problem: exfilwatch check-config .*certs\.yaml lists them all\)$/);
    expect(
      allConfigProblems(
        applyRunOverrides(
          {
            logLevel: 'loud',
            sources: {
              falcoHttp: [
                { listen: '127.0.0.1:0', tls: { certFile: '/nonexistent/c.pem', keyFile: '/nonexistent/k.pem' } },
              ],
            },
          },
          {},
          {},
        ),
      ),
    ).toHaveLength(3);
  });

  // check-config reads the file alone: problems a flag made are not in what it lists, and with no file at all
  // there is nothing to give it.
  it('sends no one to check-config for problems a flag made', () => {
    const flagsOnly = configErrorOf(() => loadRunConfig({ falcoGrpc: ['10.0.0.1:1', '10.0.0.2:1'] }, {}));
    expect(flagsOnly.keyPath).toBe('--falco-grpc');
    expect(flagsOnly.message).toMatch(/ \(and 1 more problem\)$/);
    const withFile = write('level.yaml', 'logLevel: loud\n');
    const mixed = configErrorOf(() => loadRunConfig({ config: withFile, falcoGrpc: ['10.0.0.1:1'] }, {}));
    expect(mixed.message).toMatch(/ \(and 1 more problem\)$/);
  });

  it('fails with the key path for an unknown key, a wrong type, a bad URL and an unreadable creds file', () => {
    expect(
      keyPathOf(() => loadRunConfig({ config: write('a.yaml', 'sinks:\n  nats:\n    subjectPrefx: x\n') }, {})),
    ).toBe('sinks.nats');
    expect(
      keyPathOf(() => loadRunConfig({ config: write('b.yaml', 'sinks:\n  nats:\n    maxInFlight: many\n') }, {})),
    ).toBe('sinks.nats.maxInFlight');
    expect(
      keyPathOf(() => loadRunConfig({ config: write('c.yaml', 'sinks:\n  nats:\n    servers: ["http://x"]\n') }, {})),
    ).toBe('sinks.nats.servers[0]');
    expect(
      keyPathOf(() =>
        loadRunConfig(
          { config: write('d.yaml', `sinks:\n  nats:\n    credsFile: ${join(dir, 'missing.creds')}\n`) },
          {},
        ),
      ),
    ).toBe('sinks.nats.credsFile');
    expect(keyPathOf(() => loadRunConfig({ config: join(dir, 'nope.yaml') }, {}))).toBe('--config');
  });
});

describe('allConfigProblems (check-config)', () => {
  it('lists every problem with its key path, including file references', () => {
    const unreadable = write('locked.creds', '-----BEGIN NATS USER JWT-----\n');
    chmodSync(unreadable, 0o000);
    const notPem = write('ca.txt', 'hello');
    const problems = allConfigProblems({
      logLevel: 'loud',
      bogus: 1,
      metrics: { listen: 'nowhere' },
      sinks: { nats: { user: 'u', password: 'p', tls: { caFile: notPem }, nkeySeedFile: write('seed', 'not-a-seed') } },
    });
    const keys = problems.map((p) => p.keyPath);
    expect(keys).toEqual(expect.arrayContaining(['(root)', 'logLevel', 'metrics.listen', 'sinks.nats.nkeySeedFile']));
    // Auth methods are exclusive: the schema problem is reported, file checks wait for a valid section.
    expect(problems.find((p) => p.keyPath === 'sinks.nats.nkeySeedFile')?.message).toMatch(/one auth method/);

    const files = allConfigProblems({
      sinks: { nats: { tls: { caFile: notPem, certFile: join(dir, 'none.pem'), keyFile: notPem } } },
    });
    expect(files.map((p) => p.keyPath)).toEqual([
      'sinks.nats.tls.caFile',
      'sinks.nats.tls.certFile',
      'sinks.nats.tls.keyFile',
    ]);
    expect(files[1]?.message).toMatch(/cannot read/);
    expect(files[0]?.message).toMatch(/not PEM/);
    if (process.getuid?.() !== 0) {
      expect(allConfigProblems({ sinks: { nats: { credsFile: unreadable } } }).map((p) => p.keyPath)).toEqual([
        'sinks.nats.credsFile',
      ]);
    }
  });

  it('accepts a valid config with readable files', () => {
    const creds = write('u.creds', '-----BEGIN NATS USER JWT-----\neyJ\n------END NATS USER JWT------\n');
    expect(
      allConfigProblems({ sinks: { nats: { servers: ['nats://n:4222'], credsFile: creds }, stdout: {} } }),
    ).toEqual([]);
  });
});
