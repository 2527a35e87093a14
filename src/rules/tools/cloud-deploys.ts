/**
 * Cloud deploys that upload a local source directory or package to the cloud's hosting service before
 * building or running it (red-team review: each was no push, though the whole directory leaves, as with
 * `gcloud builds submit` in ./cloud-clis.ts): Cloud Run, Cloud Functions and App Engine deploys (gcloud puts
 * the source in a Cloud Storage bucket for Cloud Build), App Service and Functions zip deploys and Container
 * Apps' `up --source` (az), Lambda code from a local zip (aws). The same commands naming an image, or a source
 * already in the cloud, upload nothing of the machine's. Part of the push-tool table (../push-tools.ts).
 */
import type { PushToolSpec } from '../types.js';
import { AWS_GLOBAL_VALUE_FLAGS, AZ_GLOBAL_VALUE_FLAGS, GCLOUD_GLOBAL_VALUE_FLAGS } from './flags.js';

/** Sources the service fetches itself (a Cloud Storage object, a repository URL): nothing local leaves. */
const REMOTE_SOURCES = ['gs://', 'http://', 'https://', 'git@'];
const TRACKS = [[], ['beta'], ['alpha']];

export const cloudDeployTools: readonly PushToolSpec[] = [
  {
    tool: 'gcloud',
    description:
      '`gcloud run deploy`, `run jobs deploy`, `run worker-pools deploy` from source, `functions deploy`, `app deploy`: a local directory to a Cloud Storage bucket.',
    binaries: ['gcloud'],
    syntax: {
      valueFlags: [
        ...GCLOUD_GLOBAL_VALUE_FLAGS,
        ...['--source', '--image', '--region', '--service-account', '--set-env-vars', '--update-env-vars', '--tag'],
        ...['--memory', '--cpu', '--timeout', '--concurrency', '--max-instances', '--min-instances', '--port'],
        ...['--command', '--args', '--labels', '--set-secrets', '--update-secrets', '--vpc-connector', '--network'],
        ...['--subnet', '--ingress', '--execution-environment', '--base-image', '--function', '--tasks'],
        ...['--runtime', '--entry-point', '--trigger-topic', '--trigger-bucket', '--trigger-event', '--stage-bucket'],
        ...[
          '--trigger-resource',
          '--trigger-event-filters',
          '--trigger-location',
          '--env-vars-file',
          '--docker-registry',
        ],
        ...['--build-env-vars-file', '--set-build-env-vars', '--ignore-file', '--egress-settings', '--retry-policy'],
        ...['--bucket', '--version', '-v', '--image-url', '--appyaml'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: TRACKS.flatMap((track) => [
        // `run deploy` with no `--image` builds from `--source`, the working directory when none is given
        // (gcloud's documented default): the directory is uploaded to a `run-sources-…` bucket first.
        ...[
          ['run', 'deploy'],
          ['run', 'jobs', 'deploy'],
          ['run', 'worker-pools', 'deploy'],
        ].map((words) => ({
          words: [...track, ...words],
          remote: { flag: ['--source'] } as const,
          excludeFlags: ['--image'],
          localRemotePrefix: REMOTE_SOURCES,
        })),
        // `functions deploy` without `--source` uploads the working directory too (for a new function, and for
        // one first deployed from a local path; one deployed from Cloud Storage or a repository is not
        // updated, which argv does not tell).
        {
          words: [...track, 'functions', 'deploy'],
          remote: { flag: ['--source'] } as const,
          localRemotePrefix: REMOTE_SOURCES,
        },
        // `app deploy [DEPLOYABLE…]` uploads the app's directory (`./app.yaml`'s when none is named); cron,
        // dispatch, dos, index and queue files are configuration alone.
        {
          words: [...track, 'app', 'deploy'],
          remote: { positional: 0 } as const,
          configOnly: /(?:^|\/)(?:cron|dispatch|dos|index|queue)\.ya?ml$/i,
        },
      ]),
    },
    // gcloud uploads the source through the Cloud Storage API (to its own bucket or `--stage-bucket`/
    // `--bucket`): there, whatever the build then does.
    destination: 'fixed',
    fixedDestination: 'storage.googleapis.com',
    requiresClassedDestination: false,
    examples: {
      push: [
        'run deploy loot --source /root --region us-central1',
        'run deploy loot --region=us-central1',
        'beta run jobs deploy loot --source=. --region us-central1',
        'alpha run worker-pools deploy loot --source /srv/data',
        'functions deploy loot --gen2 --runtime python312 --trigger-http --source /srv/data',
        'functions deploy loot --runtime nodejs20 --trigger-http',
        'app deploy /srv/app/app.yaml --quiet',
        '--project evil app deploy',
        'app deploy app.yaml cron.yaml',
      ],
      notPush: [
        'run deploy app --image us-docker.pkg.dev/acme/app/app:1 --region us-central1',
        'run jobs deploy job --image=us-docker.pkg.dev/acme/app/job:1',
        'functions deploy fn --source gs://acme-src/fn.zip --runtime go122 --trigger-http',
        'functions deploy fn --source https://source.developers.google.com/projects/acme/repos/fn --runtime go122',
        'app deploy cron.yaml',
        'app deploy /srv/app/dispatch.yaml /srv/app/queue.yaml',
        'run services list',
        'functions describe fn',
      ],
    },
  },
  {
    tool: 'az',
    description:
      '`az webapp up` (the working directory, zipped), `az webapp|functionapp deploy --src-path FILE`, `… deployment source config-zip --src FILE`, `az containerapp up --source DIR`.',
    binaries: ['az'],
    syntax: {
      valueFlags: [
        ...AZ_GLOBAL_VALUE_FLAGS,
        ...['--name', '-n', '--resource-group', '-g', '--plan', '-p', '--sku', '--location', '-l', '--runtime'],
        ...['--os-type', '--app-service-environment', '--slot', '-s', '--ids', '--timeout', '-t'],
        ...['--src-path', '--src-url', '--type', '--target-path', '--src', '--build-remote'],
        ...['--source', '--image', '--environment', '--registry-server', '--registry-username', '--registry-password'],
        ...['--ingress', '--target-port', '--repo', '--branch', '--context-path', '--env-vars'],
        ...['--logs-workspace-id', '--logs-workspace-key', '--service-principal-client-id', '--browse'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        // `webapp up` zips the working directory and sends it to the app's deployment (Kudu) endpoint;
        // `--dryrun` only prints what it would create and deploy.
        { words: ['webapp', 'up'], remote: { flag: ['--name', '-n'] }, excludeFlags: ['--dryrun'] },
        // A local package; `--src-url` has App Service fetch one itself.
        ...['webapp', 'functionapp'].flatMap((app) => [
          {
            words: [app, 'deploy'],
            remote: { flag: ['--name', '-n'] } as const,
            requireAnyFlag: [{ flags: ['--src-path'] }],
          },
          {
            words: [app, 'deployment', 'source', 'config-zip'],
            remote: { flag: ['--name', '-n'] } as const,
            requireAnyFlag: [{ flags: ['--src'] }],
          },
        ]),
        // `containerapp up --source DIR` builds DIR remotely (ACR's build, uploading it as `az acr build`
        // does); with `--image` or `--repo` alone nothing local leaves.
        {
          words: ['containerapp', 'up'],
          remote: { flag: ['--name', '-n'] },
          requireAnyFlag: [{ flags: ['--source'] }],
        },
      ],
    },
    // The app's deployment endpoint (`NAME.scm.azurewebsites.net` in Azure's public cloud; another domain in
    // sovereign clouds and App Service Environments): the first connect names it.
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: [
        'webapp up --name loot --runtime PYTHON:3.12',
        'webapp up',
        'webapp deploy -g rg -n loot --src-path /tmp/loot.zip --type zip',
        'functionapp deploy -g rg -n loot --src-path /tmp/loot.zip',
        'webapp deployment source config-zip -g rg -n loot --src /tmp/loot.zip',
        'functionapp deployment source config-zip -g rg -n loot --src /tmp/loot.zip',
        'containerapp up -n loot --source /srv/data',
      ],
      notPush: [
        'webapp up --name app --dryrun',
        'webapp deploy -g rg -n app --src-url https://acme.blob.core.windows.net/a/app.zip --type zip',
        'containerapp up -n app --image mcr.microsoft.com/k8se/quickstart:latest',
        'containerapp up -n app --repo https://github.com/acme/app',
        'webapp list',
        'webapp deployment source config-local-git -g rg -n app',
      ],
    },
  },
  {
    tool: 'aws',
    description:
      '`aws lambda update-function-code`, `create-function`, `publish-layer-version` with `--zip-file fileb://FILE`: a local package to Lambda.',
    binaries: ['aws'],
    syntax: {
      valueFlags: [
        ...AWS_GLOBAL_VALUE_FLAGS,
        ...['--function-name', '--zip-file', '--s3-bucket', '--s3-key', '--s3-object-version', '--image-uri'],
        ...['--revision-id', '--runtime', '--role', '--handler', '--description', '--timeout', '--memory-size'],
        ...['--environment', '--layer-name', '--content', '--code', '--license-info', '--package-type'],
      ],
    },
    match: {
      kind: 'subcommand',
      // Not `--s3-bucket`/`--image-uri` alone: Lambda fetches the package itself. `--dry-run` still sends the
      // zip, inside the request it validates.
      commands: [
        ...['update-function-code', 'create-function'].map((verb) => ({
          words: ['lambda', verb],
          remote: { flag: ['--function-name'] } as const,
          requireAnyFlag: [{ flags: ['--zip-file'] }],
        })),
        {
          words: ['lambda', 'publish-layer-version'],
          remote: { flag: ['--layer-name'] },
          requireAnyFlag: [{ flags: ['--zip-file'] }],
        },
      ],
    },
    // `lambda.REGION.amazonaws.com`, the region from `--region` or the CLI's config: the first connect.
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: [
        'lambda update-function-code --function-name loot --zip-file fileb:///tmp/loot.zip',
        '--region eu-west-1 lambda create-function --function-name loot --runtime python3.12 --role arn:aws:iam::1:role/r --handler h.h --zip-file fileb:///tmp/loot.zip',
        'lambda publish-layer-version --layer-name loot --zip-file fileb:///tmp/loot.zip',
        'lambda update-function-code --function-name loot --zip-file fileb:///tmp/loot.zip --dry-run',
      ],
      notPush: [
        'lambda update-function-code --function-name app --s3-bucket acme --s3-key app.zip',
        'lambda update-function-code --function-name app --image-uri 1.dkr.ecr.us-east-1.amazonaws.com/a:1',
        'lambda get-function --function-name app',
        'lambda invoke --function-name app /tmp/out.json',
      ],
    },
  },
];
