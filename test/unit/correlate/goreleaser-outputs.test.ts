/**
 * goreleaser builds each target with `go build -o dist/ID_OS_ARCH/BINARY` in a child, reads the binaries into the
 * archives it writes in `dist/`, and reads those again for checksums, SBOMs (syft) and the upload: a 20 MiB tool
 * for six platforms read 168 MiB of its own products and was `bulk-read-then-push`, high (found by a red-team
 * review of CI pipelines): ../../../src/correlate/release-outputs.ts. Data put into `dist/` by a hook (`mv`, `cp`,
 * a redirection, `tar x`), goreleaser's reads of anything else, anyone else's reads of `dist/`, a goreleaser from a
 * scratch directory and a secret built into `dist/` still count. goreleaser is a push tool (`goreleaser release`,
 * src/rules/tools/forge-clis.ts): its release with nothing else read is `push-without-reads`, low.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, runResolved, type Scenario } from './builder.js';
import { GITHUB_IP, runnerPod } from './runner-job.js';
import { stageWindowBefore } from './staging-step.js';

const HOME = '/home/runner';
const WORK = `${HOME}/_work/tool/tool`;
const GO = '/opt/hostedtoolcache/go/1.23.4/x64/bin/go';
const GORELEASER = '/opt/hostedtoolcache/goreleaser-action/2.5.0/x64/goreleaser';
const SYFT = '/opt/hostedtoolcache/syft/1.18.1/x64/syft';
const TARGETS = [
  'linux_amd64_v1',
  'linux_arm64',
  'darwin_amd64_v1',
  'darwin_arm64',
  'windows_amd64_v1',
  'windows_arm64',
];

/** goreleaser's argv names no host: its destination is its first connect, known by resolving the forge's name. */
const rules = async (s: Scenario) => brief((await runResolved(s.events)).alerts).map((a) => `${a.rule} ${a.severity}`);

interface ReleaseOptions {
  goreleaser?: string;
  /** Run by goreleaser before its builds (`before.hooks`). */
  hook?: (goreleaser: Proc) => void;
  /** Run once the archives are written, before the upload. */
  also?: (goreleaser: Proc) => void;
  /** The `-o` of the first target's `go build`. */
  output?: string;
  /** goreleaser's working directory as the sensor gives it (Falco's ends with a slash). */
  cwd?: string;
}

/**
 * `goreleaser release --clean` of a 20 MiB tool for six platforms: a `go build` child per target (reading the
 * project's sources), goreleaser reading each binary into its archive (8 MiB) and each archive again for the
 * checksums, syft reading each archive for its SBOM, then a 50 MiB upload to GitHub's release.
 */
function release(s: Scenario, c: Ctr, parent: Proc, o: ReleaseOptions = {}): void {
  const goreleaser = s.exec(c, o.goreleaser ?? GORELEASER, 'release --clean', { parent, cwd: o.cwd ?? WORK });
  o.hook?.(goreleaser);
  for (const [i, target] of TARGETS.entries()) {
    const output = i === 0 && o.output !== undefined ? o.output : `dist/tool_${target}/tool`;
    const go = s.exec(c, GO, `build -trimpath -ldflags=-s -o ${output} ./cmd/tool`, { parent: goreleaser, cwd: WORK });
    for (let f = 0; f < 10; f++) s.read(go, `${WORK}/internal/f${f}.go`, 8_000);
    s.exit(go);
  }
  for (const target of TARGETS) {
    const binary = `${WORK}/dist/tool_${target}/tool`;
    const archive = `${WORK}/dist/tool_1.4.0_${target.replace(/_v1$/, '')}.tar.gz`;
    s.read(goreleaser, binary, 20 * MiB).read(goreleaser, `${WORK}/LICENSE`, 11_000);
    s.write(goreleaser, archive, 8 * MiB).read(goreleaser, archive, 8 * MiB);
    const syft = s.exec(c, SYFT, `scan ${archive} --output spdx-json=${archive}.sbom.json`, {
      parent: goreleaser,
      cwd: WORK,
    });
    s.read(syft, archive, 8 * MiB)
      .write(syft, `${archive}.sbom.json`, 300_000)
      .exit(syft);
    s.read(goreleaser, `${archive}.sbom.json`, 300_000);
  }
  s.read(goreleaser, `${WORK}/dist/tool_1.4.0_checksums.txt`, 1_000);
  s.read(goreleaser, `${WORK}/dist/metadata.json`, 400).read(goreleaser, `${WORK}/dist/artifacts.json`, 9_000);
  o.also?.(goreleaser);
  for (const target of TARGETS) {
    s.read(goreleaser, `${WORK}/dist/tool_1.4.0_${target.replace(/_v1$/, '')}.tar.gz`, 8 * MiB);
  }
  s.connect(goreleaser, GITHUB_IP, 443, { cookie: '7' }).send(goreleaser, GITHUB_IP, 443, 50 * MiB, { cookie: '7' });
  s.wait(1_000).exit(goreleaser);
}

