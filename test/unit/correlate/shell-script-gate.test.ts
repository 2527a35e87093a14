/**
 * What reading shells' inline scripts may cost (src/correlate/shell-script-gate.ts): a node's budget of characters
 * parsed, refilled by its clock; scripts that cannot copy and scripts seen lately spend none of it.
 */
import { describe, expect, it } from 'vitest';
import { relinked } from '../../../src/correlate/relinks.js';
import { copiesOf } from '../../../src/correlate/shell-copies.js';
import { mayCopy } from '../../../src/correlate/shell-prefilter.js';
import { MAX_SCRIPT_CHARS } from '../../../src/correlate/shell-script.js';
import {
  SCRIPT_CHARS_BURST,
  SCRIPT_CHARS_PER_SECOND,
  ShellScriptGate,
} from '../../../src/correlate/shell-script-gate.js';
import { createLogger, silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { counterValue, runResolved, Scenario, T0 } from './builder.js';
import { LOW, steps, summary, TOKEN } from './workspace-scenario.js';

const SKIPPED = 'exfilwatch_shell_scripts_skipped_total';
const COPY = `cat ${TOKEN} > /workspace/source/t`;
const HIGH = [['sensitive-read-then-push', 'high', 'step-build', 'kaniko', ['/workspace/source/t']]];

/** A node's state as the gate reads it (its name and clock). */
const node = (name: string) => ({ name, maxMs: T0 }) as Parameters<ShellScriptGate['at']>[0];

/** A script of MAX_SCRIPT_CHARS made of `line(i)`s, different for each `n`. */
function longScript(n: number, line: (i: number) => string): string {
  let s = `echo run ${n};`;
  for (let i = 0; s.length < MAX_SCRIPT_CHARS; i++) s += line(i);
  return s.slice(0, MAX_SCRIPT_CHARS);
}

/** `scripts` run by `sh -c` on the node `secondsBefore` the workspace copy (step 1) and step 2's push. */
async function afterScripts(scripts: readonly string[], secondsBefore = 0) {
  const s = new Scenario({ startMs: T0 - secondsBefore * 1000 });
  const ci = s.container({ namespace: 'ci', pod: 'busy-run-pod', name: 'step-loop' });
  const sh = s.init(ci);
  for (const script of scripts) s.exec(ci, '/bin/sh', `-c "${script}"`, { parent: sh });
  const events = [...s.events, ...steps({ binary: '/bin/sh', copy: `-c "${COPY}"`, reads: ['/workspace/source/t'] })];
  const { alerts, metrics } = await runResolved(events);
  return { alerts: summary(alerts), skipped: await counterValue(metrics, SKIPPED, { reason: 'budget' }) };
}

describe("a node's budget for parsing shell scripts", () => {
  it('skips scripts once it is spent, counted, until its clock refills it', async () => {
    const fit = SCRIPT_CHARS_BURST / MAX_SCRIPT_CHARS;
    const scripts = Array.from({ length: fit + 8 }, (_, n) => longScript(n, (i) => `echo ${i} > /tmp/out-${i}; `));
    // At the same time: the 8 past the budget and the copy after them are not read (the copy is missed).
    expect(await afterScripts(scripts)).toEqual({ alerts: LOW, skipped: 9 });
    // Long enough before for the budget to refill: every script is read, and the copy is found.
    const refill = Math.ceil(SCRIPT_CHARS_BURST / SCRIPT_CHARS_PER_SECOND);
    expect(await afterScripts(scripts, refill)).toEqual({ alerts: HIGH, skipped: 8 });
  });

  it('logs the scripts it skips once a minute per node, and counts each', async () => {
    const lines: string[] = [];
    const metrics = createMetrics();
    const gate = new ShellScriptGate(
      metrics.shellScriptsSkipped,
      createLogger('warn', { write: (l) => lines.push(l) }),
    );
    const reader = gate.at(node('node-a'));
    const fit = SCRIPT_CHARS_BURST / MAX_SCRIPT_CHARS;
    for (let n = 0; n < fit + 2; n++)
      reader.writes(`-c "${longScript(n, (i) => `echo ${i} > /tmp/o${i}; `)}"`, undefined, null);
    expect(await counterValue(metrics, SKIPPED, { reason: 'budget' })).toBe(2);
    expect(lines.map((l) => JSON.parse(l) as { node: string; skipped: number })).toMatchObject([
      { node: 'node-a', skipped: 1 },
    ]);
  });

  it('is not spent by scripts that cannot copy, nor by a script read lately', async () => {
    const count = (2 * SCRIPT_CHARS_BURST) / MAX_SCRIPT_CHARS;
    const quiet = Array.from({ length: count }, (_, n) =>
      longScript(n, (i) => `make -C dir${i} build 2>/dev/null | grep -v warn >&2 || exit 1; `),
    );
    expect(await afterScripts(quiet)).toEqual({ alerts: HIGH, skipped: 0 });
    const same = longScript(0, (i) => `echo ${i} > /tmp/out-${i}; `);
    expect(await afterScripts(Array.from({ length: count }, () => same))).toEqual({ alerts: HIGH, skipped: 0 });
  });

  it('gives a script read lately the same writes and copies, for any node', () => {
    const gate = new ShellScriptGate(createMetrics().shellScriptsSkipped, silentLogger());
    const args = `-c "${COPY}"`;
    const writes = gate.at(node('node-a')).writes(args, undefined, '/src');
    const first = copiesOf(writes);
    expect(first.into).toEqual(['/workspace/source/t']);
    expect(gate.at(node('node-b')).writes(args, undefined, '/src')).toBe(writes);
    expect(copiesOf(gate.at(node('node-a')).writes(args, undefined, '/src'))).toBe(first);
    // Another working directory is another key: a relative path may land elsewhere.
    expect(copiesOf(gate.at(node('node-a')).writes(args, undefined, '/other'))).not.toBe(first);
  });

  it('counts a script read only in part', async () => {
    const metrics = createMetrics();
    const gate = new ShellScriptGate(metrics.shellScriptsSkipped, silentLogger());
    const long = `${COPY}; ${'echo padding; '.repeat(MAX_SCRIPT_CHARS / 10)}`;
    expect(relinked('/bin/sh', `-c "${long}"`, null, undefined, gate.at(node('node-a'))).into).toEqual([
      '/workspace/source/t',
    ]);
    expect(await counterValue(metrics, SKIPPED, { reason: 'too_long' })).toBe(1);
  });
});

describe('scripts that cannot copy, told without parsing', () => {
  it('may copy with a redirection of stdout to a file or a program that writes one', () => {
    for (const script of [
      'cat t > /w/t',
      'cat t 2>/dev/null >/w/t',
      'cat token2>/w/t',
      'cat t >>/w/t',
      'cat t &> /w/t',
      'cat t >&/w/t',
      'cat t > /dev/../w/t',
      'cat t | tee /w/t',
      "cat t | t''ee /w/t",
      'cat t | t\\ee /w/t',
      'tar c t | tar x -C /w',
      'openssl base64 -in t -out /w/t',
      'echo a | rsync --files-from=- / /w/',
    ])
      expect(mayCopy(script, []), script).toBe(true);
    // A program named by a parameter: `sh -c '"$0" /w/t < token' tee`.
    expect(mayCopy('"$0" /w/t < t', ['tee'])).toBe(true);
  });

  it('cannot copy without either', () => {
    for (const script of [
      'make build 2>/dev/null',
      'go test ./... >/dev/null 2>&1',
      'echo error >&2; exit 1',
      'go vet ./... 2>> err.log | grep -v vendor',
      'echo $TOKEN | docker login --password-stdin ghcr.io',
      'kubectl apply -f k8s/ < /dev/null',
      'cat x >/dev/stderr',
    ])
      expect(mayCopy(script, []), script).toBe(false);
  });
});

describe("the script's words, split only as far as needed", () => {
  const into = (args: string, argvCount?: number) => relinked('/bin/sh', args, null, argvCount).into;

  it('finds the script after many options, and its parameters', () => {
    const options = '-x '.repeat(40);
    expect(into(`${options}-c "${COPY}"`)).toEqual(['/workspace/source/t']);
    expect(into(`${options}-c 'cat "$1" > "$2"' sh ${TOKEN} /workspace/source/t`)).toEqual(['/workspace/source/t']);
    expect(into(`-c 'cat "$9" > /workspace/source/t' sh 1 2 3 4 5 6 7 8 ${TOKEN}`)).toEqual(['/workspace/source/t']);
  });

  it("takes Falco's unquoted long script whole", () => {
    const long = `${'echo padding;'.repeat(200)} ${COPY}`;
    expect(into(`-c ${long}`, 2)).toEqual(['/workspace/source/t']);
    expect(into(`${'-x '.repeat(40)}-c ${COPY}`, 42)).toEqual(['/workspace/source/t']);
  });
});
