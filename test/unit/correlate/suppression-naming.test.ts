/**
 * A long-running uploader (not a push tool) named by its argv, whose connections land on many addresses of
 * one host, is one alert per suppression period: the key is the name and how it was learned, not the
 * addresses.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, Scenario } from './builder.js';

const MIN = 60_000;

/** One python process uploading 1.5 MiB every 5 minutes for `segments` segments, each over a fresh connection to ips[i % n]. */
function longSync(ips: string[], segments: number) {
  const s = new Scenario();
  const c = s.container({ namespace: 'ml', pod: 'model-sync-1' });
  const py = s.exec(
    c,
    '/usr/bin/python3',
    '/app/sync.py --registry https://123456789012.dkr.ecr.us-east-1.amazonaws.com/models',
    {
      parent: s.init(c),
    },
  );
  for (let i = 0; i < segments; i++) {
    const ip = ips[i % ips.length]!;
    const cookie = String(5000 + i);
    s.connect(py, ip, 443, { cookie });
    for (let k = 0; k < 6; k++) s.wait(2000).send(py, null, null, MiB / 4, { cookie });
    s.wait(5 * MIN);
  }
  return s;
}

describe('suppression of a non-tool push by egress by its addresses', () => {
  it('one address, 2 h of 5-minute uploads: one alert per suppression period (as before)', () => {
    const { alerts } = run(longSync(['52.0.0.1'], 24).events);
    expect(alerts.length).toBeLessThanOrEqual(2);
  });

  it('8 CDN addresses round robin, 2 h of 5-minute uploads: still one alert per suppression period', () => {
    const ips = Array.from({ length: 8 }, (_, i) => `52.0.0.${i + 1}`);
    const { alerts } = run(longSync(ips, 24).events);
    // Before 6db83c7: 2 (one per hour). After: one per address per hour.
    expect(alerts.map((a) => a.push.addresses.join(','))).toHaveLength(2);
  });
});