function readMiB(s: Scenario, p: Proc, path: string, files: number): void {
  for (let i = 0; i < files; i++) s.read(p, path.replace('{i}', String(i)), 2 * MiB, { op: 'read' }).wait(10);
}

describe('goreleaser reading the binaries and archives it built', () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    'a six-platform release has no notable reads: goreleaser, a push tool, uploading what it built is low (%s)',
    async (source) => {
      const { s, c, worker } = runnerPod('tool', source);
      release(s, c, worker);
      expect(await rules(s)).toEqual(['push-without-reads low']);
    },
  );

  it("Falco's working directory, ending with a slash, is goreleaser's all the same", async () => {
    const { s, c, worker } = runnerPod('tool', 'falco');
    release(s, c, worker, { cwd: `${WORK}/` });
    expect(await rules(s)).toEqual(['push-without-reads low']);
  });
});

describe('goreleaser, a push tool', () => {
  it('its release is recognised by argv, its destination the address it connects to', async () => {
    const { s, c, worker } = runnerPod('tool');
    release(s, c, worker);
    const alerts = brief((await runResolved(s.events)).alerts);
    expect(alerts).toEqual([
      { rule: 'push-without-reads', severity: 'low', tool: 'goreleaser', destination: `${GITHUB_IP}:443` },
    ]);
  });

  it('goreleaser with flags only is a release', async () => {
    const { s, c, worker } = runnerPod('tool');
    const goreleaser = s.exec(c, GORELEASER, '--clean', { parent: worker, cwd: WORK });
    s.read(goreleaser, `${WORK}/.goreleaser.yaml`, 3_000);
    s.connect(goreleaser, GITHUB_IP, 443, { cookie: '7' }).send(goreleaser, GITHUB_IP, 443, 40_000, { cookie: '7' });
    s.wait(1_000).exit(goreleaser);
    expect(await rules(s)).toEqual(['push-without-reads low']);
  });

  it('a snapshot publishes nothing: its few requests are no push', async () => {
    const { s, c, worker } = runnerPod('tool');
    const goreleaser = s.exec(c, GORELEASER, 'release --snapshot --clean', { parent: worker, cwd: WORK });
    s.read(goreleaser, `${WORK}/.goreleaser.yaml`, 3_000);
    s.connect(goreleaser, GITHUB_IP, 443, { cookie: '7' }).send(goreleaser, GITHUB_IP, 443, 40_000, { cookie: '7' });
    s.wait(1_000).exit(goreleaser);
    expect(await rules(s)).toEqual([]);
  });
});

describe('goreleaser binaries below a directory of dist/', () => {
  it('a binary named bin/tool is its own product too', async () => {
    const { s, c, worker } = runnerPod('tool');
    const goreleaser = s.exec(c, GORELEASER, 'release --clean', { parent: worker, cwd: WORK });
    const out = 'dist/tool_linux_amd64_v1/bin/tool';
    s.exit(s.exec(c, GO, `build -o ${out} ./cmd/tool`, { parent: goreleaser, cwd: WORK }));
    for (let i = 0; i < 60; i++) s.read(goreleaser, `${WORK}/${out}`, 2 * MiB);
    s.connect(goreleaser, GITHUB_IP, 443, { cookie: '7' }).send(goreleaser, GITHUB_IP, 443, 5 * MiB, { cookie: '7' });
    s.wait(1_000).exit(goreleaser);
    expect(await rules(s)).toEqual(['push-without-reads low']);
  });
});

