/**
 * The bench's probe wraps a real source, and the app's start reads the wrapper: what it says of the source's
 * warm-up stream, of listening before the warm-up, and of its set-up must be the real source's. The wrapper
 * once passed on id, type and warmUp only: with the warm-up chosen by `warmUpStream`, the bench's Falco child
 * (live, as `run`) then ran with no warm-up at all, while saying it measured what ships.
 */
import { describe, expect, it } from 'vitest';
import { createProbe } from '../../../bench/lib/pipeline-probe.js';
import { createFalcoHttpSource, falcoHttpConfigSchema } from '../../../src/sources/falco-http/index.js';
import { createTetragonGrpcSource, tetragonGrpcConfigSchema } from '../../../src/sources/tetragon-grpc/index.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { warmsUp } from '../../../src/warm-up/at-start.js';

const deps = () => ({ logger: createLogger('silent'), metrics: createMetrics(), clock: { now: () => 0 }, node: 'n' });

describe('the bench probe around a real source', () => {
  it('passes on its warm-up stream, its listening before the warm-up and its set-up', () => {
    const falco = createFalcoHttpSource(falcoHttpConfigSchema.parse({ listen: '127.0.0.1:0' }), deps());
    const wrapped = createProbe(1).source(falco);
    expect(wrapped.warmUpStream).toBe('falco');
    expect(wrapped.pushedTo).toBe(true);
    expect(wrapped.started).toBe(falco.started);
    expect(warmsUp([wrapped])).toBe(true);

    const tetragon = createTetragonGrpcSource(
      tetragonGrpcConfigSchema.parse({ address: 'unix:///run/t.sock', worker: false }),
      deps(),
    );
    expect(createProbe(1).source(tetragon).warmUpStream).toBe('tetragon');
  });
});
