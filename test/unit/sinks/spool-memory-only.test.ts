/**
 * Alerts the disk refused to spool are held in memory only. They stayed there even after the disk took
 * writes again (written only by a compaction, which may never come): a restart hours later lost them. Now
 * they are written at the next good write; and those still in memory only when the spool closes are lost
 * with the process: counted in exfilwatch_alert_spool_dropped_total and logged, not silently.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPOOL_FILE, Spool } from '../../../src/sinks/nats/spool.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { bounds, fileHandlePrototype } from './spool-disk.js';

let dir: string;
let metrics: Metrics;
const deps = () => ({ logger: silentLogger(), metrics });
const item = (n: number) => ({ id: `a-${n}`, severity: 'high' as const, rule: 'r', payload: `{"id":"a-${n}"}` });
const droppedHigh = async () =>
  (await metrics.alertSpoolDropped.get()).values.find((v) => v.labels.severity === 'high')?.value ?? 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-memonly-'));
  metrics = createMetrics();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** FileHandle.write fails while `failing()` says so (EIO). */
async function writesFail(failing: () => boolean): Promise<void> {
  const proto = await fileHandlePrototype(dir);
  const write = proto.write;
  vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
    if (failing()) return Promise.reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
    return write.apply(this, args);
  });
}

describe('Spool: alerts held in memory only', () => {
  it('are written to the file once the disk takes writes again, so a SIGKILL after that loses none', async () => {
    let failing = false;
    await writesFail(() => failing);
    const spool = await Spool.open({ dir, ...bounds }, deps());
    failing = true;
    expect(await spool.append(item(1))).toBe(true);
    expect((await metrics.alertSpoolWriteFailures.get()).values[0]?.value).toBe(1);
    failing = false;
    expect(await spool.append(item(2))).toBe(true);
    expect(await spool.append(item(3))).toBe(true);
    // What a restart right now (SIGKILL, no close) reads.
    const onDisk = readFileSync(join(dir, SPOOL_FILE), 'utf8');
    for (const id of ['a-1', 'a-2', 'a-3']) expect(onDisk).toContain(`"id":"${id}"`);
    await spool.close();
    const again = await Spool.open({ dir, ...bounds }, deps());
    expect([...again.values()].map((e) => e.id)).toEqual(['a-1', 'a-2', 'a-3']);
    await again.close();
    expect(await droppedHigh()).toBe(0);
  });

  it('still undelivered and unwritable at close, are counted as dropped (lost with the process)', async () => {
    let failing = false;
    await writesFail(() => failing);
    const spool = await Spool.open({ dir, ...bounds }, deps());
    expect(await spool.append(item(1))).toBe(true);
    failing = true;
    expect(await spool.append(item(2))).toBe(true);
    expect(await spool.append(item(3))).toBe(true);
    spool.remove(3); // delivered: not lost
    await spool.close();
    expect(await droppedHigh()).toBe(1);
  });
});
