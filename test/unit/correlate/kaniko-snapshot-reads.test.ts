/**
 * kaniko extracts the base image over its container's root and hashes every file of it for each snapshot, then
 * writes its layers to /kaniko/ and uploads them. A GitLab job building a 2 MiB context FROM eclipse-temurin
 * read the JRE (/opt/java/openjdk) and its own layers, and was `bulk-read-then-push`, high, for the base image
 * alone (found by a red-team review of CI pipelines): ../../../src/correlate/kaniko-reads.ts. Its reads of the
 * context, the Dockerfile, a remote context's copy and secrets, and what RUN commands read, still count.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, Scenario } from './builder.js';

const GHCR = '140.82.121.33';
const PROJECT = '/builds/acme/api';
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** A GitLab Kubernetes executor's build container running the kaniko debug image. */
function gitlabJob(source: SensorSource = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({
    namespace: 'gitlab-runner',
    pod: 'runner-x7k2p-project-42-concurrent-0-abcd',
    name: 'build',
    image: 'gcr.io/kaniko-project/executor:v1.23.2-debug',
  });
  const sh = s.init(c, '/busybox/sh', '-c step_script');
  return { s, c, sh };
}

/**
 * `/kaniko/executor ARGS`: reads the Dockerfile and a 2 MiB context, the JRE the base image put in its root
 * (130 MiB) and its layer, runs `RUN` as `/bin/sh -c …` (`run`), then uploads 25 MiB.
 */
function kaniko(s: Scenario, c: Ctr, parent: Proc, args: string, run?: (k: Proc) => void): Proc {
  const k = s.exec(c, '/kaniko/executor', args, { parent, cwd: PROJECT });
  s.read(k, `${PROJECT}/Dockerfile`, 600);
  s.readMany(k, `${PROJECT}/target/app`, 20, 100_000);
  for (let i = 0; i < 65; i++) s.read(k, `/opt/java/openjdk/lib/part${i}`, 2 * MiB);
  s.read(k, '/etc/ssl/certs/java/cacerts', 160_000).read(k, '/var/lib/dpkg/status', 500_000);
  run?.(k);
  s.read(k, '/kaniko/stages/0/sha256-layer.tar', 20 * MiB);
  s.connect(k, GHCR, 443, { cookie: '9' }).send(k, GHCR, 443, 25 * MiB, { cookie: '9' });
  s.wait(1_000).exit(k);
  return k;
}

const ARGS = `--context ${PROJECT} --dockerfile ${PROJECT}/Dockerfile --destination ghcr.io/acme/api:1.2.3`;
const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

describe("kaniko's reads of the root it builds on", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    'a small context on a JRE base image is a push with no notable reads (%s)',
    (source) => {
      const { s, c, sh } = gitlabJob(source);
      kaniko(s, c, sh, ARGS);
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );

  it('its registry login still counts, as any push tool’s', () => {
    const { s, c, sh } = gitlabJob();
    kaniko(s, c, sh, ARGS, (k) => s.read(k, '/kaniko/.docker/config.json', 300));
    expect(rules(s)).toEqual(['sensitive-read-then-push high']);
  });
});

describe('what still counts around kaniko', () => {
  it('a 300 MiB context is bulk, as the contract has it', () => {
    const { s, c, sh } = gitlabJob();
    kaniko(s, c, sh, ARGS, (k) => {
      for (let i = 0; i < 150; i++) s.read(k, `${PROJECT}/assets/a${i}.bin`, 2 * MiB);
    });
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it("a RUN command's reads count (RUN cp -r /srv/exports /app)", () => {
    const { s, c, sh } = gitlabJob();
    kaniko(s, c, sh, ARGS, (k) => {
      const step = s.exec(c, '/bin/sh', '-c cp -r /srv/exports /app', { parent: k });
      for (let i = 0; i < 150; i++) s.read(step, `/srv/exports/part-${i}.csv`, 2 * MiB);
      s.exit(step);
    });
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it('the service-account token kaniko snapshots with --ignore-var-run=false counts', () => {
    const { s, c, sh } = gitlabJob();
    kaniko(s, c, sh, `${ARGS} --ignore-var-run=false`, (k) => s.read(k, TOKEN, 1_100));
    const alert = run(s.events).alerts[0]!;
    expect([alert.rule, alert.reads.sensitive]).toEqual(['sensitive-read-then-push', [TOKEN]]);
  });

  it.each([
    // A remote context is read from kaniko's copy of it.
    ['--context git://github.com/acme/api.git --destination ghcr.io/acme/api:1', '/kaniko/buildcontext/assets'],
    [
      '--context s3://acme-builds/api.tar.gz --kaniko-dir /kaniko --destination ghcr.io/acme/api:1',
      '/kaniko/buildcontext/x',
    ],
    // Kaniko's default context.
    ['--destination ghcr.io/acme/api:1', '/workspace/assets'],
    ['-c dir:///srv/exports --destination ghcr.io/acme/api:1', '/srv/exports'],
    // A relative context: nothing is known of where it is, every read counts.
    ['--context dir://. --destination ghcr.io/acme/api:1', '/opt/data'],
  ])('kaniko %s reading 300 MiB under %s: bulk', (args, dir) => {
    const { s, c, sh } = gitlabJob();
    kaniko(s, c, sh, args, (k) => {
      for (let i = 0; i < 150; i++) s.read(k, `${dir}/a${i}.bin`, 2 * MiB);
    });
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  // pflag's other forms of the short flag (found by red-team review: read as the default /workspace, the real
  // context's reads were the base image's).
  it.each(['-c=dir:///srv/exports', '-cdir:///srv/exports', '-c=/srv/exports', '--context=dir:///srv/exports'])(
    'kaniko %s reading 300 MiB of its context: bulk',
    (context) => {
      const { s, c, sh } = gitlabJob();
      kaniko(s, c, sh, `${context} --destination ghcr.io/acme/api:1`, (k) => {
        for (let i = 0; i < 150; i++) s.read(k, `/srv/exports/a${i}.bin`, 2 * MiB);
      });
      expect(rules(s)).toEqual(['bulk-read-then-push critical']);
    },
  );

  it('a context past where Falco cut the argv: every read counts', () => {
    const { s, c, sh } = gitlabJob('falco');
    const args = `--destination ghcr.io/acme/api:1 --build-arg PAD=${'x'.repeat(4_100)} --context dir:///srv/exports`;
    kaniko(s, c, sh, args.slice(0, 4_000), (k) => {
      for (let i = 0; i < 150; i++) s.read(k, `/srv/exports/a${i}.bin`, 2 * MiB);
    });
    const exec = s.events.find((e) => e.kind === 'exec' && e.process.binary === '/kaniko/executor');
    if (exec?.kind !== 'exec') throw new Error('no exec of kaniko');
    exec.process.argvTruncated = true;
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it('a local tar context: the archive counts', () => {
    const { s, c, sh } = gitlabJob();
    kaniko(s, c, sh, '--context tar:///srv/ctx.tar.gz --destination ghcr.io/acme/api:1', (k) =>
      s.read(k, '/srv/ctx.tar.gz', 300 * MiB),
    );
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });
});
