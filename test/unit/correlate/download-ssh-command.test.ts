/**
 * git runs an ssh command with options (`GIT_SSH_COMMAND`, `core.sshCommand`: `ssh -i KEY -o …`) through
 * `sh -c 'ssh -i KEY -o … "$@"' ssh git@host git-upload-pack 'repo'`, so the transport of a fetch is the
 * shell's child, not git's. Argo CD's repo-server fetches every repository it renders that way (its key in a
 * temporary file, its known hosts by option), many times an hour: the fetches' requests (the refs they have,
 * a few dozen KiB each) were no download's, added up past `egressPushMinBytes` in the container and made a
 * push by egress of ssh, `push-after-moderate-reads` on the manifests it renders (found by a red-team review
 * of CI/CD pipelines). A shell a download starts whose script is one ssh command fetching (upload-pack) is its
 * transport; any other shell or program a download starts (a hook, a script around ssh) is still judged.
 */
import { describe, expect, it } from 'vitest';
import { brief, type Ctr, type Proc, runResolved, Scenario } from './builder.js';

const GITHUB_IP = '140.82.112.3';
const SSH_OPTS =
  '-i /dev/shm/2750219 -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/app/config/ssh/ssh_known_hosts';

function repoServer() {
  const s = new Scenario({ source: 'tetragon' });
  const c = s.container({
    namespace: 'argocd',
    pod: 'argocd-repo-server-6f8d9c7b5-k9m3x',
    name: 'repo-server',
    image: 'quay.io/argoproj/argocd:v2.13.3',
  });
  const server = s.init(c, '/usr/local/bin/argocd-repo-server', '--port 8081');
  return { s, c, server };
}

/** One `git fetch` whose ssh runs under `sh -c SCRIPT`, sending `bytes`; then a render reading manifests. */
function fetchOverSsh(s: Scenario, c: Ctr, server: Proc, i: number, script: string, bytes = 40_000): void {
  const repo = `acme/deploy-${i % 8}.git`;
  const fetch = s.exec(c, '/usr/bin/git', 'fetch origin --tags --force --prune', { parent: server });
  const sh = s.exec(c, '/bin/sh', `-c ${script} ssh git@github.com git-upload-pack '${repo}'`, { parent: fetch });
  const ssh = s.exec(c, '/usr/bin/ssh', `${SSH_OPTS} git@github.com git-upload-pack '${repo}'`, { parent: sh });
  s.connect(ssh, GITHUB_IP, 22, { cookie: String(100 + i) }).send(ssh, GITHUB_IP, 22, bytes, {
    cookie: String(100 + i),
  });
  s.exit(ssh).exit(sh).exit(fetch);
  s.readMany(server, `/tmp/_argocd-repo/r${i % 8}/apps`, 30, 20_000);
  s.wait(40_000);
}

describe("a download's ssh command run through a shell", () => {
  it.each([
    ["Argo CD's GIT_SSH_COMMAND", `ssh ${SSH_OPTS} "$@"`],
    ["actions/checkout's core.sshCommand", '"/usr/bin/ssh" -i "$RUNNER_TEMP/a1b2" -o StrictHostKeyChecking=yes "$@"'],
  ])('fetches over SSH with options (%s) add up to no push', async (_, script) => {
    const { s, c, server } = repoServer();
    for (let i = 0; i < 40; i++) fetchOverSsh(s, c, server, i, script);
    expect(brief((await runResolved(s.events)).alerts)).toEqual([]);
  });

  it('a script that does more than run ssh is not the transport: its ssh counts', async () => {
    const { s, c, server } = repoServer();
    for (let i = 0; i < 40; i++) fetchOverSsh(s, c, server, i, `true; ssh ${SSH_OPTS} "$@"`);
    expect(brief((await runResolved(s.events)).alerts).map((a) => a.rule)).toEqual(['push-after-moderate-reads']);
  });

  it("a shell under a download running another program than ssh is judged (its child's upload is a push)", async () => {
    const { s, c, server } = repoServer();
    const fetch = s.exec(c, '/usr/bin/git', 'fetch origin', { parent: server });
    const sh = s.exec(c, '/bin/sh', '-c python3 /tmp/u.py "$@" ssh git@github.com git-upload-pack \'acme/x.git\'', {
      parent: fetch,
    });
    const py = s.exec(c, '/usr/bin/python3', "/tmp/u.py ssh git@github.com git-upload-pack 'acme/x.git'", {
      parent: sh,
    });
    s.connect(py, GITHUB_IP, 22, { cookie: '9' }).send(py, GITHUB_IP, 22, 3_000_000, { cookie: '9' });
    s.exit(py).exit(sh).exit(fetch);
    expect(brief((await runResolved(s.events)).alerts).map((a) => a.rule)).toEqual(['push-without-reads']);
  });

  it('a shell running ssh that is no download (the app itself) is judged as before', async () => {
    const { s, c, server } = repoServer();
    for (let i = 0; i < 40; i++) {
      const sh = s.exec(c, '/bin/sh', `-c ssh ${SSH_OPTS} "$@" ssh git@github.com git-upload-pack 'acme/x.git'`, {
        parent: server,
      });
      const ssh = s.exec(c, '/usr/bin/ssh', `${SSH_OPTS} git@github.com git-upload-pack 'acme/x.git'`, { parent: sh });
      s.connect(ssh, GITHUB_IP, 22, { cookie: String(i) }).send(ssh, GITHUB_IP, 22, 40_000, { cookie: String(i) });
      s.exit(ssh).exit(sh).wait(40_000);
    }
    expect(brief((await runResolved(s.events)).alerts).length).toBe(1);
  });

  // Found by review: the master a fetch's ssh opens (`ControlPersist`) or a forward it keeps carries other
  // processes' traffic later, as its own egress; so does one a config file (`-F`) asks for.
  it.each([
    '-o ControlMaster=yes -o ControlPersist=600 -o ControlPath=/tmp/c',
    '-o "ControlMaster auto" -oControlPersist=yes',
    '-M -S /tmp/c',
    '-fN -D 1080',
    '-i /dev/shm/k -R 9000:localhost:22',
    '-F /tmp/.cfg',
  ])("a fetch's ssh made a relay (%s) is not the transport: what it carries later counts", async (options) => {
    const { s, c, server } = repoServer();
    for (let i = 0; i < 40; i++) s.read(server, `/srv/exports/part-${i}.csv`, 2 * 1024 * 1024);
    const fetch = s.exec(c, '/usr/bin/git', 'fetch git@github.com:evil/x.git', { parent: server });
    const sh = s.exec(c, '/bin/sh', `-c ssh ${options} "$@" ssh git@github.com git-upload-pack 'evil/x.git'`, {
      parent: fetch,
    });
    const ssh = s.exec(c, '/usr/bin/ssh', `${options} git@github.com git-upload-pack 'evil/x.git'`, { parent: sh });
    s.connect(ssh, GITHUB_IP, 22, { cookie: '9' });
    s.exit(sh).exit(fetch);
    s.wait(5_000)
      .send(ssh, GITHUB_IP, 22, 80 * 1024 * 1024, { cookie: '9' })
      .wait(2_000)
      .exit(ssh);
    expect(brief((await runResolved(s.events)).alerts).map((a) => a.rule)).toEqual(['bulk-read-then-push']);
  });
});
