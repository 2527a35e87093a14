/**
 * Secrets the sensitive list lacked (found by red-team review): the node's own, read by a pod that mounts
 * the host (`/host/etc/shadow`, every pod's service-account token under kubelet's directory, kubeadm's
 * `admin.conf`, the ssh host keys), and the credential stores of tools that push (git's XDG store,
 * containers/image and helm registry logins, cargo, gem, Terraform, the Hugging Face Hub). Read before a
 * push, they left it `low`.
 */
import { describe, expect, it } from 'vitest';
import { createPathClassifier, PATH_READ, PATH_SENSITIVE } from '../../../src/correlate/paths.js';
import { brief, run, Scenario } from './builder.js';

const classify = createPathClassifier();

describe('node secrets and tool credential stores', () => {
  it('are sensitive, at the root or under a host mount', () => {
    for (const path of [
      '/host/etc/shadow',
      '/rootfs/etc/gshadow',
      '/host/etc/shadow-',
      // shadow-utils' backup of gshadow, as `/etc/shadow-` is shadow's (found by review: it was not counted).
      '/etc/gshadow-',
      '/host/etc/gshadow-',
      '/etc/kubernetes/admin.conf',
      '/host/etc/kubernetes/super-admin.conf',
      '/host/etc/rancher/k3s/k3s.yaml',
      '/host/etc/ssh/ssh_host_ed25519_key',
      '/var/lib/kubelet/pods/0f1e2d3c-aaaa/volumes/kubernetes.io~projected/kube-api-access-x7k2p/token',
      '/host/var/lib/kubelet/pods/0f1e2d3c-aaaa/volumes/kubernetes.io~secret/db-creds/password',
      '/host/var/lib/kubelet/pki/kubelet-client-current.pem',
      '/root/.config/git/credentials',
      '/home/ci/.config/containers/auth.json',
      '/run/containers/0/auth.json',
      '/run/user/1000/containers/auth.json',
      '/root/.config/helm/registry/config.json',
      // Where earlier Helm 3 releases kept the same logins (HELM_REGISTRY_CONFIG's default then).
      '/root/.config/helm/registry.json',
      '/home/runner/.config/helm/registry.json',
      '/usr/local/cargo/.cargo/credentials.toml',
      // Found by review: the official rust images' CARGO_HOME, and RubyGems' XDG location.
      '/usr/local/cargo/credentials.toml',
      '/usr/local/cargo/credentials',
      '/root/.local/share/gem/credentials',
      '/root/.cargo/credentials.toml',
      '/root/.cargo/credentials',
      '/root/.gem/credentials',
      '/root/.terraform.d/credentials.tfrc.json',
      '/root/.cache/huggingface/token',
    ])
      expect([path, classify(path)]).toEqual([path, PATH_SENSITIVE]);
  });

  it('their public neighbours are not', () => {
    for (const path of [
      '/host/etc/ssh/ssh_host_ed25519_key.pub',
      '/host/etc/ssh/sshd_config',
      '/host/etc/shadowsocks.json',
      '/etc/gshadow--',
      '/etc/shadow--',
      '/etc/kubernetes/manifests/kube-apiserver.yaml',
      '/var/lib/kubelet/pods/0f1e2d3c-aaaa/volumes/kubernetes.io~projected/kube-api-access-x7k2p/ca.crt',
      '/var/lib/kubelet/pods/0f1e2d3c-aaaa/volumes/kubernetes.io~projected/kube-api-access-x7k2p/namespace',
      '/var/lib/kubelet/pods/0f1e2d3c-aaaa/volumes/kubernetes.io~empty-dir/cache/x.bin',
      '/host/var/lib/kubelet/pki/kubelet.crt',
      '/root/.config/containers/registries.conf',
      '/root/.cargo/config.toml',
      '/root/.config/helm/repositories.yaml',
      '/usr/local/cargo/config.toml',
      '/builds/acme/cargo/src/credentials.rs',
      '/builds/acme/app/src/cargo/credentials_test.go',
    ])
      expect([path, classify(path)]).toEqual([path, PATH_READ]);
  });

  for (const source of ['tetragon', 'falco'] as const) {
    it(`a hostPath pod reading other pods' tokens, then pushing, is high (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'monitoring', pod: 'node-agent-x', name: 'agent' });
      const sh = s.init(c);
      const base = '/host/var/lib/kubelet/pods/7c1d-22/volumes/kubernetes.io~projected/kube-api-access-q9/token';
      s.read(sh, base, 1_100).wait(2_000);
      const gh = s.exec(c, '/usr/bin/gh', 'gist create /tmp/t', { parent: sh });
      s.read(gh, '/tmp/t', 1_100).wait(200).exit(gh);
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' },
      ]);
    });
  }
});
