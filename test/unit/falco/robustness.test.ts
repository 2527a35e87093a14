/** Arbitrary field values and shapes: the normalizer returns an event, null, or a DecodeError — never anything else. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/errors.js';
import { normalizeFalco, parseFalcoJson } from '../../../src/formats/falco/index.js';
import { alertTextToResponse } from '../../../src/sensors-sim/falco-grpc-server.js';
import { responseToAlert } from '../../../src/sources/falco-grpc/index.js';
import { bodyKindOf, createRateLimiter, createSecretCheck } from '../../../src/sources/falco-http/guards.js';
import { connectAlert, execAlert, readAlert } from '../../fixtures/falco/events.js';

const FIELDS = [
  'evt.type',
  'evt.rawres',
  'evt.time',
  'fd.name',
  'fd.type',
  'fd.typechar',
  'fd.rip',
  'fd.rport',
  'fd.lip',
  'fd.lport',
  'fd.sip',
  'fd.sport',
  'proc.pid',
  'proc.ppid',
  'proc.vpid',
  'proc.exepath',
  'proc.cmdline',
  'proc.pcmdline',
  'container.id',
  'container.name',
  'container.image.repository',
  'container.image.tag',
  'k8s.ns.name',
  'k8s.pod.name',
  'k8s.pod.labels',
  'user.uid',
  'n_drops',
  'evt.arg.sig',
  'evt.arg.ret',
];
const anyValue = fc.oneof(
  fc.constantFrom(
    'execve',
    'read',
    'connect',
    'sendto',
    'close',
    'openat',
    'procexit',
    'write',
    'ipv4',
    'file',
    'host',
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
);

describe('falco normalizer robustness', () => {
  it('never throws anything but DecodeError, whatever the fields hold', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...FIELDS), anyValue),
        fc.oneof(fc.constant(undefined), fc.constantFrom('syscall', 'internal', 'k8s_audit', 'SYSCALL'), anyValue),
        fc.oneof(fc.constant('2026-01-01T00:00:00.5Z'), anyValue),
        (fields, source, time) => {
          try {
            const e = normalizeFalco(
              { rule: 'r', priority: 'Debug', output_fields: fields, source, time },
              { node: 'n' },
            );
            if (e !== null) {
              expect(Number.isFinite(e.timeMs)).toBe(true);
              if (e.kind !== 'gap') expect(e.container === null || typeof e.container.id === 'string').toBe(true);
            }
          } catch (err) {
            expect(err).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the gRPC conversion round-trips to the same event as the JSON form', () => {
    for (const text of [execAlert(), readAlert('/src/x', 7), connectAlert({ 'container.name': null })]) {
      const viaJson = normalizeFalco(parseFalcoJson(text), { node: 'n' });
      const viaGrpc = normalizeFalco(responseToAlert(alertTextToResponse(text)), { node: 'n' });
      expect(viaGrpc).toEqual(viaJson);
    }
  });
});

describe('falco-http guards', () => {
  it('rate limiter: a burst of one second, then refills with time', () => {
    let now = 0;
    const limiter = createRateLimiter(5, { now: () => now });
    expect(Array.from({ length: 7 }, () => limiter.take())).toEqual([true, true, true, true, true, false, false]);
    now += 400; // 2 tokens
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual([true, true, false]);
    expect(createRateLimiter(0, { now: () => 0 }).take()).toBe(true);
  });

  it('secret check: exact header, Bearer and Basic for authorization; anything else refused', () => {
    process.env.EXFILWATCH_UNIT_SECRET = 'hunter2';
    try {
      const auth = createSecretCheck({ header: 'authorization', valueEnv: 'EXFILWATCH_UNIT_SECRET' }, 'k');
      expect(auth({ authorization: 'Bearer hunter2' })).toBe(true);
      expect(auth({ authorization: `Basic ${Buffer.from('any:hunter2').toString('base64')}` })).toBe(true);
      expect(auth({ authorization: `Basic ${Buffer.from('hunter2:nope').toString('base64')}` })).toBe(false);
      expect(auth({ authorization: 'Bearer hunter3' })).toBe(false);
      expect(auth({})).toBe(false);
      const custom = createSecretCheck({ header: 'X-Token', valueEnv: 'EXFILWATCH_UNIT_SECRET' }, 'k');
      expect(custom({ 'x-token': 'hunter2' })).toBe(true);
      expect(custom({ 'x-token': 'Bearer hunter2' })).toBe(false);
    } finally {
      delete process.env.EXFILWATCH_UNIT_SECRET;
    }
  });

  it('content types', () => {
    expect(bodyKindOf('application/json; charset=utf-8')).toBe('json');
    expect(bodyKindOf('Application/X-NDJSON')).toBe('ndjson');
    expect(bodyKindOf('text/plain')).toBeNull();
    expect(bodyKindOf(undefined)).toBeNull();
  });
});
