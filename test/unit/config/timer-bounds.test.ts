/**
 * Keys that feed a timer are bounded: Node's timers cannot wait past 2^31-1 ms, and a longer value fired
 * after 1 ms instead, so `pollIntervalMs: 3000000000` passed check-config and then polled in a busy loop
 * printing a TimeoutOverflowWarning per turn. Each is now a config error naming the key.
 */
import { describe, expect, it } from 'vitest';
import { configProblems } from '../../../src/config/load.js';

const HUGE = 3_000_000_000;

const cases: Array<[string, Record<string, unknown>]> = [
  ['pipeline.shutdownTimeoutMs', { pipeline: { shutdownTimeoutMs: HUGE } }],
  ['sources.tetragonFile[0].pollIntervalMs', { sources: { tetragonFile: [{ path: '/x', pollIntervalMs: HUGE }] } }],
  ['sources.tetragonGrpc[0].reconnectMaxMs', { sources: { tetragonGrpc: [{ reconnectMaxMs: HUGE }] } }],
  ['sources.tetragonGrpc[0].reconnectMinMs', { sources: { tetragonGrpc: [{ reconnectMinMs: HUGE }] } }],
  ['sources.tetragonGrpc[0].connectTimeoutMs', { sources: { tetragonGrpc: [{ connectTimeoutMs: HUGE }] } }],
  [
    'sources.falcoGrpc[0].pollIntervalMs',
    { sources: { falcoGrpc: [{ address: 'unix:///run/falco/falco.sock', pollIntervalMs: HUGE }] } },
  ],
  [
    'sources.falcoGrpc[0].maxBackoffMs',
    { sources: { falcoGrpc: [{ address: 'unix:///run/falco/falco.sock', maxBackoffMs: HUGE }] } },
  ],
  ['sources.falcoHttp[0].keepAliveTimeoutMs', { sources: { falcoHttp: [{ keepAliveTimeoutMs: HUGE }] } }],
  ['sources.falcoHttp[0].requestTimeoutMs', { sources: { falcoHttp: [{ requestTimeoutMs: HUGE }] } }],
  ['sinks.nats.ackTimeoutMs', { sinks: { nats: { servers: ['nats://n:4222'], ackTimeoutMs: HUGE } } }],
  ['sinks.nats.reconnectTimeWaitMs', { sinks: { nats: { servers: ['nats://n:4222'], reconnectTimeWaitMs: HUGE } } }],
  ['sinks.nats.reconnectJitterMs', { sinks: { nats: { servers: ['nats://n:4222'], reconnectJitterMs: HUGE } } }],
  [
    'sinks.nats.stream.checkIntervalMs',
    { sinks: { nats: { servers: ['nats://n:4222'], stream: { checkIntervalMs: HUGE } } } },
  ],
  ['correlator.destinations.dnsRefreshMs', { correlator: { destinations: { dnsRefreshMs: HUGE } } }],
  ['correlator.destinations.dnsTimeoutMs', { correlator: { destinations: { dnsTimeoutMs: HUGE } } }],
];

describe('keys that drive a timer', () => {
  it.each(cases)('%s past a day is an error naming the key and why', (keyPath, raw) => {
    const problems = configProblems(raw);
    expect(problems.map((p) => p.keyPath)).toEqual([keyPath]);
    expect(problems[0]?.message).toMatch(/^at most 86400000 \(one day\): it is used as a timer.*\(got 3000000000\)$/);
  });

  it('a day itself is accepted', () => {
    expect(configProblems({ sources: { tetragonFile: [{ path: '/x', pollIntervalMs: 86_400_000 }] } })).toEqual([]);
  });
});

// A first reconnect delay above the longest one was accepted and then ignored: the backoff is capped at the
// maximum, so `reconnectMaxMs: 300` beside the default 500 ms minimum reconnected on neither value.
describe('a reconnect backoff whose first delay is above its longest', () => {
  it.each([
    ['sources.tetragonGrpc[0].reconnectMaxMs', { tetragonGrpc: [{ reconnectMaxMs: 300 }] }, /reconnectMinMs \(500\)/],
    [
      'sources.falcoGrpc[0].maxBackoffMs',
      { falcoGrpc: [{ address: 'unix:///run/falco/falco.sock', initialBackoffMs: 9_000, maxBackoffMs: 4_000 }] },
      /initialBackoffMs \(9000\)/,
    ],
  ])('is an error naming %s', (keyPath, sources, message) => {
    const problems = configProblems({ sources });
    expect(problems.map((p) => p.keyPath)).toEqual([keyPath]);
    expect(problems[0]!.message).toMatch(message);
  });

  it('an entry that is no object is one problem, the entry itself (a bare `-` in YAML is null)', () => {
    for (const entry of [null, 'unix:///x.sock', 7]) {
      expect(configProblems({ sources: { tetragonGrpc: [entry] } }).map((p) => p.keyPath)).toEqual([
        'sources.tetragonGrpc[0]',
      ]);
      expect(configProblems({ sources: { falcoGrpc: [entry] } }).map((p) => p.keyPath)).toEqual([
        'sources.falcoGrpc[0]',
      ]);
    }
  });

  it('equal delays are fine', () => {
    expect(configProblems({ sources: { tetragonGrpc: [{ reconnectMinMs: 700, reconnectMaxMs: 700 }] } })).toEqual([]);
  });
});
