import { describe, expect, it } from 'vitest';
import { sourceFlagsToConfig } from '../../../src/cli/source-flags.js';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { EventType } from '../../../src/generated/tetragon/events.js';
import { backoffDelayMs } from '../../../src/pipeline/backoff.js';
import { tetragonFileConfigSchema } from '../../../src/sources/tetragon-file/index.js';
import {
  buildGetEventsRequest,
  parseTetragonAddress,
  tetragonGrpcConfigSchema,
} from '../../../src/sources/tetragon-grpc/index.js';

describe('Tetragon addresses', () => {
  it('accepts unix:///abs/path and host:port like the agent', () => {
    expect(parseTetragonAddress('unix:///var/run/tetragon/tetragon.sock')).toEqual({
      kind: 'unix',
      path: '/var/run/tetragon/tetragon.sock',
      target: 'unix:///var/run/tetragon/tetragon.sock',
    });
    expect(parseTetragonAddress('localhost:54321')).toMatchObject({ kind: 'tcp', host: 'localhost', port: 54321 });
    expect(parseTetragonAddress('[::1]:54321')).toMatchObject({ kind: 'tcp', host: '::1', port: 54321 });
  });

  it.each([
    'unix://relative.sock',
    '/var/run/tetragon/tetragon.sock',
    'localhost',
    'localhost:0',
    'h:99999',
    'http://x:1',
    '',
  ])('rejects %j', (bad) => {
    expect(parseTetragonAddress(bad)).toHaveProperty('error');
  });
});

describe('source flags → config', () => {
  it("puts entries into the raw config before validation, each flag type overriding the file's list", () => {
    const raw = sourceFlagsToConfig(
      {
        tetragon: ['unix:///run/t.sock', '127.0.0.1:54321'],
        tetragonFile: ['/var/log/tetragon/tetragon.log'],
        falcoHttp: ['0.0.0.0:2801'],
        falcoGrpc: ['unix:///run/falco/falco.sock'],
      },
      { sources: { tetragonGrpc: [{ address: 'unix:///other.sock' }] } },
    );
    expect(raw.sources).toEqual({
      tetragonGrpc: [{ address: 'unix:///run/t.sock' }, { address: '127.0.0.1:54321' }],
      tetragonFile: [{ path: '/var/log/tetragon/tetragon.log' }],
      falcoHttp: [{ listen: '0.0.0.0:2801' }],
      falcoGrpc: [{ address: 'unix:///run/falco/falco.sock' }],
    });
    const config = parseConfig(sourceFlagsToConfig({ tetragon: ['unix:///run/t.sock'] }, {}));
    expect(config.sources.tetragonGrpc).toEqual([
      {
        address: 'unix:///run/t.sock',
        policyNames: [],
        reconnectMinMs: 500,
        reconnectMaxMs: 4_000,
        connectTimeoutMs: 5_000,
        maxReceiveMessageBytes: 10 * 1024 * 1024,
      },
    ]);
  });

  it('a bad address names the flag', () => {
    expect(() => sourceFlagsToConfig({ tetragon: ['tetragon.sock'] }, {})).toThrow(ConfigError);
    expect(() => sourceFlagsToConfig({ tetragon: ['tetragon.sock'] }, {})).toThrow(/^--tetragon: expected unix/);
    expect(() => sourceFlagsToConfig({ falcoHttp: ['unix:///x'] }, {})).toThrow(/^--falco-http: expected HOST:PORT/);
    expect(() => sourceFlagsToConfig({ tetragon: ['h:1'] }, { sources: [] })).toThrow(/^sources: expected a mapping/);
  });

  it('config-file addresses are validated with their key path', () => {
    expect(() => parseConfig({ sources: { tetragonGrpc: [{ address: 'nope' }] } })).toThrow(
      /sources\.tetragonGrpc\[0\]\.address/,
    );
    expect(tetragonFileConfigSchema.parse({})).toEqual({
      path: '/var/run/cilium/tetragon/tetragon.log',
      startAt: 'end',
      pollIntervalMs: 250,
      maxLineBytes: 4 * 1024 * 1024,
    });
    expect(tetragonGrpcConfigSchema.parse({}).address).toBe('unix:///var/run/tetragon/tetragon.sock');
  });
});

describe('GetEvents request and reconnect backoff', () => {
  it('sends two ORed filters: lifecycle and throttling without policy names, policy events with them', () => {
    const req = buildGetEventsRequest(['sensitive-reads']);
    expect(req.allowList).toHaveLength(2);
    expect(req.allowList[0]).toMatchObject({
      eventSet: [EventType.PROCESS_EXEC, EventType.PROCESS_EXIT, EventType.PROCESS_THROTTLE],
      policyNames: [],
    });
    expect(req.allowList[1]).toMatchObject({
      eventSet: [EventType.PROCESS_KPROBE, EventType.PROCESS_TRACEPOINT, EventType.PROCESS_LSM],
      policyNames: ['sensitive-reads'],
    });
    expect(req.denyList).toEqual([]);
  });

  it('process_throttle events reach exfilwatch when policyNames is set: they carry no policy name, which a policy_names filter never matches', () => {
    // Tetragon's allow_list as the agent applies it (pkg/filters): filters are ORed, the fields of one are
    // ANDed; a set policy_names matches only events whose policy name is listed, and an event without one
    // (exec, exit, throttle) never. Losing the throttle START loses the only trace of --cgroup-rate drops,
    // so alerts over it were not `degraded`.
    const passes = (type: EventType, policyName: string) =>
      buildGetEventsRequest(['exfilwatch-file-reads', 'exfilwatch-tcp']).allowList.some(
        (f) =>
          (f.eventSet.length === 0 || f.eventSet.includes(type)) &&
          (f.policyNames.length === 0 || (policyName !== '' && f.policyNames.includes(policyName))),
      );
    expect(passes(EventType.PROCESS_THROTTLE, '')).toBe(true);
    expect(passes(EventType.PROCESS_EXEC, '')).toBe(true);
    expect(passes(EventType.PROCESS_EXIT, '')).toBe(true);
    expect(passes(EventType.PROCESS_KPROBE, 'exfilwatch-tcp')).toBe(true);
    expect(passes(EventType.PROCESS_KPROBE, 'someone-elses-policy')).toBe(false);
    expect(passes(EventType.PROCESS_LOADER, '')).toBe(false);
  });

  it('exponential with full jitter, capped', () => {
    expect(backoffDelayMs(0, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelayMs(3, 500, 30_000, () => 1)).toBe(4000);
    expect(backoffDelayMs(20, 500, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelayMs(20, 500, 30_000, () => 0.5)).toBe(15_000);
    expect(backoffDelayMs(5, 500, 30_000, () => 0)).toBe(125); // floor: never a hot loop
  });
});
