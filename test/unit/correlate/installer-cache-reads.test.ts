/**
 * What npm's fix did for `npm ci` (./package-cache-reads.test.ts, ./download-credentials.test.ts) the other
 * ecosystems' installers need too: `pip install -r requirements.txt` (also `python -m pip`), poetry and uv
 * install from their caches (`~/.cache/pip`, `~/.cache/pypoetry`, `~/.cache/uv`) and authenticate with
 * `~/.netrc`; `go mod download`/`go build` read the module cache (`GOMODCACHE`, `~/go/pkg/mod`) and the build
 * cache, and go's compiler reads every module's sources there; `cargo fetch`/`cargo build` read
 * `~/.cargo/registry` and rustc the crates' sources. A CI job that installed from a warm cache and then pushed a
 * tag was `bulk-read-then-push` (critical) or `sensitive-read-then-push` (high) only for those reads (found by
 * a review of CI false positives). A package's build runs arbitrary code under the installer (setup.py as
 * `python` under `python -m pip`, build.rs, a proc macro inside rustc): what it reads besides the installer's
 * cache counts, and anything else reading a cache (`tar` of it, a staging copy) counts as before.
 */
import { describe, expect, it } from 'vitest';
import type { SensorSource } from '../../../src/model/normalized-event.js';
import { brief, type Ctr, MiB, type Proc, run, type Scenario } from './builder.js';
import { runnerPod, tagPush } from './runner-job.js';

const PYPI_IP = '151.101.0.223';
const HOME = '/home/runner';
const PYTHON = '/opt/hostedtoolcache/Python/3.12.7/x64/bin/python3.12';

/** `files` cache entries of 2 MiB (300 MiB by default: critical past 256 MiB). */
function readCache(s: Scenario, p: Proc, dir: string, files = 150): void {
  for (let i = 0; i < files; i++) s.read(p, `${dir}/${i.toString(16).padStart(2, '0')}/entry${i}`, 2 * MiB).wait(10);
}

/** An installer that reads `~/.netrc`, its whole cache, and downloads what is missing. */
function install(s: Scenario, c: Ctr, parent: Proc, binary: string, args: string, cache: string): Proc {
  const p = s.exec(c, binary, args, { parent });
  s.read(p, `${HOME}/.netrc`, 90);
  readCache(s, p, cache);
  s.connect(p, PYPI_IP, 443, { cookie: '7' }).send(p, PYPI_IP, 443, 40_000, { cookie: '7' });
  return p;
}

const LOW = [{ rule: 'push-without-reads', severity: 'low', tool: 'git', destination: 'github.com' }];
const rules = (s: Scenario) => brief(run(s.events).alerts).map((a) => `${a.rule} ${a.severity}`);

const PIP_CACHE = `${HOME}/.cache/pip/http-v2`;
const INSTALLS: Array<[string, string, string]> = [
  [PYTHON, '-m pip install -r requirements.txt', PIP_CACHE],
  [PYTHON, '/opt/hostedtoolcache/Python/3.12.7/x64/bin/pip3 install --require-hashes -r requirements.txt', PIP_CACHE],
  [PYTHON, `${HOME}/.local/bin/poetry install --no-root --sync`, `${HOME}/.cache/pypoetry/artifacts`],
  ['/usr/local/bin/uv', 'sync --frozen', `${HOME}/.cache/uv/wheels-v3/pypi`],
  ['/usr/local/bin/uv', 'pip install --system -r requirements.txt', `${HOME}/.cache/uv/archive-v0`],
  ['/usr/local/go/bin/go', 'mod download', `${HOME}/go/pkg/mod/cache/download/github.com`],
  ['/usr/local/go/bin/go', 'build -trimpath ./...', `${HOME}/.cache/go-build`],
  ['/usr/local/cargo/bin/cargo', 'fetch --locked', '/usr/local/cargo/registry/cache/index.crates.io-6f17d22bba15001f'],
  [`${HOME}/.cargo/bin/cargo`, '+stable check --all-targets', `${HOME}/.cargo/registry/index/index.crates.io-6f1`],
];

