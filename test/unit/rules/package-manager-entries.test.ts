/**
 * pnpm and Yarn are mostly run as JavaScript files, not as binaries named after them: corepack's shims
 * (`node …/corepack/dist/pnpm.js publish`), the version corepack downloaded into its cache
 * (`…/corepack/v1/pnpm/9.1.0/bin/pnpm.cjs`), Yarn's release checked into the repository
 * (`node .yarn/releases/yarn-4.1.0.cjs npm publish`, which `yarnPath` in .yarnrc.yml runs), or `corepack pnpm
 * publish`. Found by review: none was a push, so a package carrying a token published that way raised nothing.
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import { brief, run, Scenario } from '../correlate/builder.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);
const uploadTarget = (host: string, path: string) => classifier.isUploadTarget(host, path);
const recognize = (binary: string, args: string) => {
  const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, uploadTarget);
  return r?.kind === 'push'
    ? { tool: r.tool, destination: r.destinationHost, renamed: r.renamed, unexpected: r.unexpectedLocation }
    : r;
};
const npmPush = { tool: 'npm', destination: 'registry.npmjs.org', renamed: false, unexpected: false };

describe('package managers run as JavaScript files', () => {
  it.each([
    ['/usr/local/bin/node', '/usr/local/lib/node_modules/corepack/dist/pnpm.js publish'],
    ['/usr/local/bin/node', '/root/.cache/node/corepack/v1/pnpm/9.1.0/bin/pnpm.cjs publish --no-git-checks'],
    ['/usr/local/bin/node', '/home/runner/.cache/node/corepack/v1/pnpm/9.1.0/dist/pnpm.cjs -r publish'],
    ['/usr/bin/node', '.yarn/releases/yarn-4.1.0.cjs npm publish'],
    ['/usr/bin/node', '/builds/acme/ui/.yarn/releases/yarn-4.1.0.cjs npm publish --access public'],
    ['/usr/bin/node', '/src/.yarn/releases/yarn-berry.cjs workspace @acme/x npm publish'],
    ['/usr/bin/node', '/usr/local/lib/node_modules/corepack/dist/yarn.js npm publish'],
    ['/usr/bin/node', '/usr/local/lib/node_modules/npm/bin/npm-cli.js publish'],
    ['/usr/local/bin/node', '/usr/local/bin/corepack pnpm publish'],
    ['/usr/local/bin/node', '/usr/local/bin/corepack pnpm@9.1.0 publish'],
    ['/usr/local/bin/node', '/usr/local/bin/corepack yarn@4.1.0 npm publish'],
    // The file itself as the binary (how a sensor may name a script run by its shebang line).
    ['/root/.cache/node/corepack/v1/pnpm/9.1.0/bin/pnpm.cjs', 'publish'],
    ['/src/.yarn/releases/yarn-4.1.0.cjs', 'npm publish'],
    ['/usr/local/bin/corepack', 'pnpm publish'],
  ])('%s %s is a publish', (binary, args) => {
    expect(recognize(binary, args)).toEqual(npmPush);
  });

  it('their other commands stay what they were: installs are downloads, the rest nothing', () => {
    expect(recognize('/usr/local/bin/node', '/usr/local/lib/node_modules/corepack/dist/pnpm.js install')).toEqual({
      kind: 'download',
    });
    expect(recognize('/usr/bin/node', '.yarn/releases/yarn-4.1.0.cjs install --immutable')).toEqual({
      kind: 'download',
    });
    expect(recognize('/usr/bin/node', '.yarn/releases/yarn-4.1.0.cjs npm publish --dry-run')).toBeNull();
    expect(recognize('/usr/bin/node', '/root/.cache/node/corepack/v1/pnpm/9.1.0/bin/pnpm.cjs run build')).toBeNull();
    expect(recognize('/usr/local/bin/node', '/usr/local/bin/corepack enable')).toBeNull();
    expect(recognize('/usr/local/bin/node', '/usr/local/bin/corepack prepare pnpm@9.1.0 --activate')).toBeNull();
    // A script merely named for a command, or a file named like a package manager's that is not one.
    expect(recognize('/usr/bin/node', '/app/scripts/publish.js')).toBeNull();
    expect(recognize('/usr/bin/node', '/app/pnpm-lock.js publish')).toBeNull();
    expect(recognize('/usr/bin/node', '/app/yarnish.cjs npm publish')).toBeNull();
  });

  it("corepack's cache and a repository's .yarn directory are no hiding places; other hidden or temporary ones are", () => {
    expect(recognize('/usr/bin/node', '/root/.cache/x/pnpm.cjs publish')).toMatchObject({ unexpected: true });
    expect(recognize('/usr/bin/node', '/tmp/.yarn/releases/yarn-4.1.0.cjs npm publish')).toMatchObject({
      unexpected: true,
    });
    expect(recognize('/usr/bin/node', '/src/.yarn/.x/yarn-4.1.0.cjs npm publish')).toMatchObject({ unexpected: true });
  });

  for (const source of ['tetragon', 'falco'] as const) {
    it(`a package published by a checked-in Yarn release after reading a token is high (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'ci', pod: 'release-7', name: 'build' });
      const sh = s.init(c, '/bin/sh', '-c ./release.sh');
      s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1_200).wait(1_000);
      const y = s.exec(c, '/usr/bin/node', '/src/.yarn/releases/yarn-4.1.0.cjs npm publish', { parent: sh });
      s.read(y, '/src/package.json', 900).wait(300).exit(y);
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'npm', destination: 'registry.npmjs.org' },
      ]);
    });

    it(`a corepack pnpm publish with nothing notable read is low, not an unexpected location (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'ci', pod: 'release-8', name: 'build' });
      const sh = s.init(c, '/bin/sh', '-c ./release.sh');
      const p = s.exec(c, '/usr/local/bin/node', '/root/.cache/node/corepack/v1/pnpm/9.1.0/bin/pnpm.cjs publish', {
        parent: sh,
      });
      s.read(p, '/src/package.json', 900).wait(300).exit(p);
      expect(brief(run(s.events).alerts)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'npm', destination: 'registry.npmjs.org' },
      ]);
    });
  }
});