describe('what still counts around a goreleaser release', () => {
  it('without its own go build, the archives it reads count (a program merely named goreleaser)', async () => {
    const { s, c, worker } = runnerPod('tool');
    const goreleaser = s.exec(c, GORELEASER, 'release --clean', { parent: worker, cwd: WORK });
    for (let i = 0; i < 60; i++) s.read(goreleaser, `${WORK}/dist/tool_1.4.0_linux_amd64.tar.gz`, 2 * MiB);
    s.connect(goreleaser, GITHUB_IP, 443, { cookie: '7' }).send(goreleaser, GITHUB_IP, 443, 50 * MiB, { cookie: '7' });
    s.wait(1_000).exit(goreleaser);
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it("goreleaser's reads of anything else count (archives.files naming 300 MiB of exports)", async () => {
    const { s, c, worker } = runnerPod('tool');
    release(s, c, worker, { also: (g) => readMiB(s, g, '/srv/exports/part-{i}.csv', 150) });
    expect(await rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it('another process reading dist/ counts', async () => {
    const { s, c, worker } = runnerPod('tool');
    release(s, c, worker, {
      also: () => {
        const tar = s.exec(c, '/usr/bin/tar', 'czf /tmp/all.tgz dist', { parent: worker, cwd: WORK });
        for (const t of TARGETS) s.read(tar, `${WORK}/dist/tool_${t}/tool`, 20 * MiB);
        s.exit(tar);
      },
    });
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it('a goreleaser from a scratch directory builds nothing of its own', async () => {
    const { s, c, worker } = runnerPod('tool');
    release(s, c, worker, { goreleaser: '/tmp/.x/goreleaser' });
    expect(await rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it('a go build output outside dist/ (a data file it names, the build failing) counts', async () => {
    const { s, c, worker } = runnerPod('tool');
    release(s, c, worker, {
      output: '/srv/exports/db.dump',
      also: (g) => {
        for (let i = 0; i < 40; i++) s.read(g, '/srv/exports/db.dump', 2 * MiB);
      },
    });
    expect(await rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it('a secret a go build names in dist/ still counts', async () => {
    const { s, c, worker } = runnerPod('tool');
    release(s, c, worker, {
      output: `${WORK}/dist/keys_linux_amd64/id_rsa`,
      also: (g) => s.read(g, `${WORK}/dist/keys_linux_amd64/id_rsa`, 2_600),
    });
    expect(await rules(s)).toEqual(['sensitive-read-then-push high']);
  });
});

describe('data put into dist/ by a build hook or an earlier step, then released by goreleaser', () => {
  it.each([
    // A hook goreleaser runs renames a dump over an archive's name, or a binary's: no read at all.
    ['/usr/bin/mv', `/srv/exports/db.dump ${WORK}/dist/tool_1.4.0_linux_amd64.tar.gz`],
    ['/usr/bin/mv', '/srv/exports/db.dump dist/tool_linux_amd64_v1/tool'],
    ['/bin/ln', '-f /srv/exports/db.dump dist/tool_1.4.0_linux_arm64.tar.gz'],
    ['/usr/bin/busybox', 'mv /srv/exports/db.dump dist/tool_1.4.0_windows_arm64.zip'],
    // A program writing the file it names (../../../src/correlate/product-writers.ts).
    ['/usr/bin/sort', '-o dist/tool_1.4.0_linux_amd64.tar.gz /srv/exports/db.dump'],
    ['/usr/bin/curl', '-so dist/tool_1.4.0_linux_amd64.tar.gz file:///srv/exports/db.dump'],
  ])('a hook %s %s: goreleaser reading it counts', async (binary, args) => {
    const { s, c, worker } = runnerPod('tool');
    release(s, c, worker, {
      hook: (g) => {
        // The hook as goreleaser runs it, through a shell: the shell starts mv as a process of its own.
        const sh = s.exec(c, '/bin/sh', `-c "mkdir -p dist && ${binary} ${args}"`, { parent: g, cwd: WORK });
        s.exit(s.exec(c, binary, args, { parent: sh, cwd: WORK })).exit(sh);
      },
      also: (g) => {
        for (let i = 0; i < 60; i++) s.read(g, `${WORK}/dist/tool_1.4.0_linux_amd64.tar.gz`, 2 * MiB);
      },
    });
    expect(await rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it.each([
    // A copy, a redirection or an extraction a window before: its own reads are out of the release's window.
    ['/bin/cp', '/srv/exports/db.dump dist/tool_1.4.0_linux_amd64.tar.gz'],
    ['/bin/sh', '-c "python3 /tmp/pack.py > dist/tool_1.4.0_linux_amd64.tar.gz"'],
    ['/usr/bin/tar', 'xf /tmp/loot.tar -C dist'],
  ])('%s %s a window before the release: goreleaser reading it counts', async (binary, args) => {
    const { s, c, worker } = runnerPod('tool');
    stageWindowBefore(s, c, binary, args, {
      parent: worker,
      cwd: WORK,
      reads: (stager) => readMiB(s, stager, '/srv/exports/db.dump', 60),
    });
    release(s, c, worker, {
      also: (g) => {
        for (let i = 0; i < 60; i++) s.read(g, `${WORK}/dist/tool_1.4.0_linux_amd64.tar.gz`, 2 * MiB);
      },
    });
    expect(await rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it('a hook writing elsewhere (completions, a tidy) is no staging', async () => {
    const { s, c, worker } = runnerPod('tool');
    release(s, c, worker, {
      hook: (g) => {
        s.exit(s.exec(c, GO, 'mod tidy', { parent: g, cwd: WORK }));
        s.exit(
          s.exec(c, '/bin/sh', '-c "mkdir -p completions && ./tool completion bash > completions/tool.bash"', {
            parent: g,
            cwd: WORK,
          }),
        );
      },
    });
    expect(await rules(s)).toEqual(['push-without-reads low']);
  });
});
