import { readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binLatency, formatStallReport, sampleThreads, stallReport } from '../../../bench/lib/latency-series.js';

/** 300 events 1 ms apart; those sent in [100, 130) ms wait 20 ms, the rest 1 ms (0.5 in transit). */
function series() {
  const t0 = 1_000_000;
  const n = 300;
  const sent = new Float64Array(n);
  const offered = new Float64Array(n);
  const correlated = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const wait = i >= 100 && i < 130 ? 20 : 1;
    sent[i] = t0 + i;
    offered[i] = sent[i]! + wait / 2;
    correlated[i] = sent[i]! + wait;
  }
  return { t0, s: binLatency(sent, offered, correlated, 10) };
}

describe('bench latency series', () => {
  it('reports a stall without thread times when the threads were not sampled, and says so', () => {
    const { s } = series();
    const r = stallReport(s, [], [], 42);
    expect(r.episodes).toHaveLength(1);
    expect(r.episodes[0]).toMatchObject({ fromMs: 100, toMs: 130, events: 30, maxMs: 20, main: null, others: null });
    const lines = formatStallReport(r);
    expect(lines[1]).toContain('threads not sampled (BENCH_THREAD_SAMPLES=1)');
    expect(lines[1]).not.toContain('main ran');
  });

  it('attributes a stall to the threads by the samples around it', () => {
    const { t0, s } = series();
    // [epoch ms, tid, run ms, wait ms, …]: the main thread (42) runs 5 ms and waits 25 over the episode.
    const samples = [
      [t0 + 90, 42, 100, 10, 43, 50, 0],
      [t0 + 200, 42, 105, 35, 43, 80, 4],
    ];
    const e = stallReport(s, [], samples, 42).episodes[0]!;
    expect(e.main).toEqual({ run: 5, wait: 25 });
    expect(e.worker).toEqual({ run: 30, wait: 4 });
    expect(formatStallReport(stallReport(s, [], samples, 42))[1]).toContain('main ran 5.0/waited 25 ms');
  });

  it('samples a live process: every thread of it, with times that only grow', async () => {
    // This test's own thread (/proc/thread-self is `<pid>/task/<tid>`), kept on a CPU for 40 ms of its time.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    const onCpuMs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
    const sampler = sampleThreads(process.pid, 5);
    const from = onCpuMs();
    const giveUpAt = Date.now() + 5_000;
    let x = 0;
    while (onCpuMs() - from < 40 && Date.now() < giveUpAt) x += Math.sqrt(x + 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const samples = sampler.stop();
    expect(x).toBeGreaterThan(0);
    expect(samples.length).toBeGreaterThan(2);
    const first = samples[0]!;
    const last = samples.at(-1)!;
    // Rows are [epoch ms, then tid, run ms, wait ms per thread].
    const tids = (row: number[]) => row.filter((_, i) => i > 0 && (i - 1) % 3 === 0);
    const runOf = (row: number[]) => row[1 + tids(row).indexOf(tid) * 3 + 1]!;
    expect(tids(first)).toContain(tid);
    expect(tids(first).length).toBeGreaterThan(1);
    expect(runOf(last) - runOf(first)).toBeGreaterThan(30);
    expect(sampler.stop()).toBe(samples); // stopping twice is harmless
  });
});
