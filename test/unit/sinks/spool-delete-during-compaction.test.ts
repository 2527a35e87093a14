/**
 * An alert acked while a compaction runs: its add record is already in the rewritten file, and its delete
 * record waits in the writer's queue. The compaction dropped every queued delete as "already reflected in
 * the rewritten file", so the delivered alert stayed live on disk (re-sent at the next start, past the
 * broker's de-duplication window), and the spool file held live records with the gauge at 0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPOOL_FILE, Spool } from '../../../src/sinks/nats/spool.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { bounds } from './spool-disk.js';

let dir: string;
const deps = () => ({ logger: silentLogger(), metrics: createMetrics() });
const item = (n: number) => ({ id: `a-${n}`, severity: 'high' as const, rule: 'r', payload: `{"id":"a-${n}"}` });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-del-compact-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Seqs with an add record and no delete record after it, as a restart reads the file. */
function liveOnDisk(): number[] {
  const live = new Set<number>();
  for (const line of readFileSync(join(dir, SPOOL_FILE), 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { op: string; seq: number };
    if (r.op === 'add') live.add(r.seq);
    else live.delete(r.seq);
  }
  return [...live];
}

describe('Spool: a delete queued while a compaction runs', () => {
  it('reaches the file: the alerts acked mid-compaction are not live in it', async () => {
    const spool = await Spool.open({ dir, ...bounds, compactAfterDeletes: 2 }, deps());
    const seqs: number[] = [];
    spool.onAppend = (e) => seqs.push(e.seq);
    for (let n = 1; n <= 6; n++) await spool.append(item(n));
    // The compaction's temp file is chmod'ed after its records are written (spool-compact.ts): acks that
    // arrive then are of entries the new file holds.
    const { open } = await import('node:fs/promises');
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { chmod(mode: number): Promise<void> };
    await probe.close();
    const chmod = proto.chmod;
    let compactions = 0;
    vi.spyOn(proto, 'chmod').mockImplementation(function (this: unknown, mode: number) {
      if (compactions++ === 0) for (const seq of seqs.slice(4)) spool.remove(seq);
      return chmod.call(this, mode);
    });
    // 4 deletes against 2 live: a compaction is due after their commit.
    for (const seq of seqs.slice(0, 4)) spool.remove(seq);
    await vi.waitFor(() => expect(compactions).toBeGreaterThanOrEqual(1));
    await spool.close();
    expect(spool.size).toBe(0);
    expect(liveOnDisk()).toEqual([]);
    const again = await Spool.open({ dir, ...bounds }, deps());
    expect(again.size).toBe(0);
    await again.close();
  });
});
