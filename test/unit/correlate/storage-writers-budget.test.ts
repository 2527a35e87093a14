/**
 * The staging reader of shells' scripts (../../../src/correlate/storage-writers.ts: `ln` to a storage, `cpio` into
 * it, commands run in it) reads them through the engine's gate (../../../src/correlate/shell-script-gate.ts): within
 * the node's parse budget (past it a script is skipped and counted, as for the copy and cache readers), and parsed
 * once per exec for every reader. It parsed them itself before, unbounded, twice per exec (./own-products.ts too).
 */
import { describe, expect, it } from 'vitest';
import { ExecWrites } from '../../../src/correlate/exec-writes.js';
import { MAX_SCRIPT_CHARS } from '../../../src/correlate/shell-script.js';
import { SCRIPT_CHARS_BURST, ShellScriptGate } from '../../../src/correlate/shell-script-gate.js';
import type { ProcessRef } from '../../../src/model/normalized-event.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { counterValue, T0 } from './builder.js';

const SKIPPED = 'exfilwatch_shell_scripts_skipped_total';
const STORAGE = '/var/lib/containers/storage';
const LINK = `ln -s ${STORAGE}/vfs/dir/${'3f'.repeat(32)} /tmp/s`;
const intoStorage = (path: string) => path === STORAGE || path.startsWith(`${STORAGE}/`);

const node = (name: string) => ({ name, maxMs: T0 }) as Parameters<ShellScriptGate['at']>[0];
const sh = (script: string): ProcessRef =>
  ({
    execId: 'e',
    parentExecId: null,
    pid: 1,
    binary: '/bin/sh',
    args: `-c "${script}"`,
    cwd: '/workspace',
  }) as ProcessRef;

/** A script of `chars` characters that may copy, different for each `n`. */
function filler(n: number, chars = MAX_SCRIPT_CHARS): string {
  let s = `echo run ${n};`;
  for (let i = 0; s.length < chars; i++) s += `echo ${i} > /tmp/out-${i}; `;
  return s.slice(0, chars);
}

/** A gate whose node has `left` characters of its budget left. */
function gateWith(left: number) {
  const metrics = createMetrics();
  const gate = new ShellScriptGate(metrics.shellScriptsSkipped, silentLogger());
  const at = node('node-a');
  let spend = SCRIPT_CHARS_BURST - left;
  for (let n = 0; spend > 0; n++) {
    const chars = Math.min(MAX_SCRIPT_CHARS, spend);
    gate.at(at).writes(`-c "${filler(n, chars)}"`, undefined, null);
    spend -= chars;
  }
  return { metrics, reader: () => gate.at(at) };
}

describe("staging read from shells' scripts, within the node's parse budget", () => {
  it('a script over budget is skipped and counted for this reader too', async () => {
    const { metrics, reader } = gateWith(0);
    expect(new ExecWrites(sh(LINK), reader()).otherwise.paths.some(intoStorage)).toBe(false);
    expect(await counterValue(metrics, SKIPPED, { reason: 'budget' })).toBe(1);
    // With budget left, the link is found.
    const fresh = gateWith(SCRIPT_CHARS_BURST);
    expect(new ExecWrites(sh(LINK), fresh.reader()).otherwise.paths.some(intoStorage)).toBe(true);
    expect(await counterValue(fresh.metrics, SKIPPED, { reason: 'budget' })).toBe(0);
  });

  it('parses a script once per exec for every reader: budget for one parse is enough for all', async () => {
    const script = `${LINK}; cd ${STORAGE} && tar xf /tmp/loot.tar > /tmp/log`;
    const { metrics, reader } = gateWith(script.length);
    const exec = reader();
    const p = sh(script);
    const writes = new ExecWrites(p, exec);
    expect(writes.written.some(intoStorage)).toBe(true);
    expect(writes.otherwise.paths.some(intoStorage)).toBe(true);
    // Another reader of the same exec (as the copy reader is) finds the script read already.
    expect(new ExecWrites(p, exec).otherwise.paths.some(intoStorage)).toBe(true);
    expect(await counterValue(metrics, SKIPPED, { reason: 'budget' })).toBe(0);
  });
});
