/**
 * A node's table of pods that staged into buildah's and podman's storage (../../../src/correlate/pod-storage.ts),
 * full: what it drops is counted (`exfilwatch_state_evictions_total{kind="pod_storage"}`), as every other cap's
 * evictions are: marks idle for 24 h that make room, and the node starting to fail closed (every pod of it counts
 * as staged for 24 h).
 */
import { describe, expect, it } from 'vitest';
import { MAX_PODS } from '../../../src/correlate/pod-storage.js';
import { brief, counterValue, MiB, run, Scenario } from './builder.js';

const QUAY = '3.216.152.103';
const IMAGE = 'quay.io/acme/api:1.4.2';
const DEST = `/var/lib/containers/storage/vfs/dir/${'3f'.repeat(32)}/usr/lib/jvm`;
const EVICTIONS = 'exfilwatch_state_evictions_total';
const DAY_AND_MORE_MS = 25 * 3_600_000;

/** Pods `from`…`to - 1` each staging into the storage (a `cp` into it) on the scenario's node. */
function stagers(s: Scenario, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const other = s.container({ namespace: 'ci', pod: `stager-${i}` });
    s.exit(s.exec(other, '/usr/bin/cp', `-r /srv/x ${DEST}/x`, { parent: s.init(other) }));
  }
}

/** A builder pod's push of 75 storage layers (150 MiB): what failing closed counts. */
function push(s: Scenario): void {
  const c = s.container({ namespace: 'ci', pod: 'api-build-pod', name: 'step', image: 'quay.io/buildah/stable:v1.38' });
  const sh = s.init(c, '/bin/bash', '/tekton/scripts/script-0');
  const p = s.exec(c, '/usr/bin/buildah', `push ${IMAGE} docker://${IMAGE}`, { parent: sh });
  for (let i = 0; i < 75; i++) s.read(p, `${DEST}/part-${i}.bin`, 2 * MiB);
  s.connect(p, QUAY, 443).send(p, QUAY, 443, 60 * MiB);
  s.wait(1_000).exit(p);
}

async function outcome(s: Scenario) {
  const { alerts, metrics } = run(s.events);
  return {
    rules: brief(alerts).map((a) => `${a.rule} ${a.severity}`),
    evicted: await counterValue(metrics, EVICTIONS, { kind: 'pod_storage' }),
  };
}

describe("a node's table of pods that staged, full", () => {
  it('fails closed, counted: a pod finding it full of live marks is not kept', async () => {
    const s = new Scenario();
    stagers(s, 0, MAX_PODS + 1);
    push(s);
    expect(await outcome(s)).toEqual({ rules: ['bulk-read-then-push high'], evicted: 1 });
  });

  it('failing closed, a new pod counts as staged, and the saturation is counted once', async () => {
    const s = new Scenario();
    stagers(s, 0, MAX_PODS + 1);
    // More pods staging while the node fails closed: no room looked for again, nothing counted again.
    stagers(s, MAX_PODS + 1, MAX_PODS + 64);
    push(s);
    expect(await outcome(s)).toEqual({ rules: ['bulk-read-then-push high'], evicted: 1 });
  });

  it('drops the marks idle for 24 h to make room, each counted', async () => {
    const s = new Scenario();
    stagers(s, 0, MAX_PODS);
    s.wait(DAY_AND_MORE_MS);
    stagers(s, MAX_PODS, MAX_PODS + 1);
    expect((await outcome(s)).evicted).toBe(MAX_PODS);
  });
});
