/**
 * Cloud deploys that upload a local source directory to be built into an image in the cloud's registry
 * (red-team review: each was no push, though the whole directory leaves, as with `gcloud builds submit` in
 * ./cloud-clis.ts): Cloud Run, Cloud Functions and App Engine deploys (gcloud puts the source in a Cloud
 * Storage bucket for Cloud Build, which pushes the image to Artifact Registry) and Container Apps' `up
 * --source` (az: an ACR build). The same commands naming an image, or a source already in the cloud, upload
 * nothing of the machine's. Deploys whose upload ends in neither a forge nor a registry (App Service and
 * Functions zip deploys, `az webapp up`, Lambda zips) are no push, as INTERFACES.md says of such uploads.
 * Part of the push-tool table (../push-tools.ts).
 */
import type { PushToolSpec } from '../types.js';
import { AZ_GLOBAL_VALUE_FLAGS, GCLOUD_GLOBAL_VALUE_FLAGS } from './flags.js';

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
        // dispatch, dos, index and queue files are configuration alone. `--image-url` deploys a built image
        // (App Engine flexible): gcloud then neither builds nor uploads files (deploy_util's
        // _PossiblyBuildAndPush and _PossiblyUploadFiles skip when given an image; found by review: a push).
        {
          words: [...track, 'app', 'deploy'],
          remote: { positional: 0 } as const,
          configOnly: /(?:^|\/)(?:cron|dispatch|dos|index|queue)\.ya?ml$/i,
          excludeFlags: ['--image-url'],
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
        'app deploy --image-url=us-docker.pkg.dev/acme/app/app:1',
        'app deploy app.yaml --image-url us-docker.pkg.dev/acme/app/app:1',
        'run services list',
        'functions describe fn',
      ],
    },
  },
  {
    tool: 'az',
    description: '`az containerapp up --source DIR`: the directory built into an image by ACR.',
    binaries: ['az'],
    syntax: {
      valueFlags: [
        ...AZ_GLOBAL_VALUE_FLAGS,
        ...['--name', '-n', '--resource-group', '-g', '--location', '-l'],
        ...['--source', '--image', '--environment', '--registry-server', '--registry-username', '--registry-password'],
        ...['--ingress', '--target-port', '--repo', '--branch', '--context-path', '--env-vars'],
        ...['--logs-workspace-id', '--logs-workspace-key', '--service-principal-client-id', '--browse'],
      ],
    },
    match: {
      kind: 'subcommand',
      commands: [
        // `containerapp up --source DIR` builds DIR remotely (ACR's build, uploading it as `az acr build`
        // does); with `--image` or `--repo` alone nothing local leaves.
        {
          words: ['containerapp', 'up'],
          remote: { flag: ['--name', '-n'] },
          requireAnyFlag: [{ flags: ['--source'] }],
        },
      ],
    },
    // ACR's build upload endpoint, named by the registry the CLI picks or creates: the first connect names it.
    destination: 'none',
    requiresClassedDestination: false,
    examples: {
      push: ['containerapp up -n loot --source /srv/data', 'containerapp up --source . --name loot -g rg'],
      notPush: [
        'containerapp up -n app --image mcr.microsoft.com/k8se/quickstart:latest',
        'containerapp up -n app --repo https://github.com/acme/app',
        'webapp up --name loot --runtime PYTHON:3.12',
        'webapp deploy -g rg -n loot --src-path /tmp/loot.zip --type zip',
        'functionapp deployment source config-zip -g rg -n loot --src /tmp/loot.zip',
        'webapp list',
      ],
    },
  },
];
