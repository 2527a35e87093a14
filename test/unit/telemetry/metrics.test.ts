import { describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';

async function sourceUp(metrics: Metrics, source: string): Promise<number | undefined> {
  const { values } = await metrics.sourceUp.get();
  return values.find((v) => v.labels.source === source)?.value;
}

describe('exfilwatch_source_up across sources of one type', () => {
  it('says 1 only while every source of the type is up, and each Metrics counts its own sources', async () => {
    const metrics = createMetrics();
    const a = metrics.trackSourceUp('tetragon-grpc');
    expect(await sourceUp(metrics, 'tetragon-grpc')).toBe(0);
    const b = metrics.trackSourceUp('tetragon-grpc');
    a(true);
    expect(await sourceUp(metrics, 'tetragon-grpc')).toBe(0);
    b(true);
    expect(await sourceUp(metrics, 'tetragon-grpc')).toBe(1);
    a(false);
    expect(await sourceUp(metrics, 'tetragon-grpc')).toBe(0);

    const other = createMetrics();
    other.trackSourceUp('tetragon-grpc')(true);
    expect(await sourceUp(other, 'tetragon-grpc')).toBe(1);
    expect(await sourceUp(metrics, 'tetragon-grpc')).toBe(0);
  });
});
