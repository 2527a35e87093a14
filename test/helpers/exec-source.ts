/**
 * A source of synthetic `git push` exec events for the app's delivery tests: a stand-in for a busy sensor
 * whose events a test correlator turns into alerts.
 */
import type { NormalizedEvent } from '../../src/model/normalized-event.js';
import type { EventSource } from '../../src/sources/types.js';

const T0 = 1_700_000_000_000;

/** The n-th exec event (pid and exec id `n`, so a test correlator can derive alerts from it). */
export const gitPushExec = (n: number): NormalizedEvent => ({
  kind: 'exec',
  time: new Date(T0 + n).toISOString(),
  timeMs: T0 + n,
  source: 'tetragon',
  node: 'node-a',
  container: { id: 'c'.repeat(64), name: 'app', image: 'img' },
  pod: null,
  process: { execId: `e${n}`, parentExecId: null, pid: n, binary: '/usr/bin/git', args: 'push' },
});

/** One shell exec in one container: what the app tests' stand-in sources offer as "the real event". */
export const shellExec: NormalizedEvent = {
  kind: 'exec',
  time: new Date(T0).toISOString(),
  timeMs: T0,
  source: 'tetragon',
  node: 'node-a',
  container: { id: 'c'.repeat(64), name: 'app', image: 'img' },
  pod: null,
  process: { execId: 'e1', parentExecId: null, pid: 1, binary: '/bin/sh', args: null },
};

/**
 * Offers `count` events `chunk` at a time, `pauseMs` apart, then stays connected and idle until stopped.
 * `offered()` says how many it has offered so far.
 */
export function chunkedExecSource(o: {
  id: string;
  count: number;
  chunk: number;
  pauseMs: number;
}): EventSource & { offered: () => number } {
  let offered = 0;
  return {
    id: o.id,
    type: 'replay',
    offered: () => offered,
    async run(out, signal) {
      out.connection(true);
      while (!signal.aborted) {
        if (offered < o.count) for (let i = 0; i < o.chunk && offered < o.count; i++) out.offer(gitPushExec(offered++));
        await new Promise((r) => setTimeout(r, offered < o.count ? o.pauseMs : 50));
      }
    },
  };
}
