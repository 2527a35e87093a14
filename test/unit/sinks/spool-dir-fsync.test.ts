/**
 * The directory fsync after a compaction's rename fails (an I/O error on the directory). The rename has
 * happened: the spool's name is the new file, and the old one is unlinked. Appends went on to the old
 * file's handle, so an alert reported durably spooled was in no file a restart reads (until the next
 * compaction noticed the unlinked file and copied it): a SIGKILL then lost it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPOOL_FILE, Spool } from '../../../src/sinks/nats/spool.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';
import { bounds, fileHandlePrototype, addRecord as record } from './spool-disk.js';

let dir: string;
let metrics: Metrics;
const deps = () => ({ logger: silentLogger(), metrics });
const item = (n: number) => ({ id: `a-${n}`, severity: 'high' as const, rule: 'r', payload: `{"id":"a-${n}"}` });
const writeFailures = async () => (await metrics.alertSpoolWriteFailures.get()).values[0]?.value ?? 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-dirsync-'));
  metrics = createMetrics();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** FileHandle.sync (only the directory fsync calls it; files get datasync) fails `times` times. */
async function dirFsyncFails(times: number): Promise<{ calls: () => number }> {
  const proto = await fileHandlePrototype(dir);
  const sync = proto.sync;
  let calls = 0;
  vi.spyOn(proto, 'sync').mockImplementation(function (this: unknown) {
    if (calls++ < times) return Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    return sync.call(this);
  });
  return { calls: () => calls };
}

describe('Spool: the directory fsync after a compaction fails', () => {
  it('appends to the file the rename put in place, so an alert reported spooled is read back after a SIGKILL', async () => {
    // Deleted records make the compaction at open rewrite the file.
    writeFileSync(join(dir, SPOOL_FILE), `${record(1)}{"op":"del","seq":1}\n${record(2)}`);
    const fsync = await dirFsyncFails(1);
    const spool = await Spool.open({ dir, ...bounds }, deps());
    expect(fsync.calls()).toBe(1);
    expect(await spool.append(item(3))).toBe(true);
    // What a restart right now (SIGKILL, no close) would read.
    const onDisk = readFileSync(join(dir, SPOOL_FILE), 'utf8');
    expect(onDisk).toContain('"id":"a-2"');
    expect(onDisk).toContain('"id":"a-3"');
    await spool.close();
    const again = await Spool.open({ dir, ...bounds }, deps());
    expect([...again.values()].map((e) => e.id)).toEqual(['a-2', 'a-3']);
    await again.close();
  });

  it('reports an append durable only once the directory is synced: while it fails, the alert is kept and counted', async () => {
    writeFileSync(join(dir, SPOOL_FILE), `${record(1)}{"op":"del","seq":1}\n${record(2)}`);
    await dirFsyncFails(2);
    const spool = await Spool.open({ dir, ...bounds }, deps());
    const failuresAtOpen = await writeFailures();
    expect(failuresAtOpen).toBe(1);
    // The retried directory fsync fails too: the append is not known durable (the rename may not survive a
    // crash), so it is kept in memory and counted like any refused write.
    expect(await spool.append(item(3))).toBe(true);
    expect(await writeFailures()).toBe(failuresAtOpen + 1);
    // The next one syncs the directory and is durable; both are in the file.
    expect(await spool.append(item(4))).toBe(true);
    expect(await writeFailures()).toBe(failuresAtOpen + 1);
    expect([...spool.values()].map((e) => e.id)).toEqual(['a-2', 'a-3', 'a-4']);
    const onDisk = readFileSync(join(dir, SPOOL_FILE), 'utf8');
    for (const id of ['a-2', 'a-3', 'a-4']) expect(onDisk).toContain(`"id":"${id}"`);
    await spool.close();
  });
});
