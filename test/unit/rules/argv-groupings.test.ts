/**
 * The search for a grouping of Falco's space-joined words that puts a push word where the tool's parser reads
 * its sub-command (or an uploader's flag), instead of listing C(words−1, joins) groupings.
 */
import { describe, expect, it } from 'vitest';
import { parseArgv } from '../../../src/rules/argv.js';
import { flagsUpToLastArgument, type GroupingSearch, pushGroupings } from '../../../src/rules/argv-groupings.js';
import { readingsOf } from '../../../src/rules/joined-argv.js';
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

  it('never takes a long flag with a space in its name for one owning the next argument (it has no value)', () => {
    const argv = [
      ...'--repo acme/app pr edit 12 --title'.split(' '),
      'fix the release',
      '--body',
      'run release upload',
    ];
    const spacedLongFlag = /^--[^= ]* /;
    for (const g of pushGroupings(search('gh', argv, ['release'])))
      expect(g.before.filter((arg) => spacedLongFlag.test(arg))).toEqual([]);
  });

  it('finds the most and the fewest joins before a push word across the bitsets’ 32-bit words', () => {
    for (const n of [1, 29, 30, 31, 32, 33, 34, 62, 63, 64, 65, 66, 95, 96, 97, 130]) {
      // Before `-d`: `-H X: …` one argument (n + 1 joins), or the header's last words URLs, as few joins as the
      // words after `-d` can take the rest.
      const argv = ['-H', `X: ${words(n)}`, '-d', '@f', '-H', `Y: ${words(5)}`, 'https://h/x'];
      const s = search('curl', argv, ['-d']);
      const joinsBefore = [...new Set([...pushGroupings(s)].map((g) => g.at - g.before.length))];
      const after = s.words.length - 3 - n; // the words after `-d`
      const fewest = Math.max(0, s.words.length - s.count - (after - 1));
      expect(joinsBefore, `n=${n}`).toEqual([n + 1, fewest]);
    }
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
  it('keeps per word only the join counts that can still end in the count: memory follows the arguments', () => {
    // 200,000 words as 3 arguments: each word's row holds a few join counts, not 200,000 (a 40 GB table).
    const padded = ['--kube-as-group', Array.from({ length: 200_000 }, () => 'w').join(' '), 'x'];
    expect(flagsUpToLastArgument(search('helm', padded, []))).toBe(true);
  });

  it('is true when every argument but the last can be a flag or its value, false when a sub-command shows', () => {
    const padded = ['--kube-context', 'prod dependency upgrade', '--kube-as-group', words(50)];
    expect(flagsUpToLastArgument(search('helm', padded, []))).toBe(true);
    expect(flagsUpToLastArgument(search('helm', ['upgrade', '--install', 'app', `./chart ${words(3)}`], []))).toBe(
      false,
    );
  });
});

/**
 * Against the listing: for small argvs of each tool's own words, the push words some listed grouping puts where
 * parseArgv reads a sub-command (every positional before it one a flag may own) or an uploader's flag, with any
 * joins after it where a flag may hold them, and those the search finds, are the same words; each grouping
 * rebuilt is one of the words with the count.
 */