describe("an installer's own reads of its cache and its credential store", () => {
  it.each<SensorSource>(['tetragon', 'falco'])(
    "pip install -r requirements.txt from a warm cache, with ~/.netrc, leaves the job's tag push low (%s)",
    (source) => {
      const { s, c, worker } = runnerPod('svc', source);
      s.exit(install(s, c, worker, PYTHON, '-m pip install -r requirements.txt', PIP_CACHE));
      tagPush(s, c, worker, 'svc', 'v3.1.0');
      expect(brief(run(s.events).alerts)).toEqual(LOW);
    },
  );

  it.each(INSTALLS)('%s %s reading %s is the install', (binary, args, cache) => {
    const { s, c, worker } = runnerPod('svc');
    s.exit(install(s, c, worker, binary, args, cache));
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['push-without-reads low']);
  });

  it.each<SensorSource>(['tetragon', 'falco'])(
    "go build's compiler reading the modules' sources, cargo build's rustc the crates', are the build (%s)",
    (source) => {
      const { s, c, worker } = runnerPod('svc', source);
      const go = install(s, c, worker, '/usr/local/go/bin/go', 'build ./...', `${HOME}/go/pkg/mod/cache/download`);
      const compile = s.exec(c, '/usr/local/go/pkg/tool/linux_amd64/compile', '-o $WORK/b001/_pkg_.a -p main', {
        parent: go,
      });
      readCache(s, compile, `${HOME}/go/pkg/mod/github.com/aws/aws-sdk-go-v2@v1.30.3`);
      s.exit(compile).exit(go);
      const cargo = install(
        s,
        c,
        worker,
        '/usr/local/cargo/bin/cargo',
        'build --release',
        '/usr/local/cargo/registry/cache/x',
      );
      // rustup's proxy runs the toolchain's rustc.
      const proxy = s.exec(c, '/usr/local/cargo/bin/rustc', '--crate-name tokio --edition=2021', { parent: cargo });
      const rustc = s.exec(
        c,
        '/usr/local/rustup/toolchains/1.82.0-x86_64-unknown-linux-gnu/bin/rustc',
        '--crate-name tokio',
        {
          parent: proxy,
        },
      );
      readCache(s, rustc, '/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.41.0');
      s.exit(rustc).exit(proxy).exit(cargo);
      tagPush(s, c, worker, 'svc', 'v3.1.0');
      expect(brief(run(s.events).alerts)).toEqual(LOW);
    },
  );
});

