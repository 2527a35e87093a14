/** `run` and `check-config` as real processes: config errors exit 2 with the key path, before any work. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_LEVELS } from '../../../src/telemetry/logger.js';
import { runCli, startCli, stopChild } from './cli-process.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe.concurrent('exfilwatch run: bad config exits 2 with the key path, in one line', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'unknown key',
      'sinks:\n  nats:\n    servers: ["nats://127.0.0.1:4222"]\n    subjectPrefx: a.b\n',
      /^exfilwatch: sinks\.nats: unknown key\(s\) "subjectPrefx" \(did you mean "subjectPrefix"\?\)$/,
    ],
    [
      'wrong type',
      'pipeline:\n  shutdownTimeoutMs: soon\n',
      /^exfilwatch: pipeline\.shutdownTimeoutMs: .*number.*"soon"/,
    ],
    [
      'unreadable creds file',
      'sinks:\n  nats:\n    credsFile: /nonexistent/exfilwatch.creds\n',
      /^exfilwatch: sinks\.nats\.credsFile: cannot read \/nonexistent\/exfilwatch\.creds/,
    ],
    [
      'bad URL',
      'sinks:\n  nats:\n    servers: ["http://broker:4222"]\n',
      /^exfilwatch: sinks\.nats\.servers\[0\]: expected a NATS URL/,
    ],
    [
      'YAML syntax error',
      'foo: [unclosed\n',
      /^exfilwatch: \/.*YAML-syntax-error\.yaml: YAML syntax error at line \d+, column \d+: Flow sequence .*\]$/,
    ],
    [
      'duplicate keys',
      'logLevel: info\nlogLevel: warn\n',
      /^exfilwatch: \/.*duplicate-keys\.yaml: YAML syntax error at line 2, column 1: Map keys must be unique$/,
    ],
    ['two YAML documents', 'logLevel: info\n---\nlogLevel: warn\n', /: expected one YAML document, found 2$/],
    [
      // Unbounded before: each connection may hold a head and a small body outside maxBufferedBodyBytes.
      'falco-http maxConnections over its maximum',
      'sources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\n      maxConnections: 100000\n',
      /^exfilwatch: sources\.falcoHttp\[0\]\.maxConnections: .*1024/,
    ],
    [
      'falco-http maxConnections × maxHeaderBytes over 32 MiB',
      'sources:\n  falcoHttp:\n    - listen: 127.0.0.1:0\n      maxConnections: 1000\n      maxHeaderBytes: 65536\n',
      /^exfilwatch: sources\.falcoHttp\[0\]\.maxConnections: at most 409 with maxHeaderBytes 65536: .* 32 MiB \(got 1000\)$/,
    ],
  ];
  for (const [name, yaml, line] of cases) {
    it(name, async () => {
      const r = await runCli([
        'run',
        '--config',
        file(`${name.replace(/\W/g, '-')}.yaml`, yaml),
        '--metrics-addr',
        '127.0.0.1:0',
      ]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
      expect(r.stdout).toBe('');
    });
  }

  it('an unusable spool directory names sinks.nats.spool.dir', async () => {
    const notADir = file('plain-file', 'x');
    const r = await runCli([
      'run',
      '--config',
      file('spool.yaml', `sinks:\n  nats:\n    spool:\n      dir: ${notADir}/spool\n`),
      '--metrics-addr',
      '127.0.0.1:0',
      '--log-level',
      'silent',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^exfilwatch: sinks\.nats\.spool\.dir: cannot open the spool in .*plain-file\/spool: .*ENOTDIR/,
    );
  });

  it('a bad --nats flag names the flag', async () => {
    const r = await runCli(['run', '--nats', 'broker:port', '--metrics-addr', '127.0.0.1:0']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^exfilwatch: --nats: expected a NATS URL/);
  });

  it('a problem with a --falco-grpc entry names the flag, not sources.falcoGrpc[0].tls', async () => {
    const r = await runCli(['run', '--falco-grpc', '127.0.0.1:1', '--metrics-addr', '127.0.0.1:0']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^exfilwatch: --falco-grpc: a host:port address needs tls .*"127\.0\.0\.1:1"\); a flag cannot give tls: put this source in the config file's sources\.falcoGrpc instead$/,
    );
  });

  it('a bad --nats URL carrying credentials is reported without them', async () => {
    const r = await runCli(['run', '--nats', 'nats://alice:s3cr3t-pw@broker:port', '--metrics-addr', '127.0.0.1:0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nats: expected a NATS URL/);
    expect(r.stderr).not.toContain('s3cr3t-pw');
  });

  it('a config value carrying credentials is echoed redacted', async () => {
    const path = file(
      'creds-url.yaml',
      ['sinks:', '  nats:', '    servers: 42', '    stream: "https://bob:hunter2-pw@x"'].join('\n'),
    );
    const r = await runCli(['check-config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/sinks\.nats\.stream/);
    expect(r.stderr + r.stdout).not.toContain('hunter2-pw');
  });
});

describe.concurrent('exfilwatch check-config', () => {
  it('prints every problem with its key path and exits 2', async () => {
    const path = file(
      'many.yaml',
      [
        'logLevel: loud',
        'extra: 1',
        'metrics:',
        '  listen: nowhere',
        'sinks:',
        '  nats:',
        '    servers: ["nats://ok:4222", "ftp://bad"]',
        '    maxInFlight: -1',
        '',
      ].join('\n'),
    );
    const r = await runCli(['check-config', path]);
    expect(r.code).toBe(2);
    const keys = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(':')[0]);
    expect(keys).toEqual(
      expect.arrayContaining([
        '(root)',
        'logLevel',
        'metrics.listen',
        'sinks.nats.servers[1]',
        'sinks.nats.maxInFlight',
      ]),
    );
    expect(r.stderr).toMatch(/5 problems/);
  });

  it('prints ok and exits 0 for a valid file', async () => {
    const r = await runCli([
      'check-config',
      file('ok.yaml', 'sinks:\n  nats:\n    servers: ["nats://broker:4222"]\n  stdout: {}\n'),
    ]);
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n', stderr: '' });
  });

  it("warns (check-config on stderr, run in its log) when two source types read one sensor's stream", async () => {
    // Tetragon's gRPC API and its export file of one agent: every event twice, its reads summed (both say
    // source tetragon, so the both-sensors counting does not apply). Valid: they may be two agents.
    const both = file(
      'tetragon-twice.yaml',
      'sources:\n  tetragonGrpc:\n    - address: unix:///tmp/exfilwatch-none.sock\n' +
        '  tetragonFile:\n    - path: /tmp/exfilwatch-none.log\n',
    );
    const r = await runCli(['check-config', both]);
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(r.stderr.trim()).toBe(
      `exfilwatch: ${both}: warning: sources.tetragonGrpc and sources.tetragonFile both read Tetragon events: if ` +
        "they are one Tetragon agent's, every event counts twice (reads summed, so a push is judged on twice the " +
        'bytes): keep one of them',
    );
    const run = startCli(['run', '--config', both, '--metrics-addr', '127.0.0.1:0', '--alerts-stdout']);
    try {
      const line = await run.waitForLog((l) =>
        String(l.msg).startsWith('sources.tetragonGrpc and sources.tetragonFile'),
      );
      expect(line.level).toBe(40);
    } finally {
      await stopChild(run);
    }
    // One source type per sensor: nothing to warn about.
    const one = file('tetragon-once.yaml', 'sources:\n  tetragonFile:\n    - path: /tmp/exfilwatch-none.log\n');
    expect(await runCli(['check-config', one])).toMatchObject({ code: 0, stdout: 'ok\n', stderr: '' });
  });

  it('warns on stderr (exit 0, ok) that a file switching stdout off with no other sink leaves no alert sink', async () => {
    // Valid, yet `run` with it exits 2 unless its flags or environment add a sink: check-config said a bare ok.
    const noSink = file('no-sink.yaml', 'sinks:\n  stdout:\n    enabled: false\n');
    const r = await runCli(['check-config', noSink]);
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(r.stderr.trim()).toBe(
      `exfilwatch: ${noSink}: warning: sinks.stdout.enabled: false and no other sink on: this file alone leaves ` +
        'no alert sink, and `exfilwatch run` exits 2 with it unless --nats URL or NATS_URL (or --alerts-stdout) ' +
        'is given at run time',
    );
    expect(await runCli(['run', '--config', noSink, '--metrics-addr', '127.0.0.1:0'])).toMatchObject({ code: 2 });

    // A flag that adds a sink makes it run, as the warning says (--alerts-stdout: NATS would spool under
    // /var/lib, the daemon's default, which a test must not write to).
    const withFlag = startCli(['run', '--config', noSink, '--metrics-addr', '127.0.0.1:0', '--alerts-stdout']);
    try {
      await withFlag.waitForLog((l) => l.msg === 'exfilwatch running');
    } finally {
      await stopChild(withFlag);
    }

    // No sinks section: run falls back to stdout, nothing to warn about.
    expect(await runCli(['check-config', file('bare.yaml', 'logLevel: info\n')])).toMatchObject({
      code: 0,
      stdout: 'ok\n',
      stderr: '',
    });
  });

  it('names a missing config file as given, not as --config (it is not a flag here)', async () => {
    const missing = join(dir, 'missing.yaml');
    const r = await runCli(['check-config', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`exfilwatch: ${missing}: cannot read: ENOENT: no such file or directory`);
  });

  it('names the file problem when a referenced file is missing', async () => {
    const r = await runCli([
      'check-config',
      file('tls.yaml', 'sinks:\n  nats:\n    tls:\n      caFile: /nonexistent/ca.pem\n'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^sinks\.nats\.tls\.caFile: cannot read \/nonexistent\/ca\.pem/);
  });
});

describe.concurrent('source flags in --help', () => {
  // The flags replace the config file's list of their type (they used to add to it): --help said only
  // "repeatable", and `events --config` said the file's sources were "used too".
  for (const command of ['run', 'events']) {
    it(`${command} --help says each source flag replaces the config file's list of its type`, async () => {
      const r = await runCli([command, '--help']);
      expect(r.code).toBe(0);
      const help = r.stdout.replace(/\s+/g, ' ');
      const flags: Array<[string, string]> = [
        ['--tetragon <addr>', 'tetragonGrpc'],
        ['--tetragon-file <path>', 'tetragonFile'],
        ['--falco-http <host:port>', 'falcoHttp'],
        ['--falco-grpc <addr>', 'falcoGrpc'],
      ];
      for (const [flag, key] of flags) {
        const said = help.slice(help.indexOf(flag));
        expect(said.slice(0, said.indexOf(' --', 2))).toContain(
          `(repeatable; replaces the config file's sources.${key})`,
        );
      }
      if (command === 'events') expect(help).not.toContain('its sources are used too');
    });
  }
});

describe.concurrent('--log-level in --help', () => {
  // run, scan and events listed the levels; demo said only "log level for the JSON logs on stderr", so a user
  // who wanted more than its default warn had to guess the words.
  for (const command of ['demo', 'run', 'scan', 'events']) {
    it(`${command} --help lists every log level`, async () => {
      const r = await runCli([command, '--help']);
      expect(r.code).toBe(0);
      const help = r.stdout.replace(/\s+/g, ' ');
      const said = help.slice(help.indexOf('--log-level <level>'));
      expect(said.slice(0, said.indexOf(' --', 2))).toContain(LOG_LEVELS.join('|'));
    });
  }
});
