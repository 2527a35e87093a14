import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Severity } from '../../../src/model/alert.js';
import { SPOOL_FILE, Spool } from '../../../src/sinks/nats/spool.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics, type Metrics } from '../../../src/telemetry/metrics.js';

let dir: string;
let metrics: Metrics;
const deps = () => ({ logger: silentLogger(), metrics });
const item = (n: number, severity: Severity = 'high') => ({
  id: `a-${n}`,
  severity,
  rule: 'bulk-read-then-push',
  payload: JSON.stringify({ id: `a-${n}`, severity, n }),
});
const ids = (s: Spool) => [...s.values()].map((e) => e.id);
const gauge = async (m: Metrics) => (await m.alertSpoolMessages.get()).values[0]?.value;
const dropped = async (m: Metrics, severity: string) =>
  (await m.alertSpoolDropped.get()).values.find((v) => v.labels.severity === severity)?.value ?? 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exfilwatch-spool-'));
  metrics = createMetrics();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('Spool', () => {
  it('keeps entries in append order and removes delivered ones', async () => {
    const spool = await Spool.open({ dir, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    await Promise.all([1, 2, 3, 4, 5].map((n) => spool.append(item(n))));
    expect(ids(spool)).toEqual(['a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
    spool.remove(spool.head()!.seq);
    expect(ids(spool)).toEqual(['a-2', 'a-3', 'a-4', 'a-5']);
    expect(await gauge(metrics)).toBe(4);
    await spool.close();
  });

  it('fdatasyncs before an append resolves, and creates the file 0600 in a 0700 dir', async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const order: string[] = [];
    const original = proto.datasync;
    vi.spyOn(proto, 'datasync').mockImplementation(function (this: unknown) {
      order.push('datasync');
      return original.call(this);
    });
    const sub = join(dir, 'spool');
    const spool = await Spool.open({ dir: sub, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    order.length = 0;
    await spool.append(item(1)).then(() => order.push('resolved'));
    expect(order).toEqual(['datasync', 'resolved']);
    // Durable means another reader sees it now, without close().
    expect(readFileSync(join(sub, SPOOL_FILE), 'utf8')).toContain('"id":"a-1"');
    expect(statSync(join(sub, SPOOL_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(sub).mode & 0o777).toBe(0o700);
    await spool.close();
  });

  it('recovers pending entries after a restart (without close), in order, skipping a torn last line', async () => {
    const first = await Spool.open({ dir, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    for (const n of [1, 2, 3, 4]) await first.append(item(n));
    first.remove(first.head()!.seq);
    await first.append(item(5)); // the delete record rides on this commit
    // Simulate a crash mid-write: a torn record at the end.
    appendFileSync(join(dir, SPOOL_FILE), '{"op":"add","seq":99,"id":"torn","sev');
    const second = await Spool.open({ dir, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    expect(ids(second)).toEqual(['a-2', 'a-3', 'a-4', 'a-5']);
    expect(JSON.parse(second.head()!.payload)).toEqual({ id: 'a-2', severity: 'high', n: 2 });
    // New appends continue after the recovered ones.
    await second.append(item(6));
    expect(ids(second).at(-1)).toBe('a-6');
    const seqs = [...second.values()].map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(await gauge(metrics)).toBe(5);
    await second.close();
    expect(statSync(join(dir, SPOOL_FILE)).mode & 0o777).toBe(0o600);
  });

  it('when full drops the oldest info/low alerts first, then the oldest overall, counting each', async () => {
    const spool = await Spool.open({ dir, maxMessages: 4, maxBytes: 1 << 20 }, deps());
    await spool.append(item(1, 'critical'));
    await spool.append(item(2, 'low'));
    await spool.append(item(3, 'high'));
    await spool.append(item(4, 'info'));
    await spool.append(item(5, 'high')); // evicts a-2 (oldest info/low)
    expect(ids(spool)).toEqual(['a-1', 'a-3', 'a-4', 'a-5']);
    await spool.append(item(6, 'medium')); // evicts a-4 (info)
    expect(ids(spool)).toEqual(['a-1', 'a-3', 'a-5', 'a-6']);
    await spool.append(item(7, 'critical')); // no info/low left: oldest overall (a-1)
    expect(ids(spool)).toEqual(['a-3', 'a-5', 'a-6', 'a-7']);
    // An incoming low alert when no info/low is spooled is itself the oldest low one: it goes.
    expect(await spool.append(item(8, 'low'))).toBe(false);
    expect(ids(spool)).toEqual(['a-3', 'a-5', 'a-6', 'a-7']);
    expect(await dropped(metrics, 'low')).toBe(2);
    expect(await dropped(metrics, 'info')).toBe(1);
    expect(await dropped(metrics, 'critical')).toBe(1);
    await spool.close();
    // The drops are durable too.
    const again = await Spool.open({ dir, maxMessages: 4, maxBytes: 1 << 20 }, deps());
    expect(ids(again)).toEqual(['a-3', 'a-5', 'a-6', 'a-7']);
    await again.close();
  });

  it('bounds bytes as well as messages and never evicts entries being published', async () => {
    const size = Buffer.byteLength(item(1).payload);
    const spool = await Spool.open({ dir, maxMessages: 100, maxBytes: size * 3 }, deps());
    for (const n of [1, 2, 3]) await spool.append(item(n, 'info'));
    spool.setBusy(spool.head()!.seq, true);
    await spool.append(item(4, 'high'));
    expect(ids(spool)).toEqual(['a-1', 'a-3', 'a-4']);
    expect(spool.bytes).toBeLessThanOrEqual(size * 3);
    await spool.close();
  });

  it('compacts the file once deletes dominate, keeping live entries', async () => {
    const spool = await Spool.open({ dir, maxMessages: 1000, maxBytes: 1 << 22, compactAfterDeletes: 10 }, deps());
    for (let n = 1; n <= 50; n++) await spool.append(item(n));
    const before = statSync(join(dir, SPOOL_FILE)).size;
    for (let n = 1; n <= 45; n++) spool.remove(spool.head()!.seq);
    await spool.append(item(51));
    await spool.close();
    const text = readFileSync(join(dir, SPOOL_FILE), 'utf8');
    expect(statSync(join(dir, SPOOL_FILE)).size).toBeLessThan(before);
    expect(text).not.toContain('"op":"del"');
    const again = await Spool.open({ dir, maxMessages: 1000, maxBytes: 1 << 22 }, deps());
    expect(ids(again)).toEqual(['a-46', 'a-47', 'a-48', 'a-49', 'a-50', 'a-51']);
    await again.close();
  });

  it('keeps the file within about twice maxBytes however many alerts pass through it (broker flapping for days)', async () => {
    const maxBytes = 8 * 1024;
    const spool = await Spool.open({ dir, maxMessages: 1000, maxBytes }, deps());
    const padded = (n: number) => ({ ...item(n), payload: JSON.stringify({ id: `a-${n}`, pad: 'x'.repeat(1000) }) });
    let largest = 0;
    // Each cycle: a few alerts spooled while the broker is away, then acked and deleted once it is back.
    for (let n = 1; n <= 400; n += 4) {
      for (let k = 0; k < 4; k++) await spool.append(padded(n + k));
      for (let k = 0; k < 4; k++) spool.remove(spool.head()!.seq);
      await spool.append(padded(100_000 + n)); // the writer has run: the deletes are on disk
      spool.remove(spool.head()!.seq);
      largest = Math.max(largest, statSync(join(dir, SPOOL_FILE)).size);
    }
    await spool.close();
    // 500 alerts of ~1 KB went through; a count-only trigger (1000 deletes) let the file reach ~570 KB.
    expect(largest).toBeLessThanOrEqual(2 * maxBytes + 4 * 1024);
  });

  it('applies lowered bounds to what it recovers', async () => {
    writeFileSync(
      join(dir, SPOOL_FILE),
      [1, 2, 3]
        .map(
          (n) =>
            `{"op":"add","seq":${n},"id":"a-${n}","severity":"${n === 2 ? 'low' : 'high'}","rule":"r","alert":{"n":${n}}}\n`,
        )
        .join(''),
    );
    const spool = await Spool.open({ dir, maxMessages: 2, maxBytes: 1 << 20 }, deps());
    expect(ids(spool)).toEqual(['a-1', 'a-3']);
    expect(await dropped(metrics, 'low')).toBe(1);
    await spool.close();
  });

  it('a short write (disk full) keeps the alert in memory only, counted, and leaves no torn record behind', async () => {
    const spool = await Spool.open({ dir, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    await spool.append(item(1));
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { write(...args: unknown[]): Promise<{ bytesWritten: number }> };
    await probe.close();
    const original = proto.write;
    let tripped = false;
    vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [buf] = args;
      if (!tripped && Buffer.isBuffer(buf) && buf.length > 20) {
        tripped = true;
        // What a full disk does: part of the bytes, and no error.
        return original.call(this, buf.subarray(0, 20));
      }
      return original.apply(this, args);
    });
    // Still deliverable while the broker is up: live for the publisher, not on disk.
    await expect(spool.append(item(2))).resolves.toBe(true);
    await spool.append(item(3));
    expect(ids(spool)).toEqual(['a-1', 'a-2', 'a-3']);
    expect((await metrics.alertSpoolWriteFailures.get()).values[0]?.value).toBe(1);
    spool.remove(2); // delivered: its delete record names a seq the file never had
    await spool.close();
    const lines = readFileSync(join(dir, SPOOL_FILE), 'utf8').trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const again = await Spool.open({ dir, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    expect(ids(again)).toEqual(['a-1', 'a-3']);
    await again.close();
  });

  it('a disk that refuses every write (EROFS) still hands alerts to the publisher, within the bounds', async () => {
    const spool = await Spool.open({ dir, maxMessages: 2, maxBytes: 1 << 20 }, deps());
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { write(...args: unknown[]): Promise<{ bytesWritten: number }> };
    await probe.close();
    vi.spyOn(proto, 'write').mockRejectedValue(
      Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }),
    );
    for (const n of [1, 2, 3]) await expect(spool.append(item(n, n === 1 ? 'low' : 'high'))).resolves.toBe(true);
    // The bound holds for memory-only alerts too: the low one made room.
    expect(ids(spool)).toEqual(['a-2', 'a-3']);
    expect(await dropped(metrics, 'low')).toBe(1);
    expect((await metrics.alertSpoolWriteFailures.get()).values[0]?.value).toBe(3);
    await spool.close();
  });

  it('a spool file deleted while running is written again with everything spooled', async () => {
    const spool = await Spool.open({ dir, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    await spool.append(item(1));
    await spool.append(item(2));
    rmSync(join(dir, SPOOL_FILE));
    await spool.append(item(3));
    await spool.close();
    const again = await Spool.open({ dir, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    expect(ids(again)).toEqual(['a-1', 'a-2', 'a-3']);
    await again.close();
  });

  it('a spool directory deleted while running is made again, with everything spooled', async () => {
    // Without it every write failed and the alerts lived only in the deleted file, lost at the next start.
    const sub = join(dir, 'spool');
    const spool = await Spool.open({ dir: sub, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    await spool.append(item(1));
    rmSync(sub, { recursive: true, force: true });
    await spool.append(item(2));
    await spool.append(item(3));
    await spool.close();
    expect(statSync(sub).mode & 0o777).toBe(0o700);
    const again = await Spool.open({ dir: sub, maxMessages: 100, maxBytes: 1 << 20 }, deps());
    expect(ids(again)).toEqual(['a-1', 'a-2', 'a-3']);
    await again.close();
  });
});