describe('what still counts around an installer', () => {
  it('a package build pip runs (setup.py under `python -m pip`) reading an ssh key counts', () => {
    const { s, c, worker } = runnerPod('svc');
    const pip = install(s, c, worker, PYTHON, '-m pip install .', PIP_CACHE);
    const backend = s.exec(
      c,
      PYTHON,
      '/opt/hostedtoolcache/Python/3.12.7/x64/lib/python3.12/site-packages/pip/_vendor/pyproject_hooks/_in_process/_in_process.py build_wheel /tmp/tmpk2l',
      { parent: pip },
    );
    s.read(backend, `${HOME}/.ssh/id_rsa`, 2_600).read(backend, `${HOME}/.netrc`, 90).exit(backend).exit(pip);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['sensitive-read-then-push high']);
  });

  it("a package build pip runs reading pip's cache counts (it is not the installer)", () => {
    const { s, c, worker } = runnerPod('svc');
    const pip = s.exec(c, PYTHON, '-m pip install .', { parent: worker });
    const backend = s.exec(c, PYTHON, '/tmp/pip-req-build-x/setup.py bdist_wheel', { parent: pip });
    readCache(s, backend, PIP_CACHE);
    s.exit(backend).exit(pip);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it("pip's own build-dependency install (`python -m pip` under pip) is pip", () => {
    const { s, c, worker } = runnerPod('svc');
    const pip = s.exec(c, PYTHON, '-m pip install .', { parent: worker });
    const deps = s.exec(
      c,
      PYTHON,
      '-m pip install --ignore-installed --no-user --prefix /tmp/pip-build-env-x/overlay setuptools',
      {
        parent: pip,
      },
    );
    readCache(s, deps, PIP_CACHE);
    s.exit(deps).exit(pip);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['push-without-reads low']);
  });

  it('a build script cargo runs (build.rs) and a proc macro inside rustc reading secrets count', () => {
    const { s, c, worker } = runnerPod('svc');
    const cargo = s.exec(c, '/usr/local/cargo/bin/cargo', 'build --release', { parent: worker });
    const build = s.exec(c, '/src/target/release/build/evil-sys-1a2b3c/build-script-build', '', { parent: cargo });
    s.read(build, `${HOME}/.ssh/id_ed25519`, 400).exit(build);
    const rustc = s.exec(c, '/usr/local/cargo/bin/rustc', '--crate-name evil_macros', { parent: cargo });
    s.read(rustc, `${HOME}/.aws/credentials`, 200).read(rustc, `${HOME}/.netrc`, 90).exit(rustc).exit(cargo);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    const alert = run(s.events).alerts[0]!;
    expect([alert.rule, alert.severity]).toEqual(['sensitive-read-then-push', 'high']);
    expect([...alert.reads.sensitive].sort()).toEqual([
      `${HOME}/.aws/credentials`,
      `${HOME}/.netrc`,
      `${HOME}/.ssh/id_ed25519`,
    ]);
  });

  it('a program `cargo run` runs is not cargo, though the project names it `cargo`', () => {
    const { s, c, worker } = runnerPod('svc');
    const cargo = s.exec(c, '/usr/local/cargo/bin/cargo', 'run --release --bin cargo', { parent: worker });
    const app = s.exec(c, '/home/runner/_work/svc/svc/target/release/cargo', '', { parent: cargo });
    s.read(app, `${HOME}/.ssh/id_rsa`, 2_600).exit(app).exit(cargo);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['sensitive-read-then-push high']);
  });

  // Found by review: a program `go run` or `cargo run` runs was a compiler by its name (`GOTMPDIR` under a
  // `pkg/tool/` directory, a binary the project names rustc), and its bulk read of the caches did not count.
  it.each([
    ['/usr/local/go/bin/go', 'run ./compile', `${HOME}/pkg/tool/linux_amd64/go-build123/b001/exe/compile`],
    ['/usr/local/cargo/bin/cargo', 'run --bin rustc', `${HOME}/_work/svc/svc/target/debug/rustc`],
    ['/usr/local/cargo/bin/cargo', 'run --profile bin --bin rustc', `${HOME}/_work/svc/svc/target/bin/rustc`],
  ])('%s %s: %s named like a compiler reading the caches is no build', (tool, args, binary) => {
    const { s, c, worker } = runnerPod('svc');
    const build = s.exec(c, tool, args, { parent: worker });
    const app = s.exec(c, binary, '', { parent: build });
    readCache(s, app, `${HOME}/go/pkg/mod/github.com/acme/internal@v1.2.0`, 75);
    readCache(s, app, '/usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/acme-internal-0.3.0', 75);
    s.exit(app).exit(build);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it("cargo's publish credential (credentials.toml) read by a build counts", () => {
    const { s, c, worker } = runnerPod('svc');
    const cargo = s.exec(c, '/usr/local/cargo/bin/cargo', 'build --release', { parent: worker });
    s.read(cargo, '/usr/local/cargo/credentials.toml', 80).exit(cargo);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['sensitive-read-then-push high']);
  });

  it.each([
    ['/usr/bin/tar', `czf /tmp/.p.tgz ${HOME}/.cache/pip`, PIP_CACHE],
    ['/usr/bin/cat', `${HOME}/go/pkg/mod/cache/download/x`, `${HOME}/go/pkg/mod/cache/download`],
    ['/usr/bin/cp', `-r ${HOME}/.cache/uv /tmp/u`, `${HOME}/.cache/uv/archive-v0`],
    ['/usr/bin/tar', 'cf - /usr/local/cargo/registry', '/usr/local/cargo/registry/cache/x'],
  ])('%s %s reading the cache is no install: the push is bulk', (binary, args, cache) => {
    const { s, c, worker } = runnerPod('svc');
    const p = s.exec(c, binary, args, { parent: worker });
    readCache(s, p, cache);
    s.exit(p);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['bulk-read-then-push critical']);
  });

  it('a command go generate runs is no install: its read of ~/.netrc counts', () => {
    const { s, c, worker } = runnerPod('svc');
    const pip = install(s, c, worker, PYTHON, '-m pip install -r requirements.txt', PIP_CACHE);
    s.exit(pip);
    const gen = s.exec(c, '/usr/local/go/bin/go', 'generate ./...', { parent: worker });
    const run1 = s.exec(c, '/usr/local/go/bin/go', 'run ./internal/gen', { parent: gen });
    const genBin = s.exec(c, '/tmp/go-build1234/b001/exe/gen', '', { parent: run1 });
    s.read(genBin, `${HOME}/.netrc`, 90).exit(genBin).exit(run1).exit(gen);
    tagPush(s, c, worker, 'svc', 'v3.1.0');
    expect(rules(s)).toEqual(['sensitive-read-then-push high']);
  });
});
