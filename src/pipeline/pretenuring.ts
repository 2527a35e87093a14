/**
 * Turns off V8's allocation-site pretenuring for the whole process (every isolate: the ingest worker's
 * too).
 *
 * Why: V8 watches, per allocation site, how many of the objects made there survive a scavenge; a site
 * whose objects all survive is switched to allocate straight into old space ("tenured") for the rest of
 * the process's life. Early in a stream the young generation is still small (1 MB per semi-space), so
 * two scavenges can fall inside the life of one batch of decoded events while the correlator meets
 * thousands of containers for the first time: every event of the batch is still referenced, and the
 * decoder's sites get tenured. From then on each decoded event (~750 bytes, dead after its batch) is
 * made in old space and dies there: ~150 MB promoted and 12-15 mark-compacts per 200k events instead of
 * ~15 MB and 1-2, each cycle a stall of the main thread (the latency row) and CPU for V8's helpers.
 * Whether a process falls into that depended on where its early scavenges fell (about half the runs).
 * With pretenuring off the objects stay young and die young, in every run (docs/correlator-memory.md,
 * docs/latency.md).
 *
 * It is set from inside the process because Node 20 refuses the flag in NODE_OPTIONS, and a command line
 * flag would be lost on every path that does not start through our image's entrypoint (npm start, tests,
 * `node dist/cli/main.js`). V8 reads this flag when a scavenge reviews its sites, so setting it before
 * the event stream starts takes effect (measured: same result as the command line flag).
 */
import { setFlagsFromString } from 'node:v8';

let applied = false;

/** Idempotent; cheap. Called by createApp before anything of the pipeline runs. */
export function turnOffAllocationSitePretenuring(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
