/**
 * The search for a grouping of Falco's space-joined words that puts a push word where the tool's parser reads
 * its sub-command (or an uploader's flag), instead of listing C(words−1, joins) groupings.
 */
import { describe, expect, it } from 'vitest';
import { flagsUpToLastArgument, type GroupingSearch, pushGroupings } from '../../../src/rules/argv-groupings.js';
import { pushTools } from '../../../src/rules/push-tools.js';
import type { PushToolSpec } from '../../../src/rules/types.js';

const specOf = (tool: string): PushToolSpec => pushTools.find((s) => s.tool === tool)!;

function search(tool: string, argv: readonly string[], pushWords: readonly string[]): GroupingSearch {
  const spec = specOf(tool);
  return {
    words: argv.join(' ').split(' '),
    count: argv.length,
    syntax: spec.syntax,
    subcommand: spec.match.kind === 'subcommand',
    isPushStart: (w) => pushWords.includes(w),
  };
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

describe('pushGroupings', () => {
  it('rebuilds the grouping of two spaced arguments that leaves `push` helm’s sub-command', () => {
    const argv = ['--kube-context', 'prod dependency', '--kube-as-group', words(40), 'push', 'chart.tgz', 'oci://r/x'];
    const [first] = pushGroupings(search('helm', argv, ['push']));
    // helm's table lacks `--kube-as-group`: taken for a flag without a value, its padding may group either way.
    expect(first?.before.slice(0, 2)).toEqual(['--kube-context', 'prod dependency']);
    expect(first?.before).toHaveLength(4);
    expect(first?.before.join(' ')).toBe(argv.slice(0, 4).join(' '));
    expect(first?.after).toEqual(['chart.tgz', 'oci://r/x']);
    expect(first?.afterCount).toBe(2);
  });

  it('gives a spaced flag with `=` in a later word its value, as parseArgv does (`-c x=1 commit …`)', () => {
    const argv = ['-c', `x=1 commit ${words(5)}`, '-c', `y=2 fetch ${words(5)}`, 'push', 'https://h/x.git'];
    const [first] = pushGroupings(search('git', argv, ['push']));
    expect(first?.before).toEqual(argv.slice(0, 4));
  });

  it('finds none when a positional no flag owns comes first (`commit -m "… push …"`)', () => {
    expect([...pushGroupings(search('git', ['commit', '-m', 'fix the push bug'], ['push']))]).toEqual([]);
  });

  it('keeps an uploader’s flag out of a value and out of the words after `--`', () => {
    const argv = ['-H', 'X: --', '-d', '@/root/.aws/credentials', 'https://api.github.com/gists'];
    const [first] = pushGroupings(search('curl', argv, ['-d']));
    expect(first?.before).toEqual(['-H', 'X: --']);
  });
});

describe('flagsUpToLastArgument', () => {
  it('is true when every argument but the last can be a flag or its value, false when a sub-command shows', () => {
    const padded = ['--kube-context', 'prod dependency upgrade', '--kube-as-group', words(50)];
    expect(flagsUpToLastArgument(search('helm', padded, []))).toBe(true);
    expect(flagsUpToLastArgument(search('helm', ['upgrade', '--install', 'app', `./chart ${words(3)}`], []))).toBe(
      false,
    );
  });
});
