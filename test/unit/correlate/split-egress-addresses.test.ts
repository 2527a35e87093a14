/**
 * Bytes several processes send to one host add up whatever address each used (round robin, a host
 * exfilwatch's DNS never resolved, offline scan with no DNS at all): one push, not one per address.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, runResolved, Scenario, TEST_DNS } from './builder.js';

const KiB = 1024;

/** `count` uploader processes (not a push tool) each sending `bytes` to `ips[i % ips.length]:443`; argv names `url`. */
function split(s: Scenario, url: string, ips: string[], count: number, bytes: number) {
  const c = s.container({ namespace: 'shop', pod: 'orders-7d9f' });
  const sh = s.exec(c, '/bin/sh', `-c "for p in /tmp/parts/*; do /opt/sync/uploader ${url} $p; done"`, {
    parent: s.init(c),
  });
  s.readMany(sh, '/srv/exports', 80, 1024 * KiB);
  for (let i = 0; i < count; i++) {
    const p = s.exec(c, '/opt/sync/uploader', `${url} /tmp/parts/part-${i}`, { parent: sh });
    const ip = ips[i % ips.length]!;
    s.connect(p, ip, 443, { cookie: String(9000 + i) });
    for (let k = 0; k < 4; k++) s.wait(5).send(p, null, null, bytes / 4, { cookie: String(9000 + i) });
    s.exit(p).wait(100);
  }
}

describe('egress split over processes to several addresses of one host', () => {
  it('offline scan (no DNS): 12 × 800 KiB to ghcr.io over its 4 round-robin addresses is a push', () => {
    const s = new Scenario();
    split(
      s,
      'https://ghcr.io/v2/acme/blobs/uploads/',
      ['140.82.112.33', '140.82.113.33', '140.82.114.33', '140.82.116.33'],
      12,
      800 * KiB,
    );
    expect(brief(run(s.events).alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'uploader', destination: 'ghcr.io' },
    ]);
  });

  it('live, DNS gave one address and the pod another: 6 × 300 KiB alternating is a push', async () => {
    const s = new Scenario();
    split(s, 'https://ghcr.io/v2/acme/blobs/uploads/', [TEST_DNS['ghcr.io']![0]!, '140.82.121.34'], 6, 300 * KiB);
    expect(brief((await runResolved(s.events)).alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'uploader', destination: 'ghcr.io' },
    ]);
  });

  it('live, a registry configured by a suffix glob (*.dkr.ecr.*.amazonaws.com, never resolved): 12 × 800 KiB over 3 addresses is a push', async () => {
    const s = new Scenario();
    split(
      s,
      'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/loot/blobs/uploads/',
      ['3.216.1.10', '3.216.2.20', '52.0.3.30'],
      12,
      800 * KiB,
    );
    expect(brief((await runResolved(s.events)).alerts)).toEqual([
      {
        rule: 'bulk-read-then-push',
        severity: 'high',
        tool: 'uploader',
        destination: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      },
    ]);
  });
});
