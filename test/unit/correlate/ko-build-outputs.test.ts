/**
 * ko builds each image's binary with `go build … -o /tmp/koNNN/out IMPORTPATH` in a child and reads it whole
 * into the image's layer (`go version -m` reads it again for the SBOM). A 40 MiB controller built for two
 * platforms was `bulk-read-then-push`, high, for ko reading its own binaries (found by a red-team review of CI
 * pipelines): ../../../src/correlate/build-outputs.ts. ko's other reads, anyone else's reads of the binary, and
 * a `go` run from a scratch directory still count.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { runnerPod } from './runner-job.js';

const HOME = '/home/runner';
const WORK = `${HOME}/_work/ctl/ctl`;
const GO = '/opt/hostedtoolcache/go/1.23.4/x64/bin/go';
const KO = `${HOME}/go/bin/ko`;
const GHCR = '140.82.121.33';

/**
 * `ko build --platform=linux/amd64,linux/arm64 ./cmd/controller`: per platform a `go build` child (reading the
 * module cache), ko reading the 45 MiB binary, `go version -m` reading it; then a 30 MiB upload.
 */
function koBuild(s: Scenario, c: Ctr, parent: Proc, o: { go?: string; also?: (ko: Proc) => void } = {}): void {
  const ko = s.exec(c, KO, 'build --bare --platform=linux/amd64,linux/arm64 ./cmd/controller', { parent, cwd: WORK });
  for (const dir of ['/tmp/ko1572033', '/tmp/ko2290417']) {
    const go = s.exec(c, o.go ?? GO, `build -trimpath -ldflags=-s -o ${dir}/out ./cmd/controller`, {
      parent: ko,
      cwd: WORK,
    });
    for (let i = 0; i < 20; i++) s.read(go, `${HOME}/go/pkg/mod/k8s.io/client-go@v0.31.0/f${i}.go`, MiB);
    s.exit(go);
    s.read(ko, `${dir}/out`, 45 * MiB);
    const version = s.exec(c, o.go ?? GO, `version -m ${dir}/out`, { parent: ko, cwd: WORK });
    s.read(version, `${dir}/out`, 45 * MiB).exit(version);
  }
  s.read(ko, `${WORK}/cmd/controller/kodata/LICENSE`, 11_000);
  o.also?.(ko);
  s.connect(ko, GHCR, 443, { cookie: '9' }).send(ko, GHCR, 443, 30 * MiB, { cookie: '9' });
  s.wait(1_000).exit(ko);
}

const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

describe('ko reading the binaries its own go build wrote', () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    'a two-platform ko build is a push with no notable reads (%s)',
    (source) => {
      const { s, c, worker } = runnerPod('ctl', source);
      koBuild(s, c, worker);
      expect(rules(s)).toEqual(['push-without-reads low']);
    },
  );
});

describe('what still counts around a ko build', () => {
  it("ko's reads of anything else count (kodata linked to 300 MiB of exports)", () => {
    const { s, c, worker } = runnerPod('ctl');
    koBuild(s, c, worker, {
      also: (ko) => {
        for (let i = 0; i < 150; i++) s.read(ko, `/srv/exports/part-${i}.csv`, 2 * MiB);
      },
    });
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it("a go run from a scratch directory writes no output of ko's", () => {
    const { s, c, worker } = runnerPod('ctl');
    koBuild(s, c, worker, { go: '/tmp/.x/go' });
    expect(rules(s)).toEqual(['bulk-read-then-push high']);
  });

  it('another process reading the binary counts', () => {
    const { s, c, worker } = runnerPod('ctl');
    koBuild(s, c, worker, {
      also: () => {
        const cat = s.exec(c, '/usr/bin/cat', '/tmp/ko1572033/out', { parent: worker });
        s.read(cat, '/tmp/ko1572033/out', 45 * MiB)
          .read(cat, '/tmp/ko2290417/out', 45 * MiB)
          .exit(cat);
      },
    });
    expect(rules(s)).toEqual(['bulk-read-then-push high']);
  });

  // A `ko` that is no ko (any binary so named and run with `build`) names a data file as its `go build`'s output,
  // the build fails before writing it, and the data was read as the build's product (found by red-team review).
  it.each(['/srv/exports/db.dump', '/srv/exports/out', '/tmp/koexports/out'])(
    "a file ko's go build names with -o but ko never names so (%s) counts",
    (output) => {
      const { s, c, worker } = runnerPod('ctl');
      const ko = s.exec(c, KO, 'build ./cmd/controller', { parent: worker, cwd: WORK });
      s.exit(s.exec(c, GO, `build -o ${output} ./cmd/nope`, { parent: ko, cwd: WORK }));
      for (let i = 0; i < 150; i++) s.read(ko, output, 2 * MiB);
      s.connect(ko, GHCR, 443, { cookie: '9' }).send(ko, GHCR, 443, 30 * MiB, { cookie: '9' });
      s.wait(1_000).exit(ko);
      expect(rules(s)).toEqual(['bulk-read-then-push critical']);
    },
  );

  it('ko with KOCACHE builds into the cache, a binary per import path and platform', () => {
    const { s, c, worker } = runnerPod('ctl');
    const ko = s.exec(c, KO, 'build ./cmd/controller', { parent: worker, cwd: WORK });
    const out = `${HOME}/.ko/bin/github.com/acme/ctl/cmd/controller/linux/amd64/out`;
    s.exit(s.exec(c, GO, `build -trimpath -o ${out} ./cmd/controller`, { parent: ko, cwd: WORK }));
    s.read(ko, out, 90 * MiB);
    s.connect(ko, GHCR, 443, { cookie: '9' }).send(ko, GHCR, 443, 30 * MiB, { cookie: '9' });
    s.wait(1_000).exit(ko);
    expect(rules(s)).toEqual(['push-without-reads low']);
  });
});
