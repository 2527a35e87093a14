/**
 * Tekton and Argo Workflows run a task's steps as containers of one pod sharing a workspace (red-team
 * review): step 1 copies the service-account token into the workspace, step 2 pushes (kaniko, buildah, `git
 * push`) and reads only the copy, whose name says nothing. State is per container, so that push was `low`.
 * A sensitive file copied to an absolute path is remembered for the pod, and another of its containers
 * reading the copy reads a secret (src/correlate/pod-copies.ts).
 */
import { describe, expect, it } from 'vitest';
import { runResolved } from './builder.js';
import { type Steps, steps, summary, TOKEN } from './workspace-scenario.js';

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
