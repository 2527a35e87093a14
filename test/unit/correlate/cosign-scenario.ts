/** A signing job's scenario, shared by the cosign red-team tests (cosign-attest, signing-key-decoys). */
import { run, Scenario } from './builder.js';

const REGISTRY_IP = '140.82.121.34';

/** A CI job: optional setup by its shell, then `cosign args` reading `reads` and sending a few KiB. */
export function cosignJob(
  steps: Array<{ args: string; reads: string[]; binary?: string }>,
  o: { source?: 'tetragon' | 'falco'; shellReads?: string[] } = {},
) {
  const s = new Scenario({ source: o.source ?? 'tetragon' });
  const c = s.container({ namespace: 'ci', pod: 'release-7', name: 'job' });
  const sh = s.init(c);
  for (const path of o.shellReads ?? []) s.read(sh, path, 400).wait(100);
  s.wait(2_000);
  for (const step of steps) {
    const p = s.exec(c, step.binary ?? '/usr/local/bin/cosign', step.args, { parent: sh });
    s.wait(10);
    for (const path of step.reads) s.read(p, path, 400).wait(5);
    s.wait(30)
      .connect(p, REGISTRY_IP, 443)
      .wait(10)
      .send(p, REGISTRY_IP, 443, 6 * 1024)
      .wait(200)
      .exit(p);
    s.wait(1_000);
  }
  return run(s.events).alerts;
}
