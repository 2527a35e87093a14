/**
 * What real CI scripts do with mounted secrets that is no exfiltration, and must stay quiet: the public parts of
 * the service-account mount copied into the workspace, a password piped to a login, a kubeconfig written for a
 * `kubectl apply` (the API server is no push destination).
 */
import { describe, expect, it } from 'vitest';
import { relinked } from '../../../src/correlate/relinks.js';
import { runResolved, Scenario } from './builder.js';
import { expectQuiet, summary, TOKEN } from './workspace-scenario.js';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
const KUBECONFIG = '/var/run/secrets/deploy/kubeconfig';

describe('CI scripts handling mounted secrets without exfiltration', () => {
  it("copies of the service account's CA certificate and namespace make no secret of the workspace", async () => {
    await expectQuiet([
      {
        binary: '/bin/sh',
        copy: `-c "cat ${SA}/ca.crt > /workspace/source/ca.crt"`,
        reads: ['/workspace/source/ca.crt'],
      },
      { binary: '/bin/sh', copy: `-c "cat ${SA}/namespace > /workspace/source/ns"`, reads: ['/workspace/source/ns'] },
      { copy: `${SA}/ca.crt /workspace/source/`, reads: ['/workspace/source/ca.crt'] },
      {
        binary: '/bin/ln',
        copy: `-s ${SA}/service-ca.crt /workspace/source/`,
        reads: ['/workspace/source/service-ca.crt'],
      },
    ]);
  });

  it('a password piped to a login is no copy', () => {
    for (const script of [
      'echo $TOKEN | docker login -u ci --password-stdin ghcr.io',
      `cat ${TOKEN} | docker login -u ci --password-stdin ghcr.io`,
      `cat ${TOKEN} | helm registry login ghcr.io -u ci --password-stdin`,
    ])
      expect(relinked('/bin/sh', `-c '${script}'`, '/workspace').sources, script).toEqual([]);
  });

  it('a file written under a variable the script does not set, or under ~, is nowhere known', () => {
    for (const script of [`cat ${KUBECONFIG} > $HOME/.kube/config`, `cat ${KUBECONFIG} > ~/.kube/config`])
      expect(relinked('/bin/sh', `-c '${script}'`, '/workspace').into, script).toEqual([]);
  });

  it('a kubeconfig written into the workspace from a mounted secret, then kubectl apply, raises nothing', async () => {
    for (const otherStep of [false, true]) {
      const s = new Scenario();
      const pod = 'deploy-run-x7-pod';
      const write = s.container({ namespace: 'ci', pod, name: 'step-kubeconfig', image: 'docker.io/library/alpine:3' });
      const apply = otherStep
        ? s.container({ namespace: 'ci', pod, name: 'step-apply', image: 'docker.io/bitnami/kubectl:1.30' })
        : write;
      const sh = s.init(write, '/tekton/bin/entrypoint', '-entrypoint /bin/sh');
      const cp = s.exec(write, '/bin/sh', `-c "cat ${KUBECONFIG} > /workspace/source/kubeconfig"`, { parent: sh });
      s.read(cp, KUBECONFIG, 2_000).exit(cp).wait(1_000);
      const parent = otherStep ? s.init(apply, '/tekton/bin/entrypoint', '-entrypoint /bin/sh') : sh;
      const k = s.exec(apply, '/usr/bin/kubectl', '--kubeconfig /workspace/source/kubeconfig apply -f k8s/', {
        parent,
      });
      s.read(k, '/workspace/source/kubeconfig', 2_000).read(k, '/workspace/source/k8s/deploy.yaml', 6_000);
      s.connect(k, '10.96.0.1', 443).send(k, '10.96.0.1', 443, 60_000).wait(2_000).exit(k).wait(60_000);
      expect(summary((await runResolved(s.events)).alerts), `other step: ${otherStep}`).toEqual([]);
    }
  });
});
