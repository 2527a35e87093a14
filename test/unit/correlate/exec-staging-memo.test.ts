/**
 * What an exec stages (../../../src/correlate/staging-guards.ts) is kept per command line: every container that
 * runs a command line seen before is marked as the first was; mvnw installing its distribution is still told by
 * its parent per exec; and an answer that depended on the node's script parse budget
 * (../../../src/correlate/shell-script-gate.ts) is never kept: a script refused once is read when the budget is
 * back.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SCRIPT_CHARS } from '../../../src/correlate/shell-script.js';
import { SCRIPT_CHARS_BURST, ShellScriptGate } from '../../../src/correlate/shell-script-gate.js';
import { ExecStagings, noteStagings } from '../../../src/correlate/staging-guards.js';
import { STAGED_CACHE, STAGED_MODULES, stagedIn } from '../../../src/correlate/staging-marks.js';
import { ContainerState, newNodeState } from '../../../src/correlate/state.js';
import type { ProcessRef } from '../../../src/model/normalized-event.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { counterValue, T0 } from './builder.js';

const M2 = '/home/runner/.m2/repository/org/acme/x/1.0';
const node = newNodeState('node-a');
const container = (id: string) => new ContainerState(id, { id, name: id, image: null }, null, node, T0);
const exec = (binary: string, args: string, parentArgs: string | null = null): ProcessRef => ({
  execId: `e-${args.length}`,
  parentExecId: null,
  pid: 7,
  binary,
  args,
  cwd: '/workspace',
  parentArgs,
});
const gateOf = () => new ShellScriptGate(createMetrics().shellScriptsSkipped, silentLogger());
const marks = (c: ContainerState) => [stagedIn(c, STAGED_CACHE), stagedIn(c, STAGED_MODULES)];

describe('what an exec stages, kept per command line', () => {
  it('marks every container that runs a command line seen before', () => {
    const stagings = new ExecStagings();
    const gate = gateOf();
    const move = exec('/bin/mv', `/srv/exports/db.dump ${M2}/x-1.0.jar`);
    const link = exec('/bin/ln', '-s /srv/exports /workspace/node_modules/lodash');
    const [a, b] = [container('a'), container('b')];
    for (const c of [a, b]) for (const p of [move, link]) noteStagings(c, stagings.of(p, gate.at(node)), p);
    expect([...marks(a), ...marks(b)]).toEqual([true, true, true, true]);
    expect(stagings.size).toBe(2);
    // A probe stages nothing, in any container.
    const probe = container('c');
    const kill = exec('/bin/sh', '-c kill -0 1');
    for (let i = 0; i < 2; i++) noteStagings(probe, stagings.of(kill, gate.at(node)), kill);
    expect([...marks(probe), stagings.size]).toEqual([false, false, 3]);
  });

  it("asks mvnw's install of its distribution per exec: the same move by another parent stages", () => {
    const stagings = new ExecStagings();
    const gate = gateOf();
    const args = '-- /tmp/tmp.Ab3dEf9hIj/apache-maven-3.9.9 /root/.m2/wrapper/dists/apache-maven-3.9.9/3477a4f1';
    const byWrapper = exec('/bin/mv', args, './mvnw -B deploy');
    const byShell = exec('/bin/mv', args, '-c mv');
    const [wrapped, other] = [container('w'), container('o')];
    noteStagings(wrapped, stagings.of(byWrapper, gate.at(node)), byWrapper);
    noteStagings(other, stagings.of(byShell, gate.at(node)), byShell);
    expect([stagedIn(wrapped, STAGED_CACHE), stagedIn(other, STAGED_CACHE), stagings.size]).toEqual([false, true, 1]);
  });

  it("keeps no answer a script's parse budget decided: refused once, read when the budget is back", async () => {
    const metrics = createMetrics();
    const gate = new ShellScriptGate(metrics.shellScriptsSkipped, silentLogger());
    const busy = newNodeState('node-b');
    busy.maxMs = T0;
    // The node's whole budget spent on scripts that may write.
    for (let n = 0, spent = 0; spent < SCRIPT_CHARS_BURST; n++) {
      let s = `echo run ${n};`;
      for (let i = 0; s.length < MAX_SCRIPT_CHARS; i++) s += `echo ${i} > /tmp/out-${i}; `;
      gate.at(busy).writes(`-c "${s.slice(0, MAX_SCRIPT_CHARS)}"`, undefined, null);
      spent += MAX_SCRIPT_CHARS;
    }
    const stagings = new ExecStagings();
    const step = exec('/bin/sh', `-c "cat /srv/exports/db.dump > ${M2}/x-1.0.jar"`);
    const first = container('first');
    noteStagings(first, stagings.of(step, gate.at(busy)), step);
    expect(stagedIn(first, STAGED_CACHE)).toBe(false);
    expect(await counterValue(metrics, 'exfilwatch_shell_scripts_skipped_total', { reason: 'budget' })).toBe(1);
    // Ten seconds of the node's clock later the budget is back: the same step is read.
    busy.maxMs = T0 + 10_000;
    const second = container('second');
    noteStagings(second, stagings.of(step, gate.at(busy)), step);
    expect(stagedIn(second, STAGED_CACHE)).toBe(true);
    expect(stagings.size).toBe(0);
  });
});
