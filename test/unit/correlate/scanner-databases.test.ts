/**
 * A vulnerability scan in the job that later pushes: Trivy opens its database (bbolt) by mapping it whole,
 * ~700 MiB, and Tetragon reports the mapping at the file's size. A database an application maps as it
 * works counts at its size once per window (docs/detection.md, "Mapped files"), so `trivy fs .` followed by
 * a tag push was `bulk-read-then-push`, critical. Which mapped files are a tool's own data only the operator
 * knows: `reads.extraNoisePrefixes` names the scanner's cache, and the push is judged on the rest.
 */
import { describe, expect, it } from 'vitest';
import { brief, type Ctr, MiB, type Proc, run, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';
const CACHE = '/home/runner/.cache/trivy';

function scanThenTag(secretRead = false) {
  const s = new Scenario();
  const c: Ctr = s.container({
    namespace: 'arc-runners',
    name: 'runner',
    image: 'ghcr.io/actions/actions-runner:2.321.0',
  });
  const worker: Proc = s.init(c, '/home/runner/bin/Runner.Worker', 'spawnclient 116 119');
  const trivy = s.exec(
    c,
    '/home/runner/_work/_tool/trivy/0.58.1/x64/trivy',
    'fs --exit-code 1 --severity HIGH,CRITICAL .',
    {
      parent: worker,
    },
  );
  s.read(trivy, `${CACHE}/db/trivy.db`, 712 * MiB, { op: 'map' }).read(trivy, `${CACHE}/db/metadata.json`, 200);
  s.readMany(trivy, '/home/runner/_work/app/app/pkg', 40, 20_000);
  s.exit(trivy).wait(20_000);
  if (secretRead) {
    const cat = s.exec(c, '/bin/cat', '/home/runner/.ssh/id_ed25519', { parent: worker });
    s.read(cat, '/home/runner/.ssh/id_ed25519', 400).exit(cat);
  }
  const push = s.exec(c, '/usr/bin/git', 'push origin refs/tags/v1.9.0', { parent: worker });
  const helper = s.exec(c, '/usr/lib/git-core/git-remote-https', 'origin https://github.com/acme/app', {
    parent: push,
  });
  s.connect(helper, GITHUB_IP, 443).send(helper, GITHUB_IP, 443, 5_000).wait(300).exit(helper).exit(push);
  return s.events;
}

const config = { reads: { extraNoisePrefixes: [`${CACHE}/`] } };

describe("a scanner's database mapped before a push", () => {
  it('makes a tag push critical by default', () => {
    expect(brief(run(scanThenTag()).alerts).map((a) => [a.rule, a.severity])).toEqual([
      ['bulk-read-then-push', 'critical'],
    ]);
  });

  it('counts for nothing once its cache is named in reads.extraNoisePrefixes', () => {
    expect(brief(run(scanThenTag(), { config }).alerts).map((a) => [a.rule, a.severity])).toEqual([
      ['push-without-reads', 'low'],
    ]);
  });

  it('the noise prefix hides nothing else: a key read before the push is still high', () => {
    expect(brief(run(scanThenTag(true), { config }).alerts).map((a) => [a.rule, a.severity])).toEqual([
      ['sensitive-read-then-push', 'high'],
    ]);
  });
});
