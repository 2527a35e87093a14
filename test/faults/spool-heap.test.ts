/**
 * A long broker outage under the image's heap cap: the spool holds its alerts in memory as well as on
 * disk, so its bounds must fit the heap. Real processes with the chart's NODE_OPTIONS: one spools far more
 * alerts than fit, the next re-opens what the first left; and a spool file written under bounds larger than
 * the heap (a release whose default did not fit) is read back without running out of memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SPOOL_FILE } from '../../src/sinks/nats/spool.js';

const fixture = fileURLToPath(new URL('../fixtures/spool/long-outage.ts', import.meta.url));
const values = parse(readFileSync(new URL('../../deploy/helm/exfilwatch/values.yaml', import.meta.url), 'utf8')) as {
  nodeOptions: string;
};
const imageHeapFlags = values.nodeOptions.split(/\s+/);

interface Outcome {
  entries: number;
  bytes: number;
  maxBytes: number;
  dropped: number;
  heapLimit: number;
}

function run(dir: string, mode: 'fill' | 'recover', alerts = 0): Outcome {
  const child = spawnSync(
    process.execPath,
    [...imageHeapFlags, '--import', 'tsx', fixture, dir, mode, String(alerts)],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  expect(child.status, child.stderr.slice(-2000)).toBe(0);
  return JSON.parse(child.stdout.trim()) as Outcome;
}

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('NATS spool under the image heap cap', () => {
  it('spools a long outage within its default bounds and re-opens it, every drop counted', () => {
    dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-heap-'));
    // 60k alerts of ~2.5 kB: ~150 MB through the spool, more than the whole capped heap.
    const filled = run(dir, 'fill', 60_000);
    expect(filled.maxBytes).toBeLessThanOrEqual(filled.heapLimit / 4);
    expect(filled.bytes).toBeLessThanOrEqual(filled.maxBytes);
    expect(filled.bytes).toBeGreaterThan(filled.maxBytes * 0.9);
    expect(filled.entries + filled.dropped).toBe(60_000);

    const reopened = run(dir, 'recover');
    expect(reopened).toMatchObject({ entries: filled.entries, bytes: filled.bytes, dropped: 0 });
  });

  it('reads back a spool file far larger than its bounds and the heap, keeping what the bounds allow', () => {
    dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-heap-'));
    // As a spool with 256 MiB bounds leaves it after a long outage: ~200 MB of live records.
    const evidence = 'y'.repeat(2400);
    const lines: string[] = [];
    const total = 80_000;
    for (let seq = 1; seq <= total; seq++) {
      const severity = seq % 5 === 0 ? 'low' : 'high';
      lines.push(
        `{"op":"add","seq":${seq},"id":"old-${seq}","severity":"${severity}","rule":"bulk-read-then-push","alert":{"id":"old-${seq}","evidence":"${evidence}"}}\n`,
      );
    }
    writeFileSync(join(dir, SPOOL_FILE), lines.join(''));
    expect(statSync(join(dir, SPOOL_FILE)).size).toBeGreaterThan(190e6);

    const recovered = run(dir, 'recover');
    expect(recovered.bytes).toBeLessThanOrEqual(recovered.maxBytes);
    expect(recovered.entries + recovered.dropped).toBe(total);
    // Low alerts go first: with a fifth of them low and far more dropped than that, every low one is gone.
    const kept = readFileSync(join(dir, SPOOL_FILE), 'utf8').trim().split('\n');
    expect(kept).toHaveLength(recovered.entries);
    expect(kept.some((l) => l.includes('"severity":"low"'))).toBe(false);
    // Then the oldest overall: what is kept is the newest.
    const lastHigh = total % 5 === 0 ? total - 1 : total;
    expect(JSON.parse(kept.at(-1)!).seq).toBe(lastHigh);
    let firstKept = total + 1;
    for (let highs = 0; highs < recovered.entries; ) if (--firstKept % 5 !== 0) highs++;
    expect(JSON.parse(kept[0]!).seq).toBe(firstKept);
  });
});
