/**
 * `exfilwatch run` with a source that cannot work: its files are config errors found before anything starts
 * (exit 2, one line naming the key; check-config lists them too), a problem found by the source itself at
 * start stops start-up (exit 2 for config, 1 for a busy port, never "running" and exit 0), and a source that
 * fails after start stops the app (createApp's sourceFailed) instead of leaving a sensor silently unwatched.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError, SourceFailedError } from '../../../src/errors.js';
import { systemClock } from '../../../src/model/clock.js';
import type { EventSource } from '../../../src/sources/types.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { runCli } from './cli-process.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-source-fail-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
/** stderr lines that are not JSON logs: what a person reads as the reason. */
const plainLines = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
const RUN = ['--metrics-addr', '127.0.0.1:0', '--alerts-stdout'];

const FILE_CASES: Array<[string, string, RegExp]> = [
  [
    'falco-http TLS certificate',
    'sources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\n      tls:\n        certFile: /nope.pem\n        keyFile: /nope.pem\n',
    /^exfilwatch: sources\.falcoHttp\[0\]\.tls\.certFile: cannot read \/nope\.pem: .*ENOENT/,
  ],
  [
    'falco-http shared-secret file',
    'sources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\n      sharedSecret:\n        valueFile: /nope\n',
    /^exfilwatch: sources\.falcoHttp\[0\]\.sharedSecret\.valueFile: cannot read \/nope: .*ENOENT/,
  ],
  [
    'falco-grpc TLS files',
    'sources:\n  falcoGrpc:\n    - address: 127.0.0.1:5060\n      tls:\n        caFile: /nope\n        certFile: /nope\n        keyFile: /nope\n',
    /^exfilwatch: sources\.falcoGrpc\[0\]\.tls\.caFile: cannot read \/nope: .*ENOENT/,
  ],
];

describe.concurrent('exfilwatch run: unreadable source files are config errors (exit 2, one line)', () => {
  for (const [name, yaml, line] of FILE_CASES) {
    it(name, async () => {
      const r = await runCli(['run', '--config', file(`${name.replace(/\W/g, '-')}.yaml`, yaml), ...RUN]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
      expect(r.stdout).toBe('');
    });
  }

  it('check-config lists every one of them with its key path', async () => {
    const path = file(
      'all-sources.yaml',
      [
        'sources:',
        '  falcoHttp:',
        '    - listen: 127.0.0.1:0',
        '    - listen: 127.0.0.1:0',
        '      tls: { certFile: /nope.pem, keyFile: /nope.pem }',
        '      sharedSecret: { valueFile: /nope }',
        '  falcoGrpc:',
        '    - address: unix:///run/falco/falco.sock',
        '    - address: 127.0.0.1:5060',
        '      tls: { caFile: /nope, certFile: /nope, keyFile: /nope }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['check-config', path]);
    expect(r.code).toBe(2);
    const keys = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(': ')[0]);
    expect(keys).toEqual([
      'sources.falcoHttp[1].tls.certFile',
      'sources.falcoHttp[1].tls.keyFile',
      'sources.falcoHttp[1].sharedSecret.valueFile',
      'sources.falcoGrpc[1].tls.caFile',
      'sources.falcoGrpc[1].tls.certFile',
      'sources.falcoGrpc[1].tls.keyFile',
    ]);
  });

  it('check-config still says ok for readable files', async () => {
    const fixtures = join(process.cwd(), 'test/fixtures/falco/tls');
    const secret = file('secret', 's3cr3t\n');
    const path = file(
      'good-sources.yaml',
      [
        'sources:',
        '  falcoHttp:',
        '    - listen: 127.0.0.1:0',
        `      tls: { certFile: ${fixtures}/server.crt, keyFile: ${fixtures}/server.key, clientCaFile: ${fixtures}/ca.crt }`,
        `      sharedSecret: { valueFile: ${secret} }`,
        '',
      ].join('\n'),
    );
    expect(await runCli(['check-config', path])).toMatchObject({ code: 0, stdout: 'ok\n' });
  });
});

describe.concurrent('exfilwatch run: a source that fails at start stops start-up', () => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('a falco-http port already in use: exit 1, one plain line naming the source and address', async () => {
    const { port } = busy.address() as { port: number };
    const r = await runCli(['run', '--falco-http', `127.0.0.1:${port}`, ...RUN]);
    expect(r.code).toBe(1);
    expect(plainLines(r.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^exfilwatch: falco-http 127\\.0\\.0\\.1:${port}: cannot listen: EADDRINUSE`)),
    ]);
    expect(r.stderr).not.toContain('"msg":"exfilwatch running"');
    // The reason is the last thing said: after the JSON logs of the stop, and nothing after it (the
    // destination DNS lookups started at start-up are cancelled, not left to time out and warn).
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^exfilwatch: falco-http /);
  });

  it('events --falco-http on a port another process holds: exit 1, one plain line naming the address and why', async () => {
    const { port } = busy.address() as { port: number };
    const at = `127.0.0.1:${port}`;
    const r = await runCli(['events', '--falco-http', at]);
    expect(r.code).toBe(1);
    expect(plainLines(r.stderr)).toEqual([
      `exfilwatch: falco-http ${at}: cannot listen: EADDRINUSE: address in use: another process already listens on ${at} (a running exfilwatch daemon?)`,
    ]);
    expect(r.stdout).toBe('');
  });

  it('a shared-secret variable that is unset: exit 2 naming the key, before "running"', async () => {
    const path = file(
      'env-secret.yaml',
      'sources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\n      sharedSecret:\n        valueEnv: EXFILWATCH_TEST_UNSET_SECRET\n',
    );
    const r = await runCli(['run', '--config', path, ...RUN], { EXFILWATCH_TEST_UNSET_SECRET: '' });
    expect(r.code).toBe(2);
    expect(plainLines(r.stderr)).toEqual([
      expect.stringMatching(/^exfilwatch: sources\.falcoHttp\[0\]\.sharedSecret\.valueEnv: environment variable/),
    ]);
    expect(r.stderr).not.toContain('"msg":"exfilwatch running"');
  });
});

describe('createApp: a source that stops for good', () => {
  const deps = () => ({ logger: silentLogger(), metrics: createMetrics(), clock: systemClock, node: 'n' });
  const config = () => parseConfig({});
  const idle = (id: string): EventSource => ({
    id,
    type: 'replay',
    async run(out, signal) {
      out.connection(true);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  });

  it('during set-up rejects start(): a ConfigError as it is', async () => {
    const bad: EventSource = {
      id: 'bad one',
      type: 'replay',
      run: async () => {
        throw new ConfigError('sources.x.0.file', 'cannot read /nope');
      },
    };
    const app = createApp(config(), deps(), { sources: [idle('fine'), bad], extraSinks: [] });
    await expect(app.start()).rejects.toThrow(/^sources\.x\.0\.file: cannot read \/nope$/);
    await app.stop();
  });

  it('after start-up resolves sourceFailed with a SourceFailedError naming it', async () => {
    let fail!: (err: Error) => void;
    const later: EventSource = {
      id: 'later one',
      type: 'replay',
      run: (out) => {
        out.connection(true);
        return new Promise<void>((_resolve, reject) => {
          fail = reject;
        });
      },
    };
    const app = createApp(config(), deps(), { sources: [idle('fine'), later], extraSinks: [] });
    await app.start();
    fail(new Error('socket closed for good'));
    const failure = await app.sourceFailed;
    expect(failure).toBeInstanceOf(SourceFailedError);
    expect(failure.message).toBe('later one: socket closed for good');
    await app.stop();
  });
});
