/**
 * A full disk at start: the spool's compaction at open (a rewritten copy) cannot be written. That used to
 * reject Spool.open, so the NATS sink refused to start (exit 2, again at every restart): the spooled alerts
 * were never delivered and nothing was watched. Now the file is kept as it is, cut back past a torn record,
 * and appended to; the failure is counted and logged. Alerts the bounds dropped at that start stayed live in
 * the file and were counted as dropped again at every start: now they are marked deleted where they stand.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPOOL_FILE, Spool } from '../../../src/sinks/nats/spool.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { metricSum } from '../../helpers/metric-sum.js';
import { bounds, fileHandlePrototype, addRecord as record } from './spool-disk.js';

let dir: string;
let metrics: Metrics;
const deps = () => ({ logger: silentLogger(), metrics });
const ids = (s: Spool) => [...s.values()].map((e) => e.id);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-full-'));
  metrics = createMetrics();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Every FileHandle write fails as on a full disk, until the returned function is called. */
async function diskFull(): Promise<() => void> {
  const proto = await fileHandlePrototype(dir);
  const spy = vi
    .spyOn(proto, 'write')
    .mockRejectedValue(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  return () => spy.mockRestore();
}

/**
 * A full disk as ext4 or tmpfs has one: nothing can grow (appends, a new file's contents), but bytes already
 * in a file can be overwritten in place (a positioned write).
 */
async function diskFullButOverwrites(): Promise<() => void> {
  const proto = await fileHandlePrototype(dir);
  const write = proto.write;
  const spy = vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
    if (typeof args[3] === 'number') return write.apply(this, args);
    return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  });
  return () => spy.mockRestore();
}

const droppedCount = (m: Metrics) => metricSum(m.alertSpoolDropped);

/** A nearly full copy-on-write disk: no write in place, and room for a few bytes but not a copy of the spool. */
async function diskNearlyFullCopyOnWrite(): Promise<() => void> {
  const proto = await fileHandlePrototype(dir);
  const write = proto.write;
  const spy = vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const small = args[0] instanceof Uint8Array && args[0].length <= 64;
    if (small && typeof args[3] !== 'number') return write.apply(this, args);
    return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  });
  return () => spy.mockRestore();
}

describe('Spool.open on a full disk', () => {
  it('counts the alerts over the bounds once: they are marked dropped in the file the compaction could not rewrite', async () => {
    // Five spooled alerts, and bounds lowered to three across the restart: the two oldest are dropped.
    writeFileSync(join(dir, SPOOL_FILE), [1, 2, 3, 4, 5].map(record).join(''));
    const lowered = { maxMessages: 3, maxBytes: 1 << 20 };
    const freeSpace = await diskFullButOverwrites();
    const spool = await Spool.open({ dir, ...lowered }, deps());
    expect(ids(spool)).toEqual(['a-3', 'a-4', 'a-5']);
    expect(await droppedCount(metrics)).toBe(2);
    expect((await metrics.alertSpoolWriteFailures.get()).values[0]?.value).toBe(1);
    await spool.close();

    // The compaction failed, so they were still in the file, live: the next start dropped and counted them again.
    freeSpace();
    for (const bounds of [lowered, { maxMessages: 100, maxBytes: 1 << 20 }]) {
      metrics = createMetrics();
      const again = await Spool.open({ dir, ...bounds }, deps());
      expect(ids(again)).toEqual(['a-3', 'a-4', 'a-5']);
      expect(await droppedCount(metrics)).toBe(0);
      await again.close();
    }
  });

  it('records the drops as delete records where they cannot be marked in place', async () => {
    writeFileSync(join(dir, SPOOL_FILE), [1, 2, 3, 4, 5].map(record).join(''));
    const lowered = { maxMessages: 3, maxBytes: 1 << 20 };
    const freeSpace = await diskNearlyFullCopyOnWrite();
    const spool = await Spool.open({ dir, ...lowered }, deps());
    expect(await droppedCount(metrics)).toBe(2);
    await spool.close();
    freeSpace();
    expect(readFileSync(join(dir, SPOOL_FILE), 'utf8')).toContain('{"op":"del","seq":2}');
    metrics = createMetrics();
    const again = await Spool.open({ dir, ...lowered }, deps());
    expect(ids(again)).toEqual(['a-3', 'a-4', 'a-5']);
    expect(await droppedCount(metrics)).toBe(0);
    await again.close();
  });

  it('loads the spooled alerts, cuts a torn last record, and appends once there is room', async () => {
    const path = join(dir, SPOOL_FILE);
    // Two live alerts, one delivered (so compaction has work to do), and a record torn by a crash.
    writeFileSync(path, `${record(1)}${record(2)}{"op":"del","seq":1}\n${record(3)}{"op":"add","seq":4,"id":"a-`);
    const whole = readFileSync(path, 'utf8').lastIndexOf('\n') + 1;

    const freeSpace = await diskFull();
    const spool = await Spool.open({ dir, ...bounds }, deps());
    expect(ids(spool)).toEqual(['a-2', 'a-3']);
    expect((await metrics.alertSpoolWriteFailures.get()).values[0]?.value).toBe(1);
    expect(readFileSync(path, 'utf8').length).toBe(whole);
    expect(existsSync(`${path}.tmp`)).toBe(false);

    freeSpace();
    await spool.append({ id: 'a-5', severity: 'high', rule: 'r', payload: '{"id":"a-5"}' });
    await spool.close();
    const again = await Spool.open({ dir, ...bounds }, deps());
    expect(ids(again)).toEqual(['a-2', 'a-3', 'a-5']);
    await again.close();
  });
});
