/**
 * Credential stores by name, for the path classifier (`paths.ts`): files a tool keeps its login or keys in,
 * wherever the home directory is. The secret mounts (`/var/run/secrets/`, Vault's, the CSI driver's) are in
 * `not-sensitive.ts`, since what may declassify them depends on it.
 */

export const SENSITIVE_BASENAMES = new Set([
  '.git-credentials',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '_netrc',
  '.env',
  '.vault-token',
  '.dockercfg',
  '.pgpass',
  '.my.cnf',
  'kubeconfig',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'id_ecdsa_sk',
  'id_ed25519_sk',
  // Found by the evasion hunt (2026-12-01): object-storage and data-platform logins (s3cmd, gsutil, Databricks).
  '.s3cfg',
  '.boto',
  '.databrickscfg',
  // rclone's (every remote's keys) wherever RCLONE_CONFIG or XDG_CONFIG_HOME puts it: `~/.config/rclone/`,
  // `/config/rclone/` in rclone's own image (XDG_CONFIG_HOME=/config), `/etc/rclone/`, and `~/.rclone.conf`, its
  // old default, still read where it exists. Found by review: only the first was sensitive.
  'rclone.conf',
  '.rclone.conf',
]);
/** Substrings that make a path sensitive wherever it sits (home directories vary). */
export const SENSITIVE_DOT_PARTS = [
  '/.aws/credentials',
  '/.aws/sso/cache/',
  '/.aws/cli/cache/',
  '/.config/gcloud/',
  '/.azure/',
  '/.kube/config',
  '/.docker/config.json',
  '/.config/gh/hosts.yml',
  '/.config/glab-cli/',
  '/.gnupg/private-keys',
  '/.password-store/',
  // Found by red-team review: credential stores of tools the list lacked (git's XDG store, the
  // containers/image and helm registry logins, cargo, gem, Terraform, the Hugging Face Hub).
  '/.config/git/credentials',
  '/.config/containers/auth.json',
  '/.config/helm/registry/config.json',
  // Earlier Helm 3 releases' default for the same logins (HELM_REGISTRY_CONFIG unset).
  '/.config/helm/registry.json',
  '/.cargo/credentials',
  '/.gem/credentials',
  '/.terraform.d/credentials.tfrc.json',
  '/.huggingface/token',
  '/.cache/huggingface/token',
  // RubyGems ≥ 3.2 keeps a new login under XDG's data home when `~/.gem/credentials` does not exist.
  '/.local/share/gem/credentials',
  // Found by the evasion hunt (2026-12-01): read and put in a gist or a repository, each was `low`. Keys to
  // object storage and clouds (MinIO's mc, Kaggle, DigitalOcean, Oracle Cloud; rclone's by name, above)
  // and the login of Gitea's tea, a forge CLI of the push table as gh and glab are. hub's `~/.config/hub`
  // is left out: as a part of a path it is also Cilium's `~/.config/hubble/`.
  '/.mc/config.json',
  '/.kaggle/kaggle.json',
  '/.config/doctl/config.yaml',
  '/.oci/config',
  '/.config/tea/config.yml',
];
/**
 * Credential files named by their tool's home where that home is no dot-directory: `CARGO_HOME=/usr/local/cargo`
 * in the official rust images (found by review: `cargo login` there wrote `/usr/local/cargo/credentials.toml`,
 * which was no secret). Tested only for a file whose name starts with `credentials`.
 */
export const CREDENTIAL_SUFFIXES = ['/cargo/credentials.toml', '/cargo/credentials'];
