/**
 * Pod labels with Falco: the shipped exec rule prints `k8s.pod.labels` (execs are rare, reads and sends are
 * not), so a container's first events may come without them. Before, the correlator kept the pod as first
 * seen, the rules printed no labels at all, and every `podLabels` allowlist entry (the ADS's entry for
 * runner pods among them) silenced nothing with Falco; the alert's `pod.labels` was always missing.
 */
import { describe, expect, it } from 'vitest';
import { podLabels } from '../../../src/formats/falco/fields.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { MiB, run, Scenario } from '../correlate/builder.js';

const API = '140.82.112.5';

/** As Falco reports them: labels on execs only. */
function falcoEvents(): NormalizedEvent[] {
  const s = new Scenario({ source: 'falco' });
  const c = s.container({
    namespace: 'arc-runners',
    pod: 'acme-runner-x8k2p-runner-9tq4w',
    labels: { 'app.kubernetes.io/component': 'runner', 'actions-ephemeral-runner': 'True' },
  });
  const worker = s.init(c, '/home/runner/bin/Runner.Worker', 'spawnclient 116 119');
  s.read(worker, '/home/runner/_work/_temp/_runner_file_commands/step_summary_4f2c', 2_000);
  const gh = s.exec(c, '/usr/bin/gh', 'release upload v1.4.0 dist/app.tar.gz', { parent: worker });
  s.read(gh, '/home/runner/_work/app/app/dist/app.tar.gz', 9 * MiB);
  s.connect(gh, API, 443)
    .send(gh, API, 443, 9 * MiB)
    .wait(500)
    .exit(gh);
  return s.events.map((e) => {
    if (e.kind === 'exec' || e.kind === 'gap' || e.pod === null) return e;
    const { labels: _dropped, ...pod } = e.pod;
    return { ...e, pod };
  });
}

describe('pod labels from Falco execs', () => {
  it("reach the alert's pod though the container's first event had none", () => {
    const [alert] = run(falcoEvents()).alerts;
    expect(alert?.pod?.labels).toEqual({ 'app.kubernetes.io/component': 'runner', 'actions-ephemeral-runner': 'True' });
  });

  it('let a podLabels allowlist entry match', () => {
    const allowlist = [
      {
        namespace: 'arc-runners',
        podLabels: { 'app.kubernetes.io/component': 'runner' },
        binary: '/usr/bin/gh',
        reason: 'release uploads',
      },
    ];
    expect(run(falcoEvents(), { allowlist }).alerts).toEqual([]);
  });
});

describe("Falco's k8s.pod.labels text", () => {
  // Found by review: libsinsp prints a label with an empty value as its key alone, and it was dropped, so a
  // podLabels entry `{ key: '' }` (or `'*'`) never matched with Falco while it did with Tetragon.
  it('keeps a label with an empty value', () => {
    expect(podLabels({ 'k8s.pod.labels': 'app:runner, ci-ephemeral, tier:build' })).toEqual({
      app: 'runner',
      'ci-ephemeral': '',
      tier: 'build',
    });
  });

  it('reads odd texts as no labels, not as made-up ones', () => {
    for (const text of ['', '<NA>', ',', ' , ', ':x'])
      expect(podLabels({ 'k8s.pod.labels': text }), text).toBeUndefined();
  });
});
