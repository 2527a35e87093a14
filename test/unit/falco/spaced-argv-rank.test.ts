/**
 * A push read plainly from Falco's unquoted words is no argv the process had when the words outnumber its
 * arguments: a maven property holding a goal (`-Dmsg="run deploy later"`) read plainly as the goal (found by
 * review). It stands only when some grouping of the words into the count is one.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { plainPushHeld } from '../../../src/rules/joined-argv.js';
import { pushTools } from '../../../src/rules/push-tools.js';
import { type ProcessView, type Recognition, recognizeProcess } from '../../../src/rules/recognize.js';
import { falcoRun } from '../../fixtures/falco/credential-run.js';
import { brief, runResolved } from '../correlate/builder.js';

const GITHUB = '140.82.112.3'; // builder.ts TEST_DNS: github.com

/** The process view the correlator recognises, as Falco's exec alert for `argv` normalizes to it. */
function falcoView(exe: string, argv: readonly string[]): ProcessView {
  const exec = falcoRun(exe, argv, null).find((e) => e.kind === 'exec');
  if (exec?.kind !== 'exec') throw new Error('no exec event');
  const p = exec.process;
  return {
    binary: p.binary ?? null,
    args: p.args ?? null,
    parentBinary: p.parentBinary ?? null,
    parentArgs: p.parentArgs ?? null,
    argvCount: p.argvCount,
  };
}

const recognized = (exe: string, argv: readonly string[]): Recognition =>
  recognizeProcess(falcoView(exe, argv), () => false);

/** The push's tool, remote and destination host, or null when the argv is no push. */
function pushOf(exe: string, argv: readonly string[]) {
  const r = recognized(exe, argv);
  return r?.kind === 'push' ? { tool: r.tool, remote: r.remote, host: r.destinationHost } : null;
}

const alertsOf = async (events: NormalizedEvent[]) => (await runResolved(events)).alerts;
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

describe('a push read plainly from words that outnumber the arguments', () => {
  it('stands only when some grouping of the words into the count is one (`mvn -Dmsg="run deploy later" verify`)', async () => {
    expect(pushOf('/usr/bin/mvn', ['mvn', '-Dmsg=run deploy later', 'verify'])).toBeNull();
    expect(await alertsOf(run('/usr/bin/mvn', ['mvn', '-Dmsg=run deploy later', 'verify'], null))).toEqual([]);
    for (const argv of [
      ['mvn', '-Dmsg=run later', 'deploy'],
      ['mvn', '-B', '-Dmsg=a b', 'clean', 'deploy'],
    ]) {
      expect(pushOf('/usr/bin/mvn', argv)?.tool, argv.join(' ')).toBe('maven');
      expect(brief(await alertsOf(run('/usr/bin/mvn', argv, null))), argv.join(' ')).toHaveLength(1);
    }
  });

  it('stands as read when the groupings are too many to list', () => {
    const view = falcoView('/usr/bin/mvn', ['mvn', `-Dmsg=${words(40)}`, `-Dother=${words(40)}`, 'deploy']);
    const plain = recognizeProcess({ ...view, argvCount: undefined }, () => false);
    expect(plain?.kind).toBe('push');
    if (plain?.kind !== 'push') return;
    let calls = 0;
    const held = plainPushHeld(plain, view, pushTools, () => {
      calls++;
      return null;
    });
    expect([held, calls]).toEqual([plain, 0]);
  });
});

/** Falco's alerts for one run of `argv` that reads the AWS credentials and connects to `ip` (none when null). */
function run(exe: string, argv: readonly string[], ip: string | null): NormalizedEvent[] {
  const events = falcoRun(exe, argv, ip ?? GITHUB);
  return ip === null ? events.filter((e) => e.kind !== 'net') : events;
}
