/**
 * Writes, once per isolate and before anything is optimized, the fields that most state objects never
 * change but a few do, seconds or minutes into a stream.
 *
 * V8 treats an object field as constant (and of the type it was first given) until some object of that
 * shape writes it again, and the optimized code of every function that read it relies on that. The first
 * process that gets its rare fields or is dropped, the first container with a pending push, the first
 * push due on a node, the first destination classified after its creation, the first distinct-file
 * table to grow: each threw away the optimized correlator (ingest's `one`, the read path's `record`, `containerOf`, `destOf`, the
 * constructors...) well after it was compiled, to be compiled again (docs/scan.md, "JIT stability").
 * Written here on throwaway objects, those fields are settled while nothing depends on them.
 */
import { DistinctFiles, DistinctPools, EXACT_MAX, hashPath } from './distinct-files.js';
import { ContainerExemptions, ProcExemptions } from './exemption-state.js';
import { RecentExecs } from './pipeline.js';
import { ContainerState, newDest, newEgressSum, newNodeState, ProcState, type PushEpisode } from './state.js';

let settled = false;

export function settleShapes(): void {
  if (settled) return;
  settled = true;
  const node = newNodeState('');
  node.nextDueMs = 0;
  node.aheadRun = 1;
  node.aheadMinMs = 0.5;
  node.aheadMaxMs = 0.5;
  node.aheadNextMs = 0.5;
  node.runTopMs = 0.5;
  node.wallLagMs = 0.5;
  node.hot = false;
  const c = new ContainerState('', { id: '', name: null, image: null }, null, node, 0.5);
  // Any object will do: only the fields' own values change (from the shared empty list, from null).
  c.addPending({} as PushEpisode);
  c.firstMs = 0.25;
  // Its times move into a table of its own when it leaves the correlator's tables (./container-times.ts).
  c.detach();
  c.sensitive = [];
  c.archives = [];
  c.egress = [];
  // Made by the first bytes of each container or node's host processes (./dual-sensor.ts).
  c.byteLeads = new Float64Array(6);
  node.byteLeads = new Float64Array(6);
  const p = new ProcState(null, null, null, null, c, node, 0.5, false, null, false);
  // A member of a pipeline feeding a push (./pipeline.ts), and the execs a node remembers for that.
  p.more().pipeEp = new WeakRef({} as PushEpisode);
  p.more().pipeEp = null;
  // An archiver both sensors report, linked to its twin (./dual-sensor.ts).
  p.more().archiveTwin = p;
  p.more().archiveTwin = null;
  // A parent's children (./archive-extractions.ts noteSiblings).
  p.lastChild = { proc: p, x: null };
  // One that left the tables running (ProcState.drop).
  p.lastChild = { proc: null, x: null };
  p.lastChild = null;
  // What a CI/CD exemption keeps of a process or container (./exemption-state.ts): staging marks, reads kept aside.
  p.more().exempt = new ProcExemptions();
  p.more().exempt = null;
  c.exempt = new ContainerExemptions();
  c.exempt = null;
  node.recentExecs = new RecentExecs();
  node.recentExecs.add(p, 0.5);
  p.dropped = true;
  // Each field is given every kind of value it will hold (a port or none, a time kept as nanoseconds or as
  // its string), all of them tagged: a number field moved to a double later (Smi to double) would make a
  // new shape and leave this literal's stale, the very churn this avoids.
  const d = newDest('', 0, null, null, null, 0, 0.5);
  d.port = null;
  d.host = '';
  d.named = 'dns';
  d.byDaemon = true;
  d.bytesFromMs = 1.5;
  d.cls = '';
  d.time = '';
  // A container's egress sum: named or not, its counts doubles, a push made and forgotten.
  const sum = newEgressSum(null, '', 0, 0.5);
  sum.host = '';
  sum.port = null;
  sum.bytes = 0.5;
  sum.prevBytes = 0.5;
  sum.ep = {} as PushEpisode;
  sum.ep = null;
  sum.dests = [d];
  sum.dests = null;
  sum.destBytes = [0.5];
  sum.destBytes = null;
  sum.named = 'dns';
  sum.named = null;
  // A container's distinct-file table grows, turns into a sketch past EXACT_MAX files and moves on a
  // generation and then two: every field of it written again (real hashes and times, as the stream's).
  const files = new DistinctFiles(60_000, new DistinctPools());
  const t = Date.UTC(2025, 0, 1) + 0.5;
  for (let i = 0; i <= EXACT_MAX; i++) files.add(hashPath(`/settle/${i}`), t);
  files.add(hashPath('/settle/next'), t + 30_000);
  files.add(hashPath('/settle/later'), t + 120_000);
  // A container's first mapped file (ReadTracker.record), rare and late in most streams.
  c.mapped = files;
}
