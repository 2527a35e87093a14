/**
 * A push that sends bulk data with no notable reads before it: the data was read before the window
 * (staged, committed an hour earlier), or in ways the sensor cannot size (mmap with Falco). What left is
 * the evidence then: medium, not the low notice every push gets.
 */
import { describe, expect, it } from 'vitest';
import { brief, MiB, run, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';

/** `git push` over https sending `bytes`, `readsAgoMs` after `files` × 4 MiB were read in the container. */
function pushAfter(bytes: number, readsAgoMs: number | null, files = 24) {
  const s = new Scenario();
  const c = s.container({ namespace: 'payments', pod: 'billing-api-7d9', name: 'api' });
  const sh = s.init(c);
  if (readsAgoMs !== null) {
    const add = s.exec(c, '/usr/bin/git', 'add -A', { parent: sh });
    for (let i = 0; i < files; i++) s.read(add, `/srv/exports/part-${i}.csv`, 4 * MiB);
    s.exit(add).wait(readsAgoMs);
  }
  const url = 'https://github.com/acme-archive/exports.git';
  const push = s.exec(c, '/usr/bin/git', `push ${url} HEAD:main`, { parent: sh });
  s.wait(20);
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: push });
  s.wait(20).connect(helper, GITHUB_IP, 443, { cookie: '5' }).wait(10);
  for (let sent = 0; sent < bytes; sent += 4 * MiB) {
    s.send(helper, GITHUB_IP, 443, Math.min(4 * MiB, bytes - sent), { cookie: '5' }).wait(50);
  }
  s.exit(helper).exit(push);
  return s;
}

describe('a push that sends bulk data with no notable reads before it', () => {
  it('is medium bulk-push-without-reads: data staged before the window (git add an hour earlier)', () => {
    const { alerts } = run(pushAfter(96 * MiB, 3_600_000).events);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-push-without-reads', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.egressBytes).toBe(96 * MiB);
    expect(alerts[0]!.reads.bytes).toBe(0);
    expect(alerts[0]!.summary).toContain('no notable reads before it; 96.0 MiB sent');
  });

  it('is medium with nothing read at all', () => {
    expect(brief(run(pushAfter(64 * MiB, null).events).alerts)).toEqual([
      { rule: 'bulk-push-without-reads', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('is medium with reads under the moderate thresholds, and its summary says what was sent', () => {
    const { alerts } = run(pushAfter(96 * MiB, 60_000, 1).events);
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-push-without-reads', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
    expect(alerts[0]!.summary).toContain('after reading 4.0 MiB in 1 file within 30 min; 96.0 MiB sent');
  });

  it('stays the low notice under bulkEgressBytes', () => {
    expect(brief(run(pushAfter(60 * MiB, null).events).alerts)).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
    ]);
  });

  it('is still bulk-read-then-push when the reads are in the window', () => {
    expect(brief(run(pushAfter(96 * MiB, 60_000).events).alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
  });
});
