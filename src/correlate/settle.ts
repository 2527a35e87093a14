/**
 * Writes, once per isolate and before anything is optimized, the fields that most state objects never
 * change but a few do, seconds or minutes into a stream.
 *
 * V8 treats an object field as constant (and of the type it was first given) until some object of that
 * shape writes it again, and the optimized code of every function that read it relies on that. The first
 * process that gets its rare fields or is dropped, the first container with a pending push, the first
 * push due on a node, the first destination classified after its creation: each threw away the
 * optimized correlator (ingest's `one`, the read path's `record`, `containerOf`, `destOf`, the
 * constructors...) well after it was compiled, to be compiled again (docs/scan.md, "JIT stability").
 * Written here on throwaway objects, those fields are settled while nothing depends on them.
 */
import { ContainerState, newDest, newNodeState, ProcState, type PushEpisode } from './state.js';

let settled = false;

export function settleShapes(): void {
  if (settled) return;
  settled = true;
  const node = newNodeState('');
  node.nextDueMs = 0;
  const c = new ContainerState('', { id: '', name: null, image: null }, null, node, 0.5);
  // Any object will do: only the fields' own values change (from the shared empty list, from null).
  c.addPending({} as PushEpisode);
  c.sensitive = [];
  c.archives = [];
  const p = new ProcState(null, null, null, null, c, node, 0.5, false, null, false);
  p.more();
  p.dropped = true;
  // Each field is given every kind of value it will hold (a port or none, a time kept as nanoseconds or as
  // its string), all of them tagged: a number field moved to a double later (Smi to double) would make a
  // new shape and leave this literal's stale, the very churn this avoids.
  const d = newDest('', 0, null, null, 0, 0.5);
  d.port = null;
  d.host = '';
  d.cls = '';
  d.time = '';
}
