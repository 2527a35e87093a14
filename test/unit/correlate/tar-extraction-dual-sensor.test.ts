/**
 * Both sensors on one node report an extraction's reads of its archive twice. The reads kept aside
 * (../../../src/correlate/archive-extractions.ts) count toward a kaniko, buildah or node push as before the
 * exemption, where a read both sensors report counts once (../../../src/correlate/dual-sensor.ts): they were kept
 * aside before that count, so a 40 MiB restore counted 80 MiB there and a `push-after-moderate-reads` push was
 * `bulk-read-then-push` with both sensors (found by review).
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { brief, MiB, run } from './builder.js';
import { runnerPod } from './runner-job.js';

/** Falco's report of an event Tetragon reported: a 12-character container id, processes by pid only. */
function asFalco(e: NormalizedEvent): NormalizedEvent {
  if (e.kind === 'gap') return { ...e, source: 'falco' };
  const container = e.container === null ? null : { ...e.container, id: e.container.id.slice(0, 12) };
  return { ...e, source: 'falco', container, process: { ...e.process, execId: null, parentExecId: null } };
}

/** A kaniko build whose step extracts a 40 MiB archive, then its push: Tetragon's events. */
function kanikoAfterExtraction(): NormalizedEvent[] {
  const { s, c, worker } = runnerPod('web');
  const args = '--context dir:///workspace --destination ghcr.io/acme/api:1.2.3';
  const k = s.exec(c, '/kaniko/executor', args, { parent: worker, cwd: '/workspace' });
  const step = s.exec(c, '/busybox/sh', '-c "tar -xf /workspace/backup.tar -C /opt/x"', { parent: k });
  const tar = s.exec(c, '/busybox/tar', '-xf /workspace/backup.tar -C /opt/x', { parent: step, cwd: '/workspace' });
  for (let i = 0; i < 20; i++) s.read(tar, '/workspace/backup.tar', 2 * MiB, { op: 'read' }).wait(20);
  s.exit(tar).exit(step);
  s.connect(k, '140.82.121.33', 443, { cookie: '9' }).send(k, '140.82.121.33', 443, 40 * MiB, { cookie: '9' });
  s.wait(1_000).exit(k);
  return s.events;
}

const rules = (events: readonly NormalizedEvent[]) =>
  brief(run(events).alerts).map((a) => `${a.rule} ${a.severity} ${a.tool}`);

describe("an extraction's reads reported by both sensors", () => {
  it('count once toward a push they count for', () => {
    const tetragon = kanikoAfterExtraction();
    expect(rules(tetragon)).toEqual(['push-after-moderate-reads medium kaniko']);
    const both = tetragon.flatMap((e) => [e, asFalco(e)]);
    expect(rules(both)).toEqual(['push-after-moderate-reads medium kaniko']);
  });
});