describe('the search against every grouping listed', () => {
  const vocab: Record<string, string[]> = {
    git: ['-c', 'x=1', 'commit', 'push', '--', '-C', 'dir', 'a=b', '-v', 'fetch', '--end-of-options'],
    helm: ['--kube-context', 'prod', 'dependency', 'push', 'x', '--debug', '-n', 'ns', '--', 'oci://r/x'],
    docker: ['--config', 'c', 'push', 'img', '-D', 'build', '--', '-H', 'x=y'],
    gh: ['-R', 'o/r', 'release', 'upload', 'pr', 'create', '--title', 't', 'api', '--'],
    curl: ['-H', 'X:', '--', '-d', '@f', 'https://h/x', '-o', 'out', '-sSd@x', '-T'],
  };
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };

  it('finds the push words the listing finds, for 1500 random argvs', () => {
    for (let iter = 0; iter < 1500; iter++) {
      const tool = Object.keys(vocab)[random(Object.keys(vocab).length)]!;
      const spec = specOf(tool);
      const own = vocab[tool]!;
      const argvWords = Array.from({ length: 2 + random(7) }, () => own[random(own.length)]!);
      const count = 1 + random(argvWords.length);
      const pushWords = spec.match.kind === 'subcommand' ? spec.match.commands.map((c) => c.words[0]!) : [];
      const uploadFlags = new Set(spec.match.kind === 'upload' ? spec.match.uploadFlags.flatMap((f) => f.flags) : []);
      const s: GroupingSearch = {
        words: argvWords,
        count,
        syntax: spec.syntax,
        subcommand: spec.match.kind === 'subcommand',
        isPushStart: (w) =>
          s.subcommand
            ? pushWords.includes(w)
            : w.length > 1 && w[0] === '-' && parseArgv([w], spec.syntax).flags.some((f) => uploadFlags.has(f.flag)),
      };
      const listed = new Set<number>();
      for (const reading of readingsOf(argvWords, count)) {
        let at = 0;
        reading.forEach((arg, i) => {
          const word = at;
          at += arg.split(' ').length;
          if (arg.includes(' ') || !s.isPushStart(arg)) return;
          // A long flag with a space in its name owns no value: argparse's positional, every other parser's exit
          // but nopt's (boolWords).
          const nameSpaced = (a: string) => spec.syntax.boolWords !== true && /^--[^= ]* /.test(a);
          const asParsed = reading.slice(0, i).map((a) => (nameSpaced(a) ? a.slice(2) : a));
          const before = parseArgv(asParsed, spec.syntax);
          const upTo = parseArgv([...asParsed, arg], spec.syntax);
          const standsAt = s.subcommand
            ? upTo.positionals.length === before.positionals.length + 1 &&
              before.positionals.every((_, p) => upTo.afterFlag.has(p))
            : upTo.flags.slice(before.flags.length).some((f) => uploadFlags.has(f.flag));
          // Joins after the push word need a flag there to hold them (a spaced positional is a text's rest).
          const tail = reading.slice(i + 1);
          const tailHolds =
            !tail.some((a) => a.includes(' ')) ||
            tail
              .join(' ')
              .split(' ')
              .some((w) => w[0] === '-');
          if (standsAt && tailHolds) listed.add(word);
        });
      }
      const searched = new Set<number>();
      for (const g of pushGroupings(s)) {
        searched.add(g.at);
        expect([...g.before, argvWords[g.at]].join(' ')).toBe(argvWords.slice(0, g.at + 1).join(' '));
        expect(g.before.length + 1 + g.afterCount).toBe(count);
        expect(g.afterCount).toBeLessThanOrEqual(g.after.length);
      }
      expect([...searched].sort(), `${tool} ${count} ${argvWords.join(' ')}`).toEqual([...listed].sort());
    }
  });
});

describe('a view with no args at all', () => {
  it('reads as one empty reading, so a cut argv with no words is recognised without throwing', async () => {
    expect([...readingsOf([], 0)]).toEqual([[]]);
    expect([...readingsOf([], 3)]).toEqual([[]]);
    const { recognizeProcess } = await import('../../../src/rules/recognize.js');
    // Found by review: every upload tool (curl first) threw a TypeError for args null with argvTruncated and a
    // count; the correlator would have counted the event as failed instead of recognising the process.
    const binaries = new Set<string>();
    for (const spec of pushTools) for (const b of spec.binaries) if (!b.includes('*')) binaries.add(b);
    const thrown: string[] = [];
    for (const b of binaries)
      for (const argvCount of [undefined, 0, 3]) {
        const view = { binary: `/usr/bin/${b}`, args: null, parentBinary: null, parentArgs: null, argvTruncated: true };
        try {
          recognizeProcess({ ...view, argvCount }, () => true);
        } catch (err) {
          thrown.push(`${b} (${argvCount}): ${(err as Error).message}`);
        }
      }
    expect(binaries.size).toBeGreaterThan(50);
    expect(thrown).toEqual([]);
  });
});
