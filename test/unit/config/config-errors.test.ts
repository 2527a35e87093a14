/**
 * Config errors as users read them: key paths in CONFIGURATION.md's notation with the entry's index
 * (`allowlist[0].reason`), one line per problem naming the file or flag the value came from.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceFlagsToConfig } from '../../../src/cli/source-flags.js';
import { configProblems, parseConfig, readConfigText } from '../../../src/config/load.js';
import { configErrorOf } from '../../helpers/config-error.js';

const dir = mkdtempSync(join(tmpdir(), 'exfilwatch-config-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const keyPaths = (raw: unknown) => configProblems(raw).map((p) => p.keyPath);

describe('config key paths', () => {
  it('name list entries by index in brackets, as CONFIGURATION.md writes `allowlist[].reason`', () => {
    expect(keyPaths({ allowlist: [{ namespace: 'ci', reason: 'x' }, { namespace: 'ci' }] })).toEqual([
      'allowlist[1].reason',
    ]);
    expect(keyPaths({ sources: { falcoGrpc: [{ address: 'falco:5060' }] } })).toEqual(['sources.falcoGrpc[0].tls']);
    expect(keyPaths({ correlator: { destinations: { internal: ['ok', 7] } } })).toEqual([
      'correlator.destinations.internal[1]',
    ]);
    expect(keyPaths([])).toEqual(['(root)']);
  });

  it('say a key left out is required and missing, not that undefined was received', () => {
    const problems = configProblems({
      allowlist: [{ namespace: 'ci' }],
      sources: { falcoHttp: [{ listen: '127.0.0.1:2801', tls: { keyFile: '/k.pem' } }] },
    });
    expect(problems.map((p) => `${p.keyPath}: ${p.message}`)).toEqual([
      'sources.falcoHttp[0].tls.certFile: required, missing (expected string)',
      'allowlist[0].reason: required, missing (expected string)',
    ]);
    // A key that is there with the wrong type keeps zod's wording and the value.
    expect(configProblems({ allowlist: [{ namespace: 'ci', reason: 7 }] }).map((p) => p.message)).toEqual([
      'Invalid input: expected string, received number (got 7)',
    ]);
  });

  it('say how to write a list that was given one entry or one value bare', () => {
    // `tetragonGrpc:` with `address:` under it, `servers: nats://…`: zod said "expected array, received object".
    const problems = configProblems({
      sources: { tetragonGrpc: { address: 'unix:///x.sock' } },
      sinks: { nats: { servers: 'nats://127.0.0.1:4222' } },
    });
    expect(problems.map((p) => `${p.keyPath}: ${p.message}`)).toEqual([
      'sources.tetragonGrpc: Invalid input: expected array, received object (got {"address":"unix:///x.sock"}); ' +
        'a list: put `- ` before its first key to make it one entry',
      'sinks.nats.servers: Invalid input: expected array, received string (got "nats://127.0.0.1:4222"); ' +
        'a list: write [value] or put the value on a line of its own after `- `',
    ]);
  });

  it('tell a bare value given to a list of maps that it needs an entry of its own, not [value]', () => {
    // `tetragonGrpc: unix:///…` was told to write `[value]`, which then failed as "expected object".
    const problems = configProblems({ sources: { tetragonGrpc: 'unix:///x.sock' }, allowlist: 'ci' });
    expect(problems.map((p) => `${p.keyPath}: ${p.message}`)).toEqual([
      'sources.tetragonGrpc: Invalid input: expected array, received string (got "unix:///x.sock"); ' +
        'a list of maps: one entry per `- `, its keys under it, not a value alone',
      'allowlist: Invalid input: expected array, received string (got "ci"); ' +
        'a list of maps: one entry per `- `, its keys under it, not a value alone',
    ]);
  });
});

// `--falco-grpc h:99999` was refused while `address: h:99999` in the file passed check-config, and the
// source then retried a port that cannot exist forever.
describe('a falcoGrpc address in the file', () => {
  const tls = { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' };
  it('is checked as the --falco-grpc flag checks it: a port from 1 to 65535, a socket path that fits', () => {
    for (const address of ['falco:99999', 'falco:0', 'fal co:5060', `unix:///${'x'.repeat(120)}`]) {
      expect(keyPaths({ sources: { falcoGrpc: [{ address, tls }] } }), address).toEqual([
        'sources.falcoGrpc[0].address',
      ]);
    }
    for (const address of ['falco:5060', '[::1]:5060', 'unix:///run/falco/falco.sock']) {
      expect(keyPaths({ sources: { falcoGrpc: [{ address, tls }] } }), address).toEqual([]);
    }
  });
});

describe('an environment variable reference in a value', () => {
  it('is an error naming its key: the file is not a template, a reference was taken literally', () => {
    const path = write(
      'env.yaml',
      `sinks:\n  nats:\n    servers: ["nats://\${NATS_HOST}:4222"]\nsources:\n  tetragonFile:\n    - path: \${LOG_DIR:-/var/log}/tetragon.log\n`,
    );
    const problems = configProblems(readConfigText(path));
    expect(problems.map((p) => p.keyPath)).toEqual(['sinks.nats.servers[0]', 'sources.tetragonFile[0].path']);
    expect(problems[0]?.message).toMatch(/^\$\{NATS_HOST\} is not expanded: exfilwatch reads no environment variables/);
    expect(problems[1]?.message).toMatch(/^\$\{LOG_DIR:-\/var\/log\} is not expanded/);
    // A dollar sign that is no reference is a value like any other.
    expect(configProblems({ allowlist: [{ namespace: 'ci', reason: 'costs $5 {a day}' }] })).toEqual([]);
  });
});

describe('a value with ${ in it that is no reference to expand', () => {
  it('is accepted where the text is never resolved (a reason) or is a secret (never echoed in part)', () => {
    const nats = { servers: ['nats://nats:4222'], user: 'exfilwatch' };
    // Free text: shown in a log line and a metric label as written.
    expect(configProblems({ allowlist: [{ namespace: 'ci', reason: `kaniko pushes to \${CI_REGISTRY}` }] })).toEqual(
      [],
    );
    // A generated password or token may hold "${...}": refusing it refused a working credential, and the message
    // echoed part of it.
    expect(configProblems({ sinks: { nats: { ...nats, password: `Zq\${k9}x!` } } })).toEqual([]);
    expect(configProblems({ sinks: { nats: { servers: ['nats://nats:4222'], token: `a\${B}c` } } })).toEqual([]);
    // A secret that is nothing but a reference is the mistake the check is for: its name is no secret.
    expect(configProblems({ sinks: { nats: { ...nats, password: `\${NATS_PASSWORD}` } } })).toEqual([
      expect.objectContaining({
        keyPath: 'sinks.nats.password',
        message: expect.stringMatching(/^\$\{NATS_PASSWORD\} is not expanded/),
      }),
    ]);
  });
});

describe('a ${ in the credentials of a NATS URL', () => {
  const messages = (server: string) => configProblems({ sinks: { nats: { servers: [server] } } }).map((p) => p.message);

  it('is never echoed: a whole reference is named as one, a part of a generated password is accepted', () => {
    // The message echoed "${k9}" (a part of the password) and, for a default, the default itself.
    expect(messages('nats://alerts:Zq${k9}x!@nats:4222')).toEqual([]);
    for (const server of ['nats://alerts:${NATS_PASSWORD:-hunter2}@nats:4222', 'alerts:${PW}@nats:4222']) {
      const found = messages(server);
      expect(found).toEqual([
        expect.stringMatching(/^a \$\{…\} reference in the URL's user:password@ is not expanded/),
      ]);
      expect(found.join()).not.toMatch(/hunter2|NATS_PASSWORD|PW|alerts/);
    }
    expect(messages('nats://${NATS_TOKEN}@nats:4222')).toHaveLength(1);
    // The host part is no secret: named as before, and the password in front of it not.
    expect(messages('nats://alerts:Zq${k9}x!@${NATS_HOST}:4222')).toEqual([
      expect.stringMatching(/^\$\{NATS_HOST\} is not expanded/),
    ]);
  });

  it('a password or token key that is a reference with a default is named without the default', () => {
    const nats = { servers: ['nats://nats:4222'], user: 'exfilwatch', password: '${NATS_PASSWORD:-hunter2}' };
    expect(configProblems({ sinks: { nats } }).map((p) => p.message)).toEqual([
      expect.stringMatching(/^\$\{NATS_PASSWORD\} is not expanded/),
    ]);
  });
});

describe('a duration written as text', () => {
  it('says every key ending in Ms takes milliseconds, and the number meant when it can tell', () => {
    // `windowMs: 30m` got "expected number, received string" alone: nothing said the unit.
    const problems = configProblems({
      correlator: { windowMs: '30m', latenessMs: '40000', pushSettleMs: 'soon' },
      sources: { tetragonFile: [{ path: '/x', pollIntervalMs: '1.5s' }] },
    });
    const unit = 'a duration in milliseconds (every key ending in Ms)';
    expect(problems.map((p) => `${p.keyPath}: ${p.message}`)).toEqual([
      `sources.tetragonFile[0].pollIntervalMs: Invalid input: expected number, received string (got "1.5s"); ${unit}: write 1500, unquoted`,
      `correlator.windowMs: Invalid input: expected number, received string (got "30m"); ${unit}: write 1800000, unquoted`,
      `correlator.latenessMs: Invalid input: expected number, received string (got "40000"); ${unit}: write 40000, unquoted`,
      `correlator.pushSettleMs: Invalid input: expected number, received string (got "soon"); ${unit}: a number, 60000 for a minute`,
    ]);
  });
});

describe('the offending value in a message', () => {
  it('is written as YAML wrote it when it is not finite (JSON would say null)', () => {
    const path = write('inf.yaml', 'pipeline:\n  eventQueueCapacity: 1e400\n  alertQueueCapacity: -.inf\n');
    expect(configProblems(readConfigText(path)).map((p) => p.message)).toEqual([
      'Invalid input: expected number, received Infinity (got Infinity)',
      'Invalid input: expected number, received -Infinity (got -Infinity)',
    ]);
  });
});

describe('YAML problems in a config file', () => {
  it('are one line naming the file, with the position of a syntax error', () => {
    const unclosed = write('unclosed.yaml', 'logLevel: info\nfoo: [unclosed\n');
    const err = configErrorOf(() => readConfigText(unclosed));
    expect(err.keyPath).toBe(unclosed);
    expect(err.message).toMatch(/^\S+unclosed\.yaml: YAML syntax error at line \d+, column \d+: Flow sequence/);
    expect(err.message).not.toContain('\n');

    // A ${…} in a flow list is a syntax error before it is a value: the line says why the file cannot hold it.
    const flow = write('flow-ref.yaml', 'sinks:\n  nats:\n    servers: [${NATS_URL}]\n');
    expect(configErrorOf(() => readConfigText(flow)).message).toBe(
      `${flow}: YAML syntax error at line 3, column 16: Missing , or : between flow sequence items ` +
        '(${NATS_URL} on that line is not expanded: exfilwatch reads no environment variables in its config file ' +
        '(use NATS_URL / --nats, sharedSecret.valueEnv, or render the file first))',
    );

    // Named, never echoed: a default after `:-` may be the secret itself.
    const withDefault = write('flow-default.yaml', 'sinks:\n  nats:\n    token: [${NATS_TOKEN:-hunter2-s3cret}]\n');
    const defaultErr = configErrorOf(() => readConfigText(withDefault)).message;
    expect(defaultErr).toContain('(${NATS_TOKEN} on that line is not expanded');
    expect(defaultErr).not.toContain('hunter2');

    const dup = write('dup.yaml', 'logLevel: info\nlogLevel: warn\n');
    expect(configErrorOf(() => readConfigText(dup)).message).toBe(
      `${dup}: YAML syntax error at line 2, column 1: Map keys must be unique`,
    );
  });

  it('reject a stream of several documents and an alias to nothing', () => {
    const two = write('two.yaml', 'logLevel: info\n---\nlogLevel: warn\n');
    expect(configErrorOf(() => readConfigText(two)).message).toBe(`${two}: expected one YAML document, found 2`);
    const alias = write('alias.yaml', 'logLevel: *level\n');
    const err = configErrorOf(() => readConfigText(alias));
    expect(err.message).toMatch(/^\S+alias\.yaml: not valid YAML: Unresolved alias/);
    expect(err.message).not.toContain('\n');
  });

  it("merge keys reuse an entry's settings; a merge of something that is not a map is one clear line", () => {
    const merged = write(
      'merge.yaml',
      [
        'sources:',
        '  falcoGrpc:',
        '    - &falco',
        '      address: falco-a.example:5060',
        '      tls: { caFile: /ca.pem, certFile: /c.pem, keyFile: /k.pem }',
        '    - <<: *falco',
        '      address: falco-b.example:5060',
        '',
      ].join('\n'),
    );
    const raw = readConfigText(merged) as { sources: { falcoGrpc: Array<Record<string, unknown>> } };
    expect(raw.sources.falcoGrpc[1]).toEqual({
      address: 'falco-b.example:5060',
      tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' },
    });
    expect(configProblems(raw)).toEqual([]);
    const bad = write('bad-merge.yaml', 'pipeline:\n  <<: 5\n');
    expect(configErrorOf(() => readConfigText(bad)).message).toBe(
      `${bad}: not valid YAML: Merge sources must be maps or map aliases`,
    );
  });

  it('an empty file or a lone document marker is an empty config', () => {
    expect(readConfigText(write('empty.yaml', ''))).toEqual({});
    expect(readConfigText(write('marker.yaml', '---\n'))).toEqual({});
    expect(readConfigText(write('one.yaml', '---\nlogLevel: warn\n'))).toEqual({ logLevel: 'warn' });
  });

  it('an unreadable file names --config, or the path as given when it was no flag', () => {
    const missing = join(dir, 'missing.yaml');
    expect(configErrorOf(() => readConfigText(missing)).message).toBe(
      `--config: cannot read ${missing}: ENOENT: no such file or directory`,
    );
    expect(configErrorOf(() => readConfigText(missing, null)).message).toBe(
      `${missing}: cannot read: ENOENT: no such file or directory`,
    );
  });
});

// A typo'd key is the commonest first config error: the line names the key meant, found at the same place in
// the schema (inside list entries and nested objects too), and suggests nothing for a key nothing resembles.
describe('an unknown key', () => {
  it('names the known key at its place nearest in spelling, or none', () => {
    const problems = configProblems({
      sourcse: {},
      sources: { tetragonGrpc: [{ address: 'unix:///t.sock' }, { adress: 'unix:///t.sock' }] },
      correlator: { windowMS: 5 },
      sinks: { nats: { servers: ['nats://a:4222'], spool: { maxbytes: 5 } } },
      allowlist: [{ namespace: 'ci', reason: 'x', images: 'a/*', zzzzzz: 1 }],
    });
    expect(problems.map((p) => `${p.keyPath}: ${p.message}`).sort()).toEqual([
      '(root): unknown key(s) "sourcse" (did you mean "sources"?)',
      'allowlist[0]: unknown key(s) "images" (did you mean "image"?), "zzzzzz"',
      'correlator: unknown key(s) "windowMS" (did you mean "windowMs"?)',
      'sinks.nats.spool: unknown key(s) "maxbytes" (did you mean "maxBytes"?)',
      'sources.tetragonGrpc[1]: unknown key(s) "adress" (did you mean "address"?)',
    ]);
  });
});

// A right key in the wrong object is no typo: the nearest spelling at its place is another setting
// (`connectTimeoutMs` under sinks.nats is 5 edits from `reconnectTimeWaitMs`, `mode` at the top 1 from `node`), so
// the line names where the key belongs; two keys as near as each other suggest neither.
describe('an unknown key that is a key elsewhere, or near two keys', () => {
  it('names where it belongs instead of another setting; a tie suggests nothing', () => {
    const problems = configProblems({
      mode: 'check',
      sources: { tetragonGrpc: [{ reconnectMMs: 5 }] },
      sinks: { nats: { servers: ['nats://a:4222'], ConnectTimeoutMs: 5, tls: { credsFile: '/x' } } },
    });
    expect(problems.map((p) => `${p.keyPath}: ${p.message}`).sort()).toEqual([
      '(root): unknown key(s) "mode" (a key of sinks.nats.stream, not of this object)',
      'sinks.nats.tls: unknown key(s) "credsFile" (a key of sinks.nats, not of this object)',
      'sinks.nats: unknown key(s) "ConnectTimeoutMs" ("connectTimeoutMs" is a key of sources.tetragonGrpc[], ' +
        'sources.falcoGrpc[], not of this object)',
      'sources.tetragonGrpc[0]: unknown key(s) "reconnectMMs"',
    ]);
  });
});

// A socket path written as `ls` shows it, or with two slashes, is the commonest first address; the line says the
// address that was meant, and a mistyped Falco socket is not also told it needs TLS (which only host:port does).
describe('a socket path written as a path', () => {
  it('says the unix:/// address it meant, in the file and from a flag', () => {
    const problems = configProblems({
      sources: {
        tetragonGrpc: [{ address: '/var/run/tetragon/tetragon.sock' }, { address: 'unix://var/run/t.sock' }],
        falcoGrpc: [{ address: '/run/falco/falco.sock' }],
      },
    });
    expect(problems.map((p) => `${p.keyPath}: ${p.message}`)).toEqual([
      'sources.tetragonGrpc[0].address: expected unix:///absolute/path or host:port; for a unix socket write ' +
        'unix:///var/run/tetragon/tetragon.sock (got "/var/run/tetragon/tetragon.sock")',
      'sources.tetragonGrpc[1].address: expected unix:///absolute/path or host:port; an absolute socket path ' +
        'takes three slashes: unix:///var/run/t.sock (got "unix://var/run/t.sock")',
      'sources.falcoGrpc[0].address: expected unix:///absolute/path or host:port; for a unix socket write ' +
        'unix:///run/falco/falco.sock (got "/run/falco/falco.sock")',
    ]);
    expect(() => sourceFlagsToConfig({ tetragon: ['unix://run/t.sock'] }, {})).toThrow(
      'expected unix:///absolute/path; an absolute socket path takes three slashes: unix:///run/t.sock (got "unix://run/t.sock")',
    );
    // gRPC's own one-slash form names the same address.
    expect(configProblems({ sources: { tetragonGrpc: [{ address: 'unix:/run/t.sock' }] } })[0]?.message).toBe(
      'expected unix:///absolute/path or host:port; an absolute socket path takes three slashes: unix:///run/t.sock ' +
        '(got "unix:/run/t.sock")',
    );
    // No hint naming an address that is no address either: a path longer than a sockaddr_un holds, `/` alone.
    const long = `/var/run/${'t'.repeat(100)}.sock`;
    for (const address of [long, `unix://${long.slice(1)}`, '/']) {
      expect(configProblems({ sources: { tetragonGrpc: [{ address }] } })[0]?.message).not.toMatch(
        /write unix|three slashes/,
      );
    }
    // Nothing to suggest for what is no path: the line stays as it was.
    expect(configProblems({ sources: { tetragonGrpc: [{ address: 'localhost' }] } })[0]?.message).toBe(
      'expected unix:///absolute/path or host:port (got "localhost")',
    );
  });
});

describe('a problem in a value that came from a flag', () => {
  it('names the flag and its value, not the key path the flag filled in', () => {
    const fromFlag = sourceFlagsToConfig({ falcoGrpc: ['127.0.0.1:1'] }, {});
    expect(configErrorOf(() => parseConfig(fromFlag)).message).toMatch(
      /^--falco-grpc: a host:port address needs tls .* \(got "127\.0\.0\.1:1"\); /,
    );
  });

  // `--falco-grpc host:port` can never run: the flag gives an address only and replaces the file's entries,
  // while TCP needs tls. The error said tls was missing and nothing of where to give it.
  it('says where to give a key the flag cannot set', () => {
    const fromFlag = sourceFlagsToConfig({ falcoGrpc: ['127.0.0.1:1'] }, {});
    expect(configErrorOf(() => parseConfig(fromFlag)).message).toMatch(
      /\(got "127\.0\.0\.1:1"\); a flag cannot give tls: put this source in the config file's sources\.falcoGrpc instead$/,
    );
    // A file entry's missing tls names its key path, and no flag.
    expect(configProblems({ sources: { falcoGrpc: [{ address: 'falco:5060' }] } })[0]?.message).not.toContain('flag');
  });

  it('still names the key path of a file entry of another type beside flag entries', () => {
    const raw = sourceFlagsToConfig(
      { falcoGrpc: ['unix:///run/falco.sock', '10.0.0.1:5060'] },
      { sources: { tetragonFile: [{ path: '' }], falcoGrpc: [{ address: '10.0.0.2:5060' }] } },
    );
    // The file's falcoGrpc entry is overridden by the flags: only its tetragonFile entry is left to name.
    expect(configProblems(raw).map((p) => p.keyPath)).toEqual(['sources.tetragonFile[0].path', '--falco-grpc']);
  });

  it('leaves the entry a plain config entry: the marker is no key the schema or JSON sees', () => {
    const raw = sourceFlagsToConfig({ tetragon: ['unix:///run/t.sock'] }, {});
    expect(JSON.parse(JSON.stringify(raw))).toEqual({ sources: { tetragonGrpc: [{ address: 'unix:///run/t.sock' }] } });
    expect(configProblems(raw)).toEqual([]);
  });
});

describe('destination patterns: a host glob or an IP CIDR', () => {
  const internal = (values: string[]) => configProblems({ correlator: { destinations: { internal: values } } });

  it('an IP-shaped value that is no valid IP or CIDR is an error naming its key', () => {
    expect(configProblems({ allowlist: [{ destination: '10.0.0.0/33', reason: 'x' }] })).toEqual([
      {
        keyPath: 'allowlist[0].destination',
        message:
          'expected a host glob, an IP CIDR or HOST/PATH-GLOB; the prefix length must be a number from 0 to 32 (got "10.0.0.0/33")',
      },
    ]);
    expect(internal(['10.0.0.0/99', '300.1.1.1/8', '1.2.3', '10.0.0.0/', 'fd00::/129', 'git.corp/8'])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => expect.objectContaining({ keyPath: `correlator.destinations.internal[${i}]` })),
    );
    expect(internal(['300.1.1.1/8'])[0]?.message).toMatch(/"300\.1\.1\.1" is not an IPv4 or IPv6 address/);
    expect(
      configProblems({ correlator: { destinations: { forges: ['github.com', '140.82.0.0/40'] } } })[0]?.keyPath,
    ).toBe('correlator.destinations.forges[1]');
  });

  it('valid CIDRs and IPs, and host globs, pass', () => {
    expect(
      internal([
        '10.0.0.0/8',
        '10.1.2.3',
        'fd00::/8',
        '::1',
        '::ffff:10.0.0.1',
        'git.corp.example',
        '*.corp',
        '10.0.*',
      ]),
    ).toEqual([]);
    expect(configProblems({ allowlist: [{ destination: '192.168.0.0/16', reason: 'x' }] })).toEqual([]);
    expect(configProblems({ allowlist: [{ destination: '*.corp.example', reason: 'x' }] })).toEqual([]);
  });

  it('an allowlist destination may scope a host to repository paths; a malformed one is an error naming its entry', () => {
    const allowlistDestination = (values: string[]) =>
      configProblems({ allowlist: values.map((destination) => ({ destination, reason: 'x' })) });
    expect(
      allowlistDestination(['ghcr.io/acme/*', 'github.com/acme/*', 'registry.gitlab.com/acme/**', '*.corp/team/a?p']),
    ).toEqual([]);
    const bad = allowlistDestination([
      '10.0.0.0/8/acme',
      'ghcr.io/acme/app:v1',
      'ghcr.io/acme/app@sha256:ab',
      'ghcr.io:443/acme/*',
      'ghcr.io/',
      'ghcr.io//acme',
      'github.com/acme/../evil',
    ]);
    expect(bad.map((p) => p.keyPath)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `allowlist[${i}].destination`));
    expect(bad[0]?.message).toMatch(/an IP CIDR takes no repository path/);
    expect(bad[1]?.message).toMatch(/names a tag, digest or escape: write the repository path only/);
    expect(bad[3]?.message).toMatch(/is not a host glob before the repository path/);
    // Values that could never match a remote (its host is read with these folded, and without scheme or dot).
    const never = allowlistDestination([
      'index.docker.io/acme/*',
      'registry-1.docker.io/acme/*',
      'api.github.com/acme/*',
      'https://github.com/acme/*',
      'oci://ghcr.io/acme/*',
      'github.com./acme/*',
    ]);
    expect(never.map((p) => p.message)).toEqual([
      expect.stringMatching(/"index\.docker\.io" is Docker Hub, matched as docker\.io: write docker\.io/),
      expect.stringMatching(/"registry-1\.docker\.io" is Docker Hub/),
      expect.stringMatching(/"api\.github\.com" is GitHub's API host, matched as github\.com/),
      expect.stringMatching(/"https:\/\/github\.com\/acme\/\*" is a URL: write HOST\/PATH-GLOB without the scheme/),
      expect.stringMatching(/is a URL/),
      expect.stringMatching(/"github\.com\." ends with a dot/),
    ]);
    expect(allowlistDestination(['docker.io/acme/*', 'Docker.IO/library/nginx'])).toEqual([]);
    // Only the allowlist reads a path: the destinations lists stay host globs and CIDRs.
    expect(internal(['ghcr.io/acme/*'])).toEqual([
      expect.objectContaining({ keyPath: 'correlator.destinations.internal[0]' }),
    ]);
  });

  it('a host or address written with its port is an error naming its key: destinations are matched without one', () => {
    // `harbor.corp.example:8443` as an internal registry used to be taken as a host glob no push ever matches
    // (a push's host comes without its port): the registry stayed unclassed, its pushes unseen.
    const values = ['harbor.corp.example:8443', '*.corp.example:443', '10.0.0.5:5000', '[fd00::1]:443', '[fd00::1]'];
    const problems = internal(values);
    expect(problems.map((p) => p.keyPath)).toEqual(values.map((_, i) => `correlator.destinations.internal[${i}]`));
    expect(problems[0]?.message).toBe(
      'expected a host glob or an IP CIDR; a destination is matched without its port: write "harbor.corp.example" (got "harbor.corp.example:8443")',
    );
    expect(problems[2]?.message).toMatch(/write "10\.0\.0\.5"/);
    expect(problems[3]?.message).toMatch(/write "fd00::1"/);
    expect(
      configProblems({ allowlist: [{ destination: 'registry.corp.example:5000', reason: 'x' }] })[0]?.keyPath,
    ).toBe('allowlist[0].destination');
  });
});
